package netgroovy.testing;

import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

/**
 * Gives each test a sandbox of its own, fresh, and takes it away afterwards. It refuses to
 * run at all outside the sandbox (the test JVM must have been started by sandbox/bin/java),
 * so no test can ever touch the machine's own network.
 *
 * <p><b>Each test method runs in a JVM of its own</b>, started for it alone through
 * sandbox/run-in-sandbox: fresh network, mount, UTS, IPC and PID namespaces, a /run of its
 * own and an /etc overlay, all of which vanish when it exits. Nothing one test leaves (a
 * namespace, a link, a rule, a sysctl, the hostname, the state store, a process still
 * running) can reach the next, not even in the same class. Surefire's and Failsafe's JVM
 * (itself sandboxed, one per class) only orchestrates: this extension intercepts each test
 * method there, skips it and the class's @BeforeAll/@BeforeEach/@AfterEach/@AfterAll, and
 * instead starts {@link ForkedTestMain} on the test's JUnit unique ID ({@link MethodFork}),
 * which runs the whole life cycle for real, and replays the outcome: the child's own
 * exception for a failure (with the end of its output), an abort for an assumption or a skip.
 * A parameterized or repeated test's invocations, and a test factory's dynamic tests, run in
 * a JVM each. The child's output is printed here, so the reports file it with the test.
 *
 * <p>Why not a fresh namespace per method in one JVM: setns and unshare(CLONE_NEWNET) act on
 * the calling thread only, while the kernel layer's namespace worker, netlink sockets already
 * open and processes started from other threads stay where they were, so "the host" would
 * mean two namespaces at once; and a fresh mount namespace (which /run/netns, /etc/netns and
 * /run/netgroovy need) cannot be had at all, since unshare(CLONE_NEWNS) is refused to a
 * multi-threaded process, and a JVM always is one. The sweep that used to run after each
 * method (delete namespaces and links, flush the firewall, remove the store) is gone: it
 * could only remove what it knew of, and now nothing is left for it; {@link Sweep} keeps it
 * for a test that builds several worlds in turn within one method.
 *
 * <p>The price is a JVM start per test (a sandbox, a cold Groovy); {@link ChildClassData}
 * shares the classes the children load, and Surefire runs two classes at a time (the poms),
 * so two children run side by side; figures in the README's "Tests" section.
 */
public final class Sandboxed implements BeforeAllCallback, InvocationInterceptor {
    /**
     * Whether tests run right here: in a test's own JVM (set on its command line), or when
     * -Dnetgroovy.test.fork=false asks for the old way (one sandbox per class, nothing cleared
     * between its methods), e.g. to hold a test in a debugger.
     */
    static final boolean FORKED = Boolean.getBoolean("netgroovy.test.forked")
            || "false".equals(System.getProperty("netgroovy.test.fork"));

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!netgroovy.kernel.Sandbox.inside()) {
            throw new IllegalStateException("kernel tests must run inside the sandbox (sandbox/bin/java); "
                    + "refusing to touch this machine's own network");
        }
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        runHereOrAlone(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        interceptTestMethod(invocation, call, context);
    }

    /**
     * A test factory runs here too, to name its tests (its body should only list them); each
     * dynamic test then runs in a JVM of its own, which calls the factory again and runs that
     * one test of what it returns (JUnit selects a dynamic test by its unique ID, by position).
     */
    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext call,
            ExtensionContext context) throws Throwable {
        runHereOrAlone(invocation, context);
    }

    /** In the test's own JVM: the test itself; in Surefire's: the test in a JVM and sandbox of its own. */
    private static void runHereOrAlone(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        if (FORKED) {
            invocation.proceed();
            return;
        }
        invocation.skip();
        runAlone(context);
    }

    // The life cycle runs in the test's own JVM only.

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        proceedOnlyForked(invocation);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        proceedOnlyForked(invocation);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        proceedOnlyForked(invocation);
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        proceedOnlyForked(invocation);
    }

    private static void proceedOnlyForked(Invocation<Void> invocation) throws Throwable {
        if (FORKED) {
            invocation.proceed();
        } else {
            invocation.skip();
        }
    }

    private static void runAlone(ExtensionContext context) throws Throwable {
        MethodFork.Run run = MethodFork.run(context.getUniqueId(), context.getDisplayName());
        MethodFork.echo(run.output());
        replay(context.getUniqueId(), context.getDisplayName(), run);
    }

    /** Ends as the test ended in its own JVM: normally, or with what it threw, or aborted. */
    private static void replay(String id, String name, MethodFork.Run run) throws Throwable {
        ForkOutcome.Result result = run.outcome().of(id);
        // A failing @BeforeAll or @AfterAll fails the class there; here it fails the test.
        ForkOutcome.Result container = run.outcome().failedAncestor(id);
        if (result == null && container == null) {
            throw MethodFork.withOutput(new AssertionError(name + ": its own JVM did not run it (nothing found for "
                    + id + ")"), run.output());
        }
        if (result == null || result.status() == ForkOutcome.Status.SUCCESSFUL) {
            if (container == null) {
                return;
            }
            result = container;
        }
        switch (result.status()) {
            case SKIPPED -> throw new TestAbortedException(name + " was skipped in its own JVM: " + result.reason());
            case ABORTED -> throw result.thrown() != null ? result.thrown() : new TestAbortedException(name + " aborted");
            default -> throw MethodFork.withOutput(result.thrown() != null ? result.thrown()
                    : new AssertionError(name + " failed in its own JVM"), run.output());
        }
    }
}
