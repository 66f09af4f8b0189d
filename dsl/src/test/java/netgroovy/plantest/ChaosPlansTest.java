package netgroovy.plantest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.plan.Op;
import netgroovy.plan.PlanException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ChaosTest's cases without root: a statement's plan fails at each of its steps in turn, on
 * the in-memory kernel, and whichever step fails the whole kernel (namespaces, links,
 * addresses, routes, sysctls, iptables, UTS namespaces, files) and the model are exactly as
 * before the statement; once nothing fails, the statement is made. And when undoing a step
 * fails too, the error says so, naming that step, and says what to do: never swallowed.
 */
@ExtendWith(NoRealKernel.class)
class ChaosPlansTest {
    private static final String DAEMON = "dockerd icc: false\ncontainer 'db', expose: 6379";
    /** As ChaosTest's: a container with a link, two published ports and an exposed one. */
    private static final String CONTAINER = "container 'web', link: 'db:redis', publish: ['8080:80', '5353:53/udp'], expose: 80";
    /** Plain words, one apply block: all of it or none of it. */
    private static final String WIRING = """
            apply {
                bridge 'lab0' cidr '10.20.0.1/24'
                netns 'n1'
                veth 'lab-n1', 'eth0', peerIn: 'n1'
                link 'lab-n1' master 'lab0' up
                netns('n1') {
                    addr '10.20.0.2/24' dev 'eth0'
                    link 'eth0' mtu 1400 up
                    route 'default' via '10.20.0.1'
                }
                route '198.51.100.0/24' via '10.20.0.2'
                masquerade 'lab0'
            }""";

    /** What exists already: a statement that changes it must put every setting back. */
    private static final String EXISTING = """
            bridge 'lab0' cidr '10.20.0.1/24'
            bridge 'lab1'
            netns 'n1'
            veth 'lab-n1', 'eth0', peerIn: 'n1'
            link 'lab-n1' master 'lab0' up
            netns('n1') { addr '10.20.0.2/24' dev 'eth0'; link 'eth0' up }""";
    private static final String CHANGES = """
            apply {
                link 'lab-n1' master 'lab1' mtu 1400 mac '02:11:22:33:44:55'
                link 'lab0' down
                netns('n1') {
                    link 'eth0' mtu 1300
                    addr '10.20.0.9/24' dev 'eth0'
                    route 'default' via '10.20.0.1'
                    sysctl 'net.ipv4.ip_forward', 1
                }
                addr '10.30.0.1/24' dev 'lab1'
                link 'lab1' up
                sysctl 'net.ipv4.conf.all.rp_filter', 2
                masquerade 'lab1', '10.30.0.0/24'
            }""";

    @BeforeAll
    static void compileEachScriptOnce() {
        Engine.reuseCompiledScripts(); // the same few statements run hundreds of times here
    }

    @Test
    void changesToWhatExistsFailingAtAnyStepArePutBack() {
        int steps = failAtEveryStep(EXISTING, CHANGES);
        assertTrue(steps >= 10, "the block is many steps: " + steps);
    }

    @Test
    void aContainerFailingAtAnyStepLeavesNothingBehind() {
        int steps = failAtEveryStep(DAEMON, CONTAINER);
        assertTrue(steps >= 10, "a container is many steps: " + steps);
    }

    @Test
    void plainWordsInAnApplyBlockFailingAtAnyStepLeaveNothingBehind() {
        int steps = failAtEveryStep("", WIRING);
        assertTrue(steps >= 10, "the block is many steps: " + steps);
    }

    @Test
    void theDaemonItselfFailingAtAnyStepLeavesNothingBehind() {
        failAtEveryStep("", "dockerd icc: false");
    }

    /** Fails step k of {@code statement} for k = 1, 2 ... until it runs whole; returns its number of steps. */
    private static int failAtEveryStep(String setup, String statement) {
        try (OnMemory m = new OnMemory()) {
            if (!setup.isEmpty()) {
                m.run(setup);
            }
            String before = m.kernel.state();
            Object world = m.run("ps");
            for (int k = 1; ; k++) {
                final int fail = k;
                m.session.executor().injectFault(n -> n == fail);
                try {
                    m.run(statement);
                    m.session.executor().injectFault(n -> false);
                    assertNotEquals(before, m.kernel.state(), "once nothing fails, the statement is made");
                    assertTrue(k > 1, "the fault was injected into no step at all");
                    return k - 1;
                } catch (DslException expected) {
                    assertTrue(expected.getMessage().contains("injected fault"), expected.getMessage());
                    assertTrue(expected.getMessage().contains("nothing of this statement was left behind")
                            || String.valueOf(expected.hint()).contains("nothing of this statement was left behind"), expected.getMessage());
                }
                assertEquals(before, m.kernel.state(), "the kernel after a failure at step " + k);
                assertEquals(world, m.run("ps"), "the model after a failure at step " + k);
            }
        }
    }

    /**
     * Step k fails, and undoing step j (one that went before) fails too: for every such pair
     * the error names the step that could not be undone, the plan is marked as having left
     * something, and the hint points at the doctor.
     */
    @Test
    void anUndoThatFailsIsReportedNeverSwallowed() {
        List<String> steps = appliedSteps(WIRING);
        int n = steps.size();
        for (int k = 2; k <= n; k++) {
            for (int j = 1; j < k; j++) {
                try (OnMemory m = new OnMemory()) {
                    final int fail = k;
                    final int stuck = j;
                    m.session.executor().injectFault(x -> x == fail);
                    m.session.executor().injectUndoFault(x -> x == stuck);
                    DslException e = assertThrows(DslException.class, () -> m.run(WIRING), "step " + k + " fails");
                    String message = e.getMessage();
                    assertTrue(message.contains("injected fault"), message);
                    assertTrue(message.contains("undoing what went before failed: " + steps.get(j - 1) + ": injected undo fault"),
                            "step " + k + " failed, undoing step " + j + " (" + steps.get(j - 1) + ") failed: " + message);
                    assertTrue(String.valueOf(e.hint()).contains("could not be undone") && String.valueOf(e.hint()).contains("doctor"),
                            "the hint says what to do: " + e.hint());
                    assertTrue(e.getCause() instanceof PlanException p && p.undoFailed(), "the plan says it left something");
                }
            }
        }
    }

    /** The first line of each step {@code statement} applies on a fresh kernel, in order. */
    private static List<String> appliedSteps(String statement) {
        try (OnMemory m = new OnMemory()) {
            m.run(statement);
            return m.session.executor().journal().stream().map(Op::command).map(c -> c.lines().findFirst().orElse("")).toList();
        }
    }
}
