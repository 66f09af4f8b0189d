package netgroovy.testing;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each test method gets a sandbox of its own (see {@link Sandboxed}): the first method leaves
 * behind what a sweep between methods would not have removed and a shared sandbox would keep
 * (a changed sysctl, the hostname, a file in /run, a process still running) and what it would
 * have (a link, a named namespace); the second finds none of it, by the tools' own account.
 * (Its network namespace's inode number may well be the first one's: the kernel hands a freed
 * namespace's number out again. The TTL and the link are what tell the namespaces apart.) With
 * -Dnetgroovy.test.fork=false (both methods in the class's one sandbox) the second method fails.
 */
@ExtendWith(Sandboxed.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreshSandboxPerMethodTest {
    /** In the build folder, which every sandbox sees: written by the first method, for the second. */
    private static final Path FIRST_NET = Path.of("target", "fresh-sandbox-per-method.net");
    private static final String TTL = "net.ipv4.ip_default_ttl";

    @Test
    @Order(1)
    void leavesThingsBehind() throws IOException {
        Files.deleteIfExists(FIRST_NET);
        Sh.ok("sysctl", "-q", "-w", TTL + "=99");
        Sh.ok("hostname", "leftover-host");
        Files.writeString(Path.of("/run/leftover"), "left by the first method\n");
        // detached: nobody waits for it, it outlives this method unless its sandbox goes
        new ProcessBuilder("setsid", "sleep", "600").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Sh.ok("ip", "link", "add", "leftover0", "type", "bridge");
        Sh.ok("ip", "netns", "add", "leftover-ns");

        // all of it is there now, by the same observers the second method asks
        assertEquals("99", Sh.ok("sysctl", "-n", TTL).strip());
        assertEquals("leftover-host", Sh.ok("hostname").strip());
        assertTrue(Files.exists(Path.of("/run/leftover")));
        assertTrue(sleeperRunning(), "the detached sleep 600 runs");
        assertTrue(Ip.json(null, "link", "show").stream().anyMatch(l -> "leftover0".equals(l.get("ifname"))));
        assertTrue(Sh.ok("ip", "netns", "list").contains("leftover-ns"));
        Files.writeString(FIRST_NET, Sh.ok("readlink", "/proc/self/ns/net").strip());
    }

    @Test
    @Order(2)
    void findsNoneOfIt() throws IOException {
        assertTrue(Files.exists(FIRST_NET), FIRST_NET + " is missing: run the whole class, leavesThingsBehind first");
        Files.delete(FIRST_NET);

        // all of them, so that a failure lists everything the first method left
        assertAll(
                () -> assertEquals("64", Sh.ok("sysctl", "-n", TTL).strip(), "the first method's TTL"),
                () -> assertNotEquals("leftover-host", Sh.ok("hostname").strip(), "the first method's hostname"),
                () -> assertFalse(Files.exists(Path.of("/run/leftover")), "the first method's file in /run"),
                () -> assertFalse(sleeperRunning(), "the first method's sleep 600 still runs:\n" + Sh.ok("ps", "-eo", "pid,args")),
                () -> assertEquals(List.of("lo"), Ip.json(null, "link", "show").stream().map(l -> (String) l.get("ifname")).toList(),
                        "links"),
                () -> assertEquals("", Sh.ok("ip", "netns", "list").strip(), "named namespaces"));
    }

    /** `ps`, the independent observer: a `sleep 600` anywhere this method can see. */
    private static boolean sleeperRunning() {
        return Sh.ok("ps", "-eo", "args").lines().anyMatch(l -> l.strip().equals("sleep 600"));
    }

}
