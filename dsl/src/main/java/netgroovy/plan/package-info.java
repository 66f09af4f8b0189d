/**
 * The plan: what a DSL statement will do, as a list of primitive operations, before
 * anything touches the kernel. The same plan is applied (with an undo log, so a failure
 * half-way leaves nothing behind), printed as the equivalent shell commands (dry run,
 * explain), and checked against the live system so that re-running a script converges.
 */
package netgroovy.plan;
