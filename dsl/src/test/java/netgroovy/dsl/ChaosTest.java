package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails a statement's plan at each of its steps in turn, on the real kernel: whichever step
 * fails, the machine (links, addresses, routes, namespaces, firewall, files, hostnames) and the
 * model are exactly as before the statement, and the same statement then succeeds.
 */
@ExtendWith(Sandboxed.class)
class ChaosTest {

    /** Everything a statement can change, as independent tools print it. */
    private static String machine() {
        // (a bridge's operational state follows its ports by itself: not something to undo)
        return Sh.ok("ip", "-o", "link", "show").replaceAll(" state \\S+", "").replace("NO-CARRIER,", "").replace(",LOWER_UP", "") + withoutLinkLocal(Sh.ok("ip", "-o", "addr", "show") + "\n" + Sh.ok("ip", "route", "show", "table", "all"))
                + "\n" + Sh.ok("ip", "netns", "list") + Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "").replaceAll("\\[\\d+:\\d+\\]", "")
                + Sh.ok("sh", "-c", "find /etc/netns /run/netgroovy/uts 2>/dev/null | sort; cat /proc/sys/net/ipv4/ip_forward")
                + Sh.ok("ss", "-H", "-ltun"); // the userland proxy's listeners
    }

    /**
     * IPv6 link-local addresses, and the multicast route of a link that just came up, come and
     * go with the kernel's own address detection, in their own time (a busy machine showed it).
     */
    private static String withoutLinkLocal(String lines) {
        return lines.lines().filter(l -> !l.contains("fe80:") && !l.startsWith("multicast ff00::/8")).collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void aContainerFailingAtAnyStepLeavesNothingBehind() {
        failAtEveryStep("dockerd icc: false");
    }

    /** The same with Docker's default userland proxy: its listeners are undone too. */
    @Test
    void withTheUserlandProxyToo() {
        failAtEveryStep("dockerd icc: false, userlandProxy: true");
    }

    private void failAtEveryStep(String dockerd) {
        String statement = "container 'web', link: 'db:redis', publish: ['8080:80', '5353:53/udp'], expose: 80";
        try (Session s = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox")) {
            Engine e = new Engine(s);
            e.run(dockerd + "\ncontainer 'db', expose: 6379", "chaos");
            String before = machine();
            String world = (String) e.run("ps", "chaos");
            int steps = 0;
            for (int k = 1; ; k++) {
                final int fail = k;
                s.executor().injectFault(n -> n == fail);
                try {
                    e.run(statement, "chaos");
                    steps = k - 1; // the fault was never reached: all steps ran
                    break;
                } catch (DslException expected) {
                    assertTrue(expected.getMessage().contains("injected fault"), expected.getMessage());
                }
                assertEquals(before, machine(), "after a failure at step " + k);
                assertEquals(world, e.run("ps", "chaos"), "the model after a failure at step " + k);
            }
            s.executor().injectFault(n -> false);
            assertTrue(steps >= 10, "a container is many steps: " + steps);
            assertTrue(((String) e.run("ps", "chaos")).contains("web"), "and once nothing fails, it is made");
            assertEquals(dockerd.contains("userlandProxy"), Sh.ok("ss", "-H", "-ltn").contains(":8080"), "served by the proxy, if there is one");
            assertThrows(DslException.class, () -> e.run("container 'web', publish: '9999:80'", "chaos"), "(made with other options)");
        }
    }
}
