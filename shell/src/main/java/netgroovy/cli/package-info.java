/** The command line: {@code netgroovy [options] [FILE [ARGS...]]}, parsed with picocli. */
package netgroovy.cli;
