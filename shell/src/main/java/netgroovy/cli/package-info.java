/** The command line: {@code netgroovy [options] [FILE [ARGS...]]}, read by {@link netgroovy.cli.Arguments}. */
package netgroovy.cli;
