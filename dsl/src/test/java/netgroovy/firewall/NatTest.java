package netgroovy.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outbound NAT and published ports, proven with real connections (the DSL's serve and
 * connect: servers that answer "NAME saw ADDRESS"). The sandbox host has
 * docker0 (172.17.0.1/16) with containers c1 and c2, and an "outside world" namespace on
 * 203.0.113.0/24 (a documentation range) behind ext0 (203.0.113.1).
 */
@ExtendWith(Sandboxed.class)
public class NatTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Session session;
    private Engine engine;

    /** Two containers on docker0 and an outside world on 203.0.113.0/24 (TraceTest builds on it). */
    public static final String SETUP = """
            bridge 'docker0' cidr '172.17.0.1/16'
            ['c1': '172.17.0.2', 'c2': '172.17.0.3'].each { name, ip ->
                netns name
                veth "v$name", 'eth0', peerIn: name
                link "v$name" master 'docker0' up
                netns(name) {
                    addr "$ip/16" dev 'eth0'
                    link 'eth0' up
                    route 'default' via '172.17.0.1'
                }
            }
            netns 'world'
            veth 'ext0', 'eth0', peerIn: 'world'
            addr '203.0.113.1/24' dev 'ext0'
            link 'ext0' up
            netns('world') { addr '203.0.113.2/24' dev 'eth0'; link 'eth0' up }
            """;

    @BeforeEach
    void build() {
        session = new Session(false, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
        engine = new Engine(session);
        run(SETUP);
        run("""
                serve 'world', 9000
                serve 'world', '9001/udp'
                serve 'c1', 80
                serve 'c1', '53/udp'
                serve 'c1', 8001
                serve 'c1', 8002
                serve 'c2', 80
                """);
    }

    @AfterEach
    void close() {
        session.close(); // stops the servers too
    }

    /** The answer of the server at address:port, reached from {@code from} (null: the host), or null. */
    private String tcp(String from, String address, int port) {
        return (String) run("connect " + (from == null ? "" : "from: '" + from + "', ") + "to: '" + address + ":" + port + "'");
    }

    private String udp(String from, String address, int port) {
        return (String) run("connect from: '" + from + "', to: '" + address + ":" + port + "/udp'");
    }

    private Object run(String script) {
        return engine.run(script, "nat.netgroovy");
    }

    private static String rules() {
        return Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "");
    }

    @Test
    void masqueradeHidesTheContainerBehindTheHost() {
        assertNull(tcp("c1", "203.0.113.2", 9000), "without NAT the world cannot answer 172.17.0.2");
        run("firewall 'docker0'");
        assertEquals("world saw 203.0.113.1", tcp("c1", "203.0.113.2", 9000));
        assertEquals("world saw 203.0.113.1", udp("c1", "203.0.113.2", 9001));
        assertTrue(rules().contains("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -m comment --comment \"netgroovy masquerade docker0 #1 @nat.netgroovy:1\" -j MASQUERADE"),
                rules());
        assertEquals("1\n", Sh.ok("sysctl", "-n", "net.ipv4.ip_forward"));
    }

    @Test
    void publishedPortsInEveryForm() {
        run("firewall 'docker0'");
        run("publish 'c1', '8080:80', '203.0.113.1:8081:80', '53/udp', '8001-8002:8001-8002'");
        assertEquals("c1 saw 203.0.113.2", tcp("world", "203.0.113.1", 8080), "hostPort:containerPort from outside");
        assertEquals("c1 saw 203.0.113.2", tcp("world", "203.0.113.1", 8081), "ip:hostPort:containerPort");
        assertEquals("c1 saw 203.0.113.2", tcp("world", "203.0.113.1", 8001), "a range, first port");
        assertEquals("c1 saw 203.0.113.2", tcp("world", "203.0.113.1", 8002), "a range, last port");
        // Docker 20.10 masquerades whatever the host itself sends into the bridge (-m addrtype --src-type LOCAL)
        assertEquals("c1 saw 172.17.0.1", tcp(null, "203.0.113.1", 8080), "from the host to its own address");
        @SuppressWarnings("unchecked")
        List<String> udp = (List<String>) run("port 'c1', '53/udp'");
        assertEquals(1, udp.size(), udp.toString());
        int udpPort = Integer.parseInt(udp.get(0).split(":")[1]);
        assertTrue(udpPort >= 32768 && udpPort <= 60999, "a free port from the kernel's ip_local_port_range, as Docker 20.10 takes it: " + udpPort);
        assertEquals("c1 saw 203.0.113.2", udp("world", "203.0.113.1", udpPort), "/udp");

        @SuppressWarnings("unchecked")
        List<String> random = (List<String>) run("publish 'c1', '203.0.113.1::80'");
        int hostPort = Integer.parseInt(random.get(0).split("-> 203.0.113.1:")[1]);
        assertEquals("c1 saw 203.0.113.2", tcp("world", "203.0.113.1", hostPort), "ip::containerPort");

        @SuppressWarnings("unchecked")
        List<String> all = (List<String>) run("port 'c1'");
        assertTrue(all.contains("80/tcp -> 0.0.0.0:8080"), all.toString());
        assertTrue(all.contains("80/tcp -> 203.0.113.1:8081"), all.toString());
        assertEquals(6, all.size(), all.toString());
        // docker port c1 53 means 53/tcp, as the CLI reads it: the UDP binding is not its answer.
        assertEquals(List.of(), run("port 'c1', 53"));
        assertEquals(udp, run("port 'c1', '53/udp'"));
    }

    @Test
    void publishAllGivesEachExposedPortAFreeHostPort() {
        run("firewall 'docker0'");
        @SuppressWarnings("unchecked")
        List<String> made = (List<String>) run("publishAll 'c1', 80, '53/udp'");
        assertEquals(2, made.size());
        @SuppressWarnings("unchecked")
        List<String> hostSide = (List<String>) run("port 'c1', 80");
        int port = Integer.parseInt(hostSide.get(0).split(":")[1]);
        assertEquals("c1 saw 203.0.113.2", tcp("world", "203.0.113.1", port));
    }

    @Test
    void aHostPortAlreadyPublishedIsRefusedAndNothingChanges() {
        run("publish 'c1', '8080:80'");
        String before = rules();
        var e = assertThrows(DslException.class, () -> run("publish 'c2', '8081:80', '8080:80'"));
        assertEquals("nat.netgroovy:1: host port 0.0.0.0:8080/tcp is already published for c1 (80/tcp -> 0.0.0.0:8080)", e.located());
        assertEquals(before, rules());
        run("publish 'c2', '8080:80/udp'"); // another protocol is another port
    }

    @Test
    void removingAPublicationRemovesExactlyItsRules() {
        Sh.ok("iptables", "-A", "FORWARD", "-s", "198.51.100.0/24", "-j", "DROP"); // somebody else's rule
        run("firewall 'docker0'");
        String beforePublish = rules();
        run("publish 'c1', '8080:80', '53/udp'\npublish 'c2', '9090:80'");
        run("unpublish 'c1'");
        assertNull(tcp("world", "203.0.113.1", 8080));
        assertFalse(rules().contains("publish c1"));
        assertTrue(rules().contains("publish c2"));
        run("unpublish 'c2'");
        assertEquals(beforePublish, rules());
        run("teardown");
        assertTrue(rules().contains("-A FORWARD -s 198.51.100.0/24 -j DROP"), "the other rule stays");
        assertFalse(rules().contains("netgroovy"), rules());
    }

    @Test
    void iptablesFalseWritesNoRules() {
        String before = rules();
        run("iptables false\nfirewall 'docker0'\npublish 'c1', '8080:80'");
        assertEquals(before, rules());
    }

    @Test
    void restrictLetsOnlyOneSourceReachPublishedPorts() {
        run("firewall 'docker0'\npublish 'c1', '8080:80'\nrestrict on: 'ext0', allow: '203.0.113.7'");
        assertNull(tcp("world", "203.0.113.1", 8080), "203.0.113.2 is not allowed");
        assertTrue(rules().contains("-A DOCKER-USER ! -s 203.0.113.7/32 -i ext0 -m comment --comment \"netgroovy restrict ext0 203.0.113.7/32 #1 @nat.netgroovy:3\" -j DROP"),
                rules());
    }

    @Test
    void theViewsAndTheDryRunSpeakIptables() {
        run("firewall 'docker0'\npublish 'c1', '8080:80'");
        String nat = (String) run("nat");
        assertTrue(nat.contains("Chain DOCKER"), nat);
        assertTrue(nat.contains("DNAT") && nat.contains("to:172.17.0.2:80"), nat);
        String own = (String) run("ownRules");
        assertTrue(own.contains("nat     -A DOCKER -p tcp -m tcp --dport 8080"), own);
        Sh.ok("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT");
        assertFalse(((String) run("ownRules")).contains("dport 22"), "someone else's rule is not listed");
        String filter = (String) run("filter");
        assertTrue(filter.contains("Chain DOCKER-USER"), filter);
        Object cmds = run("explain { masquerade 'br9', '10.9.0.0/16' }");
        assertEquals(List.of("iptables -t nat -A POSTROUTING -s 10.9.0.0/16 ! -o br9 -m comment --comment \"netgroovy masquerade br9 #1 @nat.netgroovy:1\" -j MASQUERADE"), cmds);
    }

    @Test
    void otherContainersAndTheHostsLoopbackReachPublishedPorts() {
        run("firewall 'docker0'\npublish 'c1', '8080:80', '203.0.113.1:8081:80'");
        assertEquals("c1 saw 172.17.0.3", tcp("c2", "203.0.113.1", 8080), "hairpin: c2 through the host's address");
        assertEquals("c1 saw 172.17.0.1", tcp(null, "127.0.0.1", 8080), "the host's 127.0.0.1, for a 0.0.0.0 binding");
        assertNull(tcp(null, "127.0.0.1", 8081), "a binding to 203.0.113.1 does not answer on 127.0.0.1");
        assertEquals("c1 saw 172.17.0.1", tcp(null, "203.0.113.1", 8081), "the host's own address is masqueraded as Docker does");
    }

    @Test
    void iccFalseIsolatesContainersAndALinkOpensExactlyTheExposedPorts() {
        run("firewall 'docker0', icc: false");
        assertFalse(netgroovy.testing.Ip.ping("c2", "172.17.0.2"), "icc false: no ping between containers");
        assertNull(tcp("c2", "172.17.0.2", 80), "nor TCP");
        assertTrue(netgroovy.testing.Ip.ping("c2", "172.17.0.1"), "the host is still reachable");
        run("expose 'c1', 80\nallowLink 'c2', 'c1'");
        assertEquals("c1 saw 172.17.0.3", tcp("c2", "172.17.0.2", 80), "the exposed port is open to the linked container");
        assertNull(tcp("c2", "172.17.0.2", 8001), "other ports stay closed");
        assertFalse(netgroovy.testing.Ip.ping("c2", "172.17.0.2"), "and so does ping");
        assertNull(tcp("c1", "172.17.0.3", 80), "the link goes one way");
        assertTrue(rules().contains("-A DOCKER -s 172.17.0.3/32 -d 172.17.0.2/32 -i docker0 -o docker0 -p tcp -m tcp --dport 80"), rules());
        var e = assertThrows(DslException.class, () -> run("allowLink 'c1', 'c2'"));
        assertEquals("nat.netgroovy:1: c2 exposes no ports; say which first: expose 'c2', 6379", e.located());
    }

    @Test
    void bridgesAreIsolatedFromEachOther() {
        run("""
                firewall 'docker0'
                bridge 'br1' cidr '172.18.0.1/16'
                netns 'd1'
                veth 'vd1', 'eth0', peerIn: 'd1'
                link 'vd1' master 'br1' up
                netns('d1') { addr '172.18.0.2/16' dev 'eth0'; link 'eth0' up; route 'default' via '172.18.0.1' }
                firewall 'br1'
                """);
        assertTrue(netgroovy.testing.Ip.ping("d1", "203.0.113.2"), "out to the world: yes");
        assertFalse(netgroovy.testing.Ip.ping("d1", "172.17.0.2"), "into another bridge's containers: no");
        assertTrue(netgroovy.testing.Ip.ping("d1", "172.17.0.1"), "the host's own addresses stay reachable");
    }

    @Test
    void deletingAContainerOrABridgeRemovesTheirRulesAndOnlyTheirs() {
        run("firewall 'docker0'");
        String withBridge = rules();
        run("publish 'c1', '8080:80'\npublish 'c2', '9090:80'\nexpose 'c1', 80\nallowLink 'c2', 'c1'");
        run("delete netns('c1')");
        String after = rules();
        assertFalse(after.contains("publish c1") || after.contains("link c2->c1"), after);
        assertTrue(after.contains("publish c2"), after);
        run("unpublish 'c2'");
        assertEquals(withBridge, rules());
        run("delete link('docker0')");
        String left = rules();
        assertFalse(left.contains("docker0"), left);
        assertTrue(left.contains("netgroovy docker #1"), "the shared jumps stay for other bridges: " + left);
    }
}
