package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.NetNs;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * dockerd's embedded DNS server ({@code resolver: 'embedded'}), asked from inside the
 * containers by glibc ({@code getent hosts}) and busybox's nslookup: names answer within the
 * networks a container shares and nowhere else, aliases answer, a removed container stops
 * answering, and the rest is forwarded to an upstream server in a namespace of its own.
 */
@ExtendWith(Sandboxed.class)
class EmbeddedDnsTest {
    /** The upstream server's network: a benchmark range nothing else in the sandbox uses. */
    private static final String UPSTREAM = "198.18.0.53";

    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);
    private DatagramSocket upstream;

    private Object run(String script) {
        return engine.run(script, "dns.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    /**
     * An upstream DNS server in namespace "upstream" at 198.18.0.53, routed from the host: it
     * knows outside.example (198.51.100.7) and answers NXDOMAIN for everything else.
     */
    private void startUpstream() {
        Sh.ok("ip", "netns", "add", "upstream");
        Sh.ok("ip", "link", "add", "up0", "type", "veth", "peer", "name", "eth0", "netns", "upstream");
        Sh.ok("ip", "addr", "add", "198.18.0.1/24", "dev", "up0");
        Sh.ok("ip", "link", "set", "up0", "up");
        Sh.ok("ip", "-n", "upstream", "addr", "add", UPSTREAM + "/24", "dev", "eth0");
        Sh.ok("ip", "-n", "upstream", "link", "set", "eth0", "up");
        Sh.ok("ip", "-n", "upstream", "link", "set", "lo", "up");
        Sh.ok("ip", "-n", "upstream", "route", "add", "default", "via", "198.18.0.1");
        try (NetNs ns = NetNs.named("upstream")) {
            upstream = Namespaces.inside(ns, () -> new DatagramSocket(new InetSocketAddress(53)));
        }
        Thread t = new Thread(() -> {
            while (!upstream.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[512], 512);
                    upstream.receive(p);
                    DnsMessage q = DnsMessage.parse(p.getData(), p.getLength());
                    byte[] reply = q.name().equals("outside.example")
                            ? q.addresses(List.of(InetAddress.getByName("198.51.100.7")), 60) : q.error(DnsMessage.NXDOMAIN);
                    upstream.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (Exception e) {
                    // closed at the end of the test
                }
            }
        }, "test-upstream-dns");
        t.setDaemon(true);
        t.start();
    }

    private static String getent(String container, String name) {
        Sh.Result r = Sh.in(container, "getent", "hosts", name);
        return r.exitCode() == 0 ? r.out().strip() : null;
    }

    private static final String SCENE = """
            dockerd resolver: 'embedded', dns: ['198.18.0.53']
            network 'front', subnet: '172.30.1.0/24'
            network 'back', subnet: '172.30.2.0/24'
            container 'web', net: 'front', alias: 'www'
            container 'app', net: 'front'
            networkConnect 'back', 'app', alias: ['api', 'api.internal']
            container 'db', net: 'back'
            container 'lone'
            """;

    @Test
    void namesAnswerWithinTheNetworksAContainerSharesAndAliasesToo() {
        startUpstream();
        run(SCENE);
        assertTrue(getent("web", "app").startsWith("172.30.1.3"), getent("web", "app"));
        assertTrue(getent("web", "www").startsWith("172.30.1.2"), "its own alias");
        assertTrue(getent("web", "APP.front").startsWith("172.30.1.3"), "name.network, in any case");
        assertEquals(null, getent("web", "db"), "db shares no network with web (forwarded: NXDOMAIN upstream)");
        assertEquals(null, getent("web", "api"), "api is app's alias on back only");
        assertTrue(getent("app", "db").startsWith("172.30.2.3"));
        assertTrue(getent("db", "app").startsWith("172.30.2.2"), "app as seen on back: its back address");
        assertTrue(getent("db", "api.internal").startsWith("172.30.2.2"));
        String appId = ((String) run("inspect 'app'")).replaceAll("(?s).*\"Id\": \"([0-9a-f]{12}).*", "$1");
        assertTrue(getent("web", appId).startsWith("172.30.1.3"), "the short ID, as Docker's alias");
        // Reverse lookups of a member's address name it with its network, as Docker's PTR answers.
        assertTrue(getent("web", "172.30.1.3").endsWith("app.front"), getent("web", "172.30.1.3"));
        // busybox asks the server itself, without glibc's files
        Sh.Result ns = Sh.in("web", "busybox", "nslookup", "app", "127.0.0.11");
        assertTrue(ns.out().contains("172.30.1.3"), ns.out() + ns.err());
        // glibc over TCP (RES_OPTIONS=use-vc), as it retries when a UDP answer comes truncated
        Sh.Result tcp = Sh.in("web", "env", "RES_OPTIONS=use-vc", "getent", "hosts", "app");
        assertTrue(tcp.out().startsWith("172.30.1.3"), tcp.out() + tcp.err());
        Sh.Result tcpForwarded = Sh.in("web", "env", "RES_OPTIONS=use-vc", "getent", "hosts", "outside.example");
        assertTrue(tcpForwarded.out().startsWith("198.51.100.7"), "forwarded (over UDP) for a TCP question: " + tcpForwarded.out());
        // The default bridge gets no server: names there are only links'.
        assertEquals(null, getent("lone", "web"));
        assertFalse(Sh.in("lone", "cat", "/etc/resolv.conf").out().contains("127.0.0.11"));
    }

    @Test
    void filesAreDockersSmallOnes() {
        startUpstream();
        run(SCENE);
        String hosts = Sh.in("web", "cat", "/etc/hosts").out();
        assertTrue(hosts.endsWith("172.30.1.2\t" + hostnameOf("web") + "\n"), "only its own line, as Docker's\n" + hosts);
        assertFalse(hosts.contains("app"), hosts);
        // As the golden container on a user network: nameserver 127.0.0.11, options ndots:0.
        assertEquals("nameserver 127.0.0.11\noptions ndots:0\n", Sh.in("web", "cat", "/etc/resolv.conf").out());
        assertEquals("nameserver 198.18.0.53\n", Sh.in("lone", "cat", "/etc/resolv.conf").out(), "the default bridge keeps --dns");
        // Joining a network rewrites the joiner's own files only.
        String before = Sh.in("db", "cat", "/etc/hosts").out();
        run("networkConnect 'back', 'web'");
        assertEquals(before, Sh.in("db", "cat", "/etc/hosts").out());
        assertTrue(getent("db", "web").startsWith("172.30.2.4"), "and the server answers the newcomer's name");
    }

    private String hostVeth(String container, String network) {
        var inspect = (java.util.Map<?, ?>) ((List<?>) new groovy.json.JsonSlurper().parseText((String) run("inspect '" + container + "'"))).get(0);
        var networks = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) inspect.get("NetworkSettings")).get("Networks");
        return (String) ((java.util.Map<?, ?>) networks.get(network)).get("HostVeth");
    }

    private String hostnameOf(String container) {
        return Sh.in(container, "cat", "/etc/hostname").out().strip();
    }

    @Test
    void unknownNamesAreForwardedFromInsideTheContainer() {
        startUpstream();
        run(SCENE);
        assertTrue(getent("web", "outside.example").startsWith("198.51.100.7"), "the upstream's answer, relayed");
        Sh.Result r = Sh.in("web", "busybox", "nslookup", "nowhere.example", "127.0.0.11");
        assertTrue(r.out().contains("NXDOMAIN"), "the upstream's NXDOMAIN, relayed\n" + r.out());
    }

    @Test
    void withoutAnUpstreamTheAnswerIsServfailAndQuick() throws Exception {
        run("""
                dockerd resolver: 'embedded', dns: ['198.18.7.7']
                network 'front'
                container 'web', net: 'front'
                """);
        Sh.Result r = Sh.in("web", "busybox", "nslookup", "nowhere.example", "127.0.0.11");
        assertTrue(r.out().contains("SERVFAIL"), r.out() + r.err());
        // One question, asked from inside web: SERVFAIL within the upstream's timeout, no hang.
        long start = System.nanoTime();
        byte[] reply;
        try (NetNs ns = NetNs.named("web"); DatagramSocket s = Namespaces.inside(ns, () -> new DatagramSocket())) {
            s.setSoTimeout(5000);
            byte[] q = DnsMessage.query(4711, "nowhere.example", DnsMessage.A);
            s.send(new DatagramPacket(q, q.length, new InetSocketAddress("127.0.0.11", 53)));
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            s.receive(p);
            reply = java.util.Arrays.copyOf(p.getData(), p.getLength());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(4711, DnsMessage.id(reply));
        assertEquals(DnsMessage.SERVFAIL, DnsMessage.rcode(reply));
        assertTrue(ms < 2500, "answered in " + ms + " ms");
    }

    @Test
    void aRemovedContainerStopsAnsweringAndItsNamespaceGoesWithIt() throws Exception {
        startUpstream();
        run(SCENE);
        String veth = hostVeth("app", "front");
        run("rm 'app'");
        assertEquals(null, getent("web", "app"), "gone from the server's names");
        // The server's socket in app held its namespace; closed, the namespace and its veths go at once.
        for (int i = 0; i < 50 && Ip.link(null, veth).isPresent(); i++) {
            Thread.sleep(20);
        }
        assertTrue(Ip.link(null, veth).isEmpty(), "app's veth is gone: nothing holds its namespace");
        // disconnect from the last user network: the server stops answering in web, its resolv.conf is the plain one again
        run("networkDisconnect 'front', 'web'");
        assertEquals("nameserver 198.18.0.53\n", Sh.in("web", "cat", "/etc/resolv.conf").out());
        Sh.Result r = Sh.in("web", "busybox", "nslookup", "db", "127.0.0.11");
        assertFalse(r.out().contains("Address") && r.out().contains("172.30"), r.out());
    }

    @Test
    void aLeaveAndANameMadeAgainAreAnsweredAtOnce() {
        startUpstream();
        run(SCENE);
        run("networkDisconnect 'back', 'app'");
        assertEquals(null, getent("db", "app"), "app left back: db no longer finds it (NXDOMAIN upstream)");
        assertEquals(null, getent("db", "api.internal"), "nor its aliases there");
        assertTrue(getent("app", "web").startsWith("172.30.1.2"), "app is still on front");
        assertEquals(null, getent("app", "db"), "app shares no network with db any more");
        run("rm 'db'");
        run("container 'db', net: 'front'");
        assertTrue(getent("web", "db").startsWith("172.30.1."), "db made again, on front: " + getent("web", "db"));
        assertTrue(getent("db", "app").startsWith("172.30.1.3"), "and it finds front's members");
        assertTrue(getent("app", "db").startsWith("172.30.1."));
    }

    @Test
    void teardownClosesTheServerBeforeTheNamespacesGo() throws Exception {
        run(SCENE);
        run("teardown");
        assertEquals(List.of(), Ip.netnsList());
        // Nothing of the containers is left (teardown also deletes the veths' host ends itself; rm's test shows the socket closing).
        for (int i = 0; i < 50 && Ip.linkNames(null).stream().anyMatch(l -> l.startsWith("veth")); i++) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), Ip.linkNames(null).stream().filter(l -> l.startsWith("veth")).toList());
        run("dockerd resolver: 'embedded'\nnetwork 'front'\ncontainer 'web', net: 'front'\ncontainer 'app', net: 'front'");
        assertTrue(getent("web", "app").startsWith("172.18.0.3"), "made again after teardown, served again");
    }

    /**
     * Whichever step of a container's plan fails, its server's socket goes with the rest (else
     * the next attempt would find the name "served" in a namespace that is gone), and then the
     * same statement succeeds and is answered.
     */
    @Test
    void aContainerFailingAtAnyStepLeavesNoServerBehind() {
        // A loopback upstream is asked from the host, where nothing listens: unknown names fail at once.
        run("dockerd resolver: 'embedded', dns: ['127.0.0.1']\nnetwork 'front'\ncontainer 'app', net: 'front'");
        List<String> before = Ip.netnsList();
        int k = 1;
        for (; k < 100; k++) {
            final int fail = k;
            session.executor().injectFault(n -> n == fail);
            try {
                run("container 'web', net: 'front', alias: 'www', publish: '8080:80'"); // the ports come after the server's step
                break;
            } catch (DslException expected) {
                assertTrue(expected.getMessage().contains("injected fault"), expected.getMessage());
            }
            assertEquals(before, Ip.netnsList(), "after a failure at step " + k);
            assertEquals(null, getent("app", "www"), "after a failure at step " + k);
        }
        assertTrue(k > 10, "the fault was met at every step: " + k);
        session.executor().injectFault(n -> false);
        assertTrue(getent("app", "www").startsWith("172.18.0.3"));
        assertTrue(getent("web", "app").startsWith("172.18.0.2"), "web itself is served");
    }

    @Test
    void aLaterRunServesTheContainersTheStoreRecords() {
        startUpstream();
        try (Session first = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox")) {
            new Engine(first).run(SCENE, "first.netgroovy");
            assertTrue(getent("web", "app").startsWith("172.30.1.3"));
        } // the server dies with the session that ran it; the containers stay
        assertEquals(null, getent("web", "app"));
        try (Session later = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox")) {
            new Engine(later).run("ps", "later.netgroovy");
            assertTrue(getent("web", "app").startsWith("172.30.1.3"), "served again from the stored world");
            new Engine(later).run("teardown", "later.netgroovy");
            assertFalse(Namespaces.exists("web"));
        }
    }

    @Test
    void hostsModeListsAliasesAndRemainsTheDefault() {
        run("""
                network 'front'
                container 'web', net: 'front', alias: 'www'
                container 'app', net: 'front'
                """);
        assertTrue(getent("app", "www").contains("web"), "hosts mode: the alias beside the name");
        assertFalse(Sh.in("app", "cat", "/etc/resolv.conf").out().contains("127.0.0.11"));
    }

    @Test
    void badInputIsRefusedWithNothingMade() {
        DslException e = assertThrows(DslException.class, () -> run("dockerd resolver: 'bind9'"));
        assertTrue(e.getMessage().contains("resolver: 'bind9'") && e.getMessage().contains("'embedded'"), e.getMessage());
        assertTrue(Ip.link(null, "docker0").isEmpty());
        e = assertThrows(DslException.class, () -> run("dockerd dns: 'embedded'"));
        assertTrue(e.getMessage().contains("resolver: 'embedded'"), "the issue's spelling points to the option: " + e.getMessage());
        e = assertThrows(DslException.class, () -> run("container 'c', alias: 'x'"));
        assertTrue(e.getMessage().contains("user-defined network"), e.getMessage());
        e = assertThrows(DslException.class, () -> run("network 'n'\ncontainer 'c', net: 'n', alias: 'bad name'"));
        assertTrue(e.getMessage().contains("'bad name' is not a host name"), e.getMessage());
    }
}
