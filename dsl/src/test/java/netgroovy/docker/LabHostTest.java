package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Docker on a lab host: inside {@code netns('h1') { }} Docker's words work on h1, a namespace
 * standing for a machine with its own daemon, bridge and world. Checked with iproute2 and
 * ping from outside netgroovy: the container's veth hangs on h1's docker0 (not the
 * sandbox's), and a container on h1 reaches one on h2 once the hosts route each other.
 */
@ExtendWith(Sandboxed.class)
class LabHostTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    private static final String TWO_HOSTS = """
            use 'lab'
            labSwitch 'lan'
            labHost 'h1', on: 'lan', underlay: '10.0.0.1/24', subnet: '172.20.1.0/24'
            labHost 'h2', on: 'lan', underlay: '10.0.0.2/24', subnet: '172.20.2.0/24'
            """;

    private Object run(String script) {
        return engine.run(script, "lab.netgroovy");
    }

    /** The IPv4 addresses of a container's eth0 (the kernel adds an fe80:: one of its own). */
    private static List<String> v4(String ns) {
        return Ip.addresses(ns, "eth0").stream().filter(a -> !a.contains(":")).toList();
    }

    /** Whether docker ps lists the name (as a word: an ID's hex digits may hold "c2"). */
    private static boolean lists(String ps, String name) {
        return java.util.regex.Pattern.compile("\\b" + name + "\\b").matcher(ps).find();
    }

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void aContainerOnOneLabHostPingsOneOnAnother() {
        run(TWO_HOSTS + """
                netns('h1') { container 'c1' }
                netns('h2') { container 'c2', ip: '172.20.2.9' }
                """);
        // c1's eth0 is on h1's subnet, its default route leads to h1's docker0.
        assertEquals(List.of("172.20.1.2/24"), v4("c1"));
        assertEquals(List.of("172.20.2.9/24"), v4("c2"));
        assertTrue(Ip.addresses("h1", "docker0").contains("172.20.1.1/24"), "h1's daemon made its docker0");
        assertEquals("172.20.1.1", Ip.routes("c1", "-4").stream().filter(r -> "default".equals(r.get("dst"))).findFirst()
                .orElseThrow().get("gateway"));
        // The host end of c1's veth is on h1's docker0; the sandbox's own namespace has no docker0 at all.
        List<Map<String, Object>> onBridge = Ip.json("h1", "link", "show", "master", "docker0");
        assertEquals(1, onBridge.size(), "one veth on h1's docker0: " + onBridge);
        assertTrue(Ip.link(null, "docker0").isEmpty(), "nothing was made in the sandbox's own namespace");
        // Docker's files for the container.
        assertTrue(Sh.in("c1", "cat", "/etc/hosts").out().contains("172.20.1.2"));

        assertFalse(Ip.ping("c1", "172.20.2.9"), "no route to h2's containers yet");
        run("""
                labRoute 'h1', '172.20.2.0/24', '10.0.0.2'
                labRoute 'h2', '172.20.1.0/24', '10.0.0.1'
                """);
        assertTrue(Ip.ping("c1", "172.20.2.9"), "c1 on h1 reaches c2 on h2");
        assertTrue(Ip.ping("c2", "172.20.1.2"), "and back");
    }

    @Test
    void eachHostHasItsOwnDaemonAndWordsThatNameAContainerFindIt() {
        run(TWO_HOSTS + """
                netns('h1') { container 'c1' }
                labContainer 'h2', 'c2', '172.20.2.2/24'
                dockerd()
                container 'web'
                """);
        String h1 = (String) run("netns('h1') { ps }");
        assertTrue(lists(h1, "c1") && !lists(h1, "c2") && !lists(h1, "web"), h1);
        String own = (String) run("ps");
        assertTrue(lists(own, "web") && !lists(own, "c1"), own);
        assertTrue(((String) run("inspect 'c2'")).contains("\"IPAddress\": \"172.20.2.2\""), "inspect finds c2 on h2");
        // Both daemons hand out addresses of their own: h1's first is .2 of its subnet, as the sandbox's is of 172.17/16.
        assertEquals(List.of("172.17.0.2/16"), v4("web"));

        // A second process (the state store) sees h1's daemon and its container.
        try (Session later = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox")) {
            Object ps = new Engine(later).run("netns('h1') { ps }", "later.netgroovy");
            assertTrue(ps.toString().contains("172.20.1.2"), ps.toString());
        }

        // Container names are namespaces: one set for the machine.
        var taken = assertThrows(DslException.class, () -> run("netns('h2') { container 'c1' }"));
        assertEquals("lab.netgroovy:1: container c1 exists already on another host; give another name", taken.located());

        run("rm 'c1'"); // said at the top level, it goes to the daemon that made it
        assertFalse(Ip.netnsList().contains("c1"));
        assertEquals(List.of(), Ip.json("h1", "link", "show", "master", "docker0"), "its veth left h1's docker0");
        assertFalse(Files.exists(Path.of("/etc/netns/c1")), "and its files went");
    }

    @Test
    void aLabHostsPlanRunsInItsNamespaceAndTeardownTakesItAll() {
        run(TWO_HOSTS);
        @SuppressWarnings("unchecked")
        List<String> plan = (List<String>) run("explain { netns('h1') { container 'c1' } }");
        assertTrue(plan.stream().anyMatch(c -> c.startsWith("ip -n h1 link add veth") && c.contains("netns c1")), String.join("\n", plan));
        assertTrue(plan.stream().noneMatch(c -> c.startsWith("ip link")), "nothing in the sandbox's own namespace: " + plan);

        run("netns('h1') { container 'c1' }\nlabContainer 'h2', 'c2', '172.20.2.2/24'");
        // A lab host of Docker's default kind: with rules (in its own iptables, not the sandbox's).
        run("labHost 'h3', on: 'lan', underlay: '10.0.0.3/24', subnet: '172.20.3.0/24', dockerd: [iptables: true]\n"
                + "netns('h3') { container 'c3', publish: '8080:80'; container 'c4', net: 'host' }");
        assertTrue(Sh.in("h3", "iptables-save", "-t", "nat").out().contains("--to-destination 172.20.3.2:80"), "h3's DNAT, in h3");
        assertFalse(Sh.ok("iptables-save", "-t", "nat").contains("172.20.3.2"), "nothing in the sandbox's own tables");
        // (a bridge's operational state follows its ports in its own time: compared without it)
        assertEquals(Sh.in("h3", "ip", "-o", "link").out().replaceAll(" state \\S+", ""),
                ((netgroovy.dsl.Run) run("netns('c4') { sh 'ip -o link' }")).getOut().replaceAll(" state \\S+", ""),
                "a net: 'host' container on h3 lives in h3's namespace");
        run("teardown");
        for (String ns : List.of("h1", "h2", "h3", "c1", "c2", "c3")) {
            assertFalse(Ip.netnsList().contains(ns), ns + " is gone");
        }
        assertFalse(Files.exists(Path.of("/etc/netns/c1")));
        assertFalse(Files.exists(Path.of("/run/netgroovy/uts/c1")), "c1's hostname namespace went too");
    }

    @Test
    void doctorFindsALabContainerWhoseNamespaceWentBehindItsBack() {
        run(TWO_HOSTS + "netns('h1') { container 'c1'; container 'c5' }");
        assertTrue(((String) run("doctor()")).startsWith("doctor: the world, the kernel and the firewall agree"),
                "a lab host's containers are accounted for");
        Sh.ok("ip", "netns", "del", "c1");
        String report = (String) run("doctor()");
        assertTrue(report.contains("container c1 is recorded, but its namespace is gone"), report);
        run("doctor fix: true");
        String ps = (String) run("netns('h1') { ps }");
        assertTrue(!lists(ps, "c1") && lists(ps, "c5"), ps);
        assertEquals(1, Ip.json("h1", "link", "show", "master", "docker0").size(), "c5's veth is still on h1's docker0");
    }

    @Test
    void whatOnlyTheSandboxsOwnHostCanServeIsRefusedOnALabHost() {
        run(TWO_HOSTS);
        var e = assertThrows(DslException.class, () -> run("netns('h1') { dockerd resolver: 'embedded' }"));
        assertTrue(e.getMessage().contains("resolver: 'embedded' works only on the sandbox's own host"), e.getMessage());
    }
}
