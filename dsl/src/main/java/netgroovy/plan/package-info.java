/**
 * The plan: what a DSL statement will do, as a list of primitive operations, before
 * anything touches the kernel. The same plan is applied (with an undo log, so a failure
 * half-way leaves nothing behind), printed as the equivalent shell commands (dry run,
 * explain), and checked against the live system so that re-running a script converges.
 * Operations see the system only through the {@link netgroovy.plan.Kernel} port: the real one
 * ({@link netgroovy.plan.LiveKernel}), one in memory for tests without root
 * ({@link netgroovy.plan.MemoryKernel}), or either written down call by call
 * ({@link netgroovy.plan.RecordingKernel}).
 */
package netgroovy.plan;
