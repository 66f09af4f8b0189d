/**
 * The interactive shell (JLine 3): completion that follows the DSL's grammar, highlighting,
 * multi-line input, history, :commands, :help paged on a small screen, a status line for long
 * statements, and :tutorial, which runs the tutorial scripts step by step.
 */
package netgroovy.repl;
