package netgroovy.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import groovy.json.JsonSlurper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.firewall.NatTest;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code trace} against the kernel: a published port's DNAT rule and the script line that
 * wrote it, the DROP of an {@code icc: false} pair, a missing route, MASQUERADE on the way out.
 * Each verdict is checked against an independent observer (a real connection, iptables-save,
 * {@code ip route get}), and the trace leaves no table behind.
 */
@ExtendWith(Sandboxed.class)
class TraceTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Session session;
    private Engine engine;

    /**
     * NatTest's world, with a way back from the outside and servers. Line numbers matter (the
     * rules' comments point at them): the change keeps NatTest's lines where they are.
     */
    private static final String SETUP = NatTest.SETUP.replace(
            "netns('world') { addr '203.0.113.2/24' dev 'eth0'; link 'eth0' up }",
            "netns('world') { addr '203.0.113.2/24' dev 'eth0'; link 'eth0' up; route 'default' via '203.0.113.1' }") + """
            serve 'c1', 80
            serve 'c2', 80
            serve 'world', 9000
            """;

    @BeforeEach
    void build() {
        session = new Session(false, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
        engine = new Engine(session);
    }

    @AfterEach
    void close() {
        session.close();
    }

    private Trace trace(String script, String from, String to) {
        engine.run(script, "traced.netgroovy");
        return (Trace) engine.run("trace from: '" + from + "', to: '" + to + "'", "probe.netgroovy");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Trace t) {
        return (Map<String, Object>) new JsonSlurper().parseText(t.getJson());
    }

    @Test
    void aPublishedPortNamesItsDnatRuleAndTheLineThatWroteIt() {
        Trace t = trace(SETUP + "firewall 'docker0'\npublish 'c1', '8080:80'\n", "world", "203.0.113.1:8080");
        assertEquals(Trace.DELIVERED, t.getOutcome(), t.toString());
        assertEquals("answered", t.getAnswer(), t.toString());
        Hit dnat = t.getRules().stream().filter(h -> h.target().equals("DNAT")).findFirst().orElseThrow(() -> new AssertionError(t));
        assertEquals("nat", dnat.table());
        assertEquals("DOCKER", dnat.chain());
        assertEquals("DNAT to 172.17.0.2:80", dnat.action());
        assertEquals("publish", dnat.word());
        int line = SETUP.split("\n").length + 2;
        assertEquals("traced.netgroovy:" + line, dnat.origin(), t.toString());
        assertEquals("publish 'c1', '8080:80'", Origins.text(dnat.origin()));
        // The independent view: iptables-save has exactly this rule, with that comment.
        String saved = Sh.run("iptables-save", "-t", "nat").out();
        assertTrue(saved.contains("-A DOCKER -p tcp -m tcp --dport 8080 -m comment --comment \"netgroovy publish c1 0.0.0.0:8080->80/tcp #1 @traced.netgroovy:" + line + "\" -j DNAT --to-destination 172.17.0.2:80"), saved);
        assertEquals("c1 saw 203.0.113.2", engine.run("connect from: 'world', to: '203.0.113.1:8080'", "check"));
        // The path: world -> host (by ext0) -> across docker0 -> c1.
        List<String> path = t.getHops().stream().map(Hop::getNamespace).toList();
        assertEquals(List.of("world", "host", "c1"), path, t.toString());
        assertTrue(t.toString().contains("across bridge docker0 in host (port vc1)"), t.toString());
        Map<String, Object> j = json(t);
        assertEquals("delivered", j.get("outcome"));
        assertEquals(3, ((List<?>) j.get("hops")).size());
        assertTrue(t.getJson().contains("\"origin\": \"traced.netgroovy:" + line + "\""), t.getJson());
    }

    @Test
    void iccFalseIsTheDropBetweenTwoContainers() {
        Trace t = trace(SETUP + "firewall 'docker0', icc: false\n", "c1", "172.17.0.3:80");
        assertEquals(Trace.DROPPED, t.getOutcome(), t.toString());
        Hit drop = t.getDroppedBy();
        assertEquals("filter", drop.table());
        assertEquals("FORWARD", drop.chain());
        assertEquals("-A FORWARD -i docker0 -o docker0 -j DROP", drop.plainRule());
        assertEquals("firewall", drop.word());
        assertEquals("firewall 'docker0', icc: false", Origins.text(drop.origin()));
        assertEquals("no answer", t.getAnswer());
        assertNull(engine.run("connect from: 'c1', to: '172.17.0.3:80'", "check"), "the drop is real");
        assertEquals("dropped", json(t).get("outcome"));
    }

    @Test
    void aMissingRouteSaysNoRoute() {
        Trace t = trace(SETUP + "netns 'lonely'\nveth 'vl', 'eth0', peerIn: 'lonely'\nnetns('lonely') { addr '192.0.2.5/24' dev 'eth0'; link 'eth0' up }\n",
                "lonely", "203.0.113.2:9000");
        assertEquals(Trace.NO_ROUTE, t.getOutcome(), t.toString());
        assertTrue(t.getSummary().contains("in lonely"), t.getSummary());
        assertFalse(Sh.run("ip", "netns", "exec", "lonely", "ip", "route", "get", "203.0.113.2").ok(), "ip route get agrees");
    }

    @Test
    void forwardingOffIsWhereThePacketStops() {
        // Without ip_forward the host has a route to the world but does not forward: the
        // kernel answers "host unreachable"; the trace names the sysctl, not a lost packet.
        Trace t = trace(SETUP + "masquerade 'docker0'\n", "c1", "203.0.113.2:9000");
        assertEquals("0", Sh.ok("sysctl", "-n", "net.ipv4.conf.docker0.forwarding").strip(), "the observer agrees forwarding is off");
        assertEquals(Trace.NO_ROUTE, t.getOutcome(), t.toString());
        assertEquals("to 203.0.113.2 in host: forwarding is off (net.ipv4.conf.docker0.forwarding = 0)", t.detail, t.toString());
        assertEquals(List.of("c1", "host"), t.getHops().stream().map(Hop::getNamespace).toList(), t.toString());
        assertNull(engine.run("connect from: 'c1', to: '203.0.113.2:9000'", "check"), "nothing gets through");
        engine.run("ipForward true", "on");
        Trace on = (Trace) engine.run("trace from: 'c1', to: '203.0.113.2:9000'", "probe.netgroovy");
        assertEquals(Trace.DELIVERED, on.getOutcome(), on.toString());
    }

    @Test
    void goingOutIsMasqueradedAndTheTraceLeavesNothingBehind() {
        Trace t = trace(SETUP + "firewall 'docker0'\n", "c1", "203.0.113.2:9000");
        assertEquals(Trace.DELIVERED, t.getOutcome(), t.toString());
        assertTrue(t.getRules().stream().anyMatch(h -> h.target().equals("MASQUERADE") && "masquerade".equals(h.word())), t.toString());
        assertTrue(t.toString().contains("MASQUERADE: the source becomes 203.0.113.1"), t.toString());
        // The connection's later packets meet the FORWARD rules again: each is told once.
        Hop host = t.getHops().stream().filter(h -> h.getNamespace().equals("host")).findFirst().orElseThrow();
        assertEquals(host.getRules().size(), new java.util.HashSet<>(host.getRules()).size(), t.toString());
        assertEquals(1, host.getRules().stream().filter(h -> h.plainRule().equals("-A FORWARD -i docker0 ! -o docker0 -j ACCEPT")).count(), t.toString());
        assertEquals("world saw 203.0.113.1", engine.run("connect from: 'c1', to: '203.0.113.2:9000'", "check"));
        assertFalse(Sh.run("nft", "list", "tables").out().contains("netgroovy_trace"));
        assertFalse(Sh.run("ip", "netns", "exec", "c1", "nft", "list", "tables").out().contains("netgroovy_trace"));
    }

    @Test
    void pingIsTracedToo() {
        Trace t = trace(SETUP, "c1", "c2");
        assertEquals(Trace.DELIVERED, t.getOutcome(), t.toString());
        assertEquals("answered", t.getAnswer());
        // Bridged by the host on the way: its iptables see the packet there (br_netfilter), so it is a hop.
        assertEquals(List.of("c1", "host", "c2"), t.getHops().stream().map(Hop::getNamespace).toList(), t.toString());
        assertEquals("none (bridged out by vc2)", t.getHops().get(1).getRoute());
    }

    @Test
    void badTargetsAreOneLineErrors() {
        engine.run(SETUP, "traced.netgroovy");
        DslException e = assertThrows(DslException.class, () -> engine.run("trace from: 'c1', to: '203.0.113.2:http'", "bad"));
        assertTrue(e.getMessage().contains("'http' is not a port number"), e.getMessage());
        e = assertThrows(DslException.class, () -> engine.run("trace from: 'c1', too: '203.0.113.2:80'", "bad"));
        assertTrue(e.getMessage().contains("did you mean 'to'"), e.getMessage());
        e = assertThrows(DslException.class, () -> engine.run("trace from: 'c1', to: '203.0.113.2:80/gre'", "bad"));
        assertTrue(e.getMessage().contains("tcp, udp or icmp"), e.getMessage());
    }

    @Test
    void flowsParse() {
        assertEquals("tcp 203.0.113.2:80", Flow.parse("203.0.113.2:80", null, n -> null).toString());
        assertEquals("udp 203.0.113.2:53", Flow.parse("203.0.113.2:53/udp", null, n -> null).toString());
        assertEquals("icmp 203.0.113.2", Flow.parse("203.0.113.2", null, n -> null).toString());
        assertEquals("tcp [2001:db8::2]:80", Flow.parse("[2001:db8::2]:80", null, n -> null).toString());
        assertNotNull(Flow.parse("c2:80", null, n -> netgroovy.value.IpAddress.parse("172.17.0.3")));
    }
}
