package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Docker 20.10's rules let through, proven with real connections: an "outside world"
 * namespace on 203.0.113.0/24 (a documentation range) behind ext0 (203.0.113.1), with routes
 * to the containers' subnets as a neighbour router would have.
 */
@ExtendWith(Sandboxed.class)
class DockerTrafficTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    static final String WORLD = """
            netns 'world'
            veth 'ext0', 'eth0', peerIn: 'world'
            addr '203.0.113.1/24' dev 'ext0'
            link 'ext0' up
            netns('world') {
                addr '203.0.113.2/24' dev 'eth0'; link 'eth0' up
                route '172.17.0.0/16' via '203.0.113.1'
                route '192.168.0.0/16' via '203.0.113.1'
            }
            """;

    private Object run(String script) {
        return engine.run(script, "traffic.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    private String tcp(String from, String to) {
        return (String) run("connect " + (from == null ? "" : "from: '" + from + "', ") + "to: '" + to + "'");
    }

    private static String forwardPolicy() {
        return Sh.ok("iptables", "-S", "FORWARD").lines().filter(l -> l.startsWith("-P FORWARD")).findFirst().orElseThrow();
    }

    /** Item 1: turning forwarding on, Docker drops in FORWARD what no rule accepts; only published ports are open. */
    @Test
    void theForwardPolicyDropsWhatIsNotPublished() {
        run(WORLD + """
                dockerd()
                container 'web', publish: '8080:80'
                serve 'web', 80
                serve 'web', 81
                network 'mynet', subnet: '192.168.0.0/16', gateway: '192.168.0.1'
                container 'u', net: 'mynet'
                serve 'u', 80
                """);
        assertEquals("-P FORWARD DROP", forwardPolicy());
        assertEquals("web saw 203.0.113.2", tcp("world", "203.0.113.1:8080"), "a published port is reached");
        assertNull(tcp("world", "172.17.0.2:81"), "an unpublished port is not, even with a route to the container");
        // Docker 20.10's ACCEPT for a published port does not ask whether the packet was DNATed:
        // with a route, the outside reaches the published container port directly too.
        assertEquals("web saw 203.0.113.2", tcp("world", "172.17.0.2:80"), "the published port by the container's own address");
        assertNull(tcp("world", "192.168.0.2:80"), "nor a user network's container");
    }

    /** ipForward: false: dockerd leaves forwarding, and so the policy, alone (as Docker's --ip-forward=false). */
    @Test
    void ipForwardFalseLeavesThePolicyAlone() {
        run("dockerd ipForward: false");
        assertEquals("-P FORWARD ACCEPT", forwardPolicy());
        assertEquals("0\n", Sh.ok("sysctl", "-n", "net.ipv4.ip_forward"));
    }

    /**
     * Item 2: without the userland proxy, the host's own addresses (127.0.0.1 too) reach
     * published ports through the LOCAL masquerade, a container reaches itself through its
     * own published port (hairpin mode on its bridge port), and another container too.
     */
    @Test
    void localhostHairpinAndNeighboursReachPublishedPorts() {
        run(WORLD + """
                dockerd()
                container 'web', publish: ['8080:80', '127.0.0.1:5000:80']
                container 'c2'
                serve 'web', 80
                """);
        String veth = (String) Ip.json(null, "link", "show", "master", "docker0").stream()
                .filter(l -> true).findFirst().orElseThrow().get("ifname");
        assertTrue(Sh.ok("ip", "-d", "link", "show", "dev", veth).contains("hairpin on"), "the bridge port is in hairpin mode");
        assertEquals("1\n", Sh.ok("sysctl", "-n", "net.ipv4.conf.docker0.route_localnet"));
        assertEquals("web saw 172.17.0.1", tcp(null, "127.0.0.1:8080"), "the host's 127.0.0.1");
        assertEquals("web saw 172.17.0.1", tcp(null, "127.0.0.1:5000"), "a binding to 127.0.0.1");
        assertEquals("web saw 172.17.0.1", tcp(null, "203.0.113.1:8080"), "the host's own address, masqueraded");
        assertEquals("web saw 172.17.0.1", tcp("web", "203.0.113.1:8080"), "web through its own published port (hairpin)");
        assertEquals("web saw 172.17.0.3", tcp("c2", "203.0.113.1:8080"), "another container through the host's address");
        assertEquals("web saw 203.0.113.2", tcp("world", "203.0.113.1:8080"), "the outside, without --ctstate DNAT");
        assertNull(tcp("world", "203.0.113.1:5000"), "a binding to 127.0.0.1 is not reached from outside");
    }
}
