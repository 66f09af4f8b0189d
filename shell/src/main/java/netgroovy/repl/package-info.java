/** The interactive shell (JLine 3): completion, highlighting, multi-line input, history, commands. */
package netgroovy.repl;
