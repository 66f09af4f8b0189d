package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Sandboxed.class)
class DslTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Session session;
    private Engine engine;

    private Object run(String script) {
        return run(script, false);
    }

    private Object run(String script, boolean dry) {
        if (session == null) {
            session = new Session(dry, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
            engine = new Engine(session);
        }
        return engine.run(script, "test.netgroovy");
    }

    private String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    static final String NET_NONE = """
            bridge 'docker0' cidr '172.17.42.1/16'
            netns 'c1'
            veth('A', 'B')
            link 'A' master 'docker0' up
            link 'B' into 'c1'
            netns('c1') {
                link 'B' rename 'eth0' mac '12:34:56:78:9a:bc' up
                addr '172.17.42.99/16' dev 'eth0'
                route 'default' via '172.17.42.1'
            }
            """;

    @Test
    void theDesignCardLinesWorkAsWritten() {
        run("""
                bridge 'bridge0' cidr '192.168.5.1/24'
                veth('A', 'B')
                """);
        assertEquals(List.of("192.168.5.1/24"), Ip.addresses(null, "bridge0").stream().filter(a -> !a.contains(":")).toList());
        assertTrue(((List<?>) Ip.link(null, "bridge0").get().get("flags")).contains("UP"));
        assertTrue(Ip.link(null, "A").isPresent());
        assertTrue(Ip.link(null, "B").isPresent());
    }

    @Test
    void seed002NetNoneWiringByScript() {
        run(NET_NONE);
        assertEquals("12:34:56:78:9a:bc", Ip.link("c1", "eth0").get().get("address"));
        assertTrue(Ip.addresses("c1", "eth0").contains("172.17.42.99/16"));
        assertEquals("docker0", Ip.link(null, "A").get().get("master"));
        assertTrue(Ip.ping("c1", "172.17.42.1"));
        Object r = run("ping from: 'c1', to: '172.17.42.1'");
        assertTrue(((PingResult) r).isOk());
    }

    /**
     * {@code mac M up} is checked against the kernel at each statement (a glance: MAC and
     * IFF_UP by ioctl): changed behind netgroovy's back, it is set again; as asked, it is left
     * alone (a MAC written again would flush the link's neighbours, and this one stays). So is
     * a plain {@code up}.
     */
    @Test
    void aMacAndUpAreCheckedAgainstTheKernelAtEachStatement() {
        String line = "netns('c1') { link 'eth0' mac '02:00:00:00:00:01' up }";
        run("netns 'c1'\nveth 'A', 'eth0', peerIn: 'c1'\n" + line);
        assertEquals("02:00:00:00:00:01", Ip.link("c1", "eth0").orElseThrow().get("address"));
        Sh.ok("ip", "-n", "c1", "link", "set", "eth0", "down", "address", "02:00:00:00:00:99");
        run(line);
        assertEquals("02:00:00:00:00:01", Ip.link("c1", "eth0").orElseThrow().get("address"), "set again");
        assertTrue(((List<?>) Ip.link("c1", "eth0").orElseThrow().get("flags")).contains("UP"), "and up again");
        Sh.ok("ip", "-n", "c1", "neigh", "add", "10.9.9.9", "lladdr", "02:00:00:00:00:42", "dev", "eth0", "nud", "reachable");
        run(line);
        assertTrue(Sh.ok("ip", "-n", "c1", "neigh", "show", "dev", "eth0").contains("10.9.9.9"), "nothing written: the neighbour stays");
        Sh.ok("ip", "-n", "c1", "link", "set", "eth0", "down");
        run("netns('c1') { link 'eth0' up }");
        assertTrue(((List<?>) Ip.link("c1", "eth0").orElseThrow().get("flags")).contains("UP"), "a plain up is checked by a glance too");
    }

    /**
     * A master that takes no ports is said so, by name and kind, and the statement leaves
     * nothing: its check asks only the bridge's index, and the kernel's refusal ("Operation
     * not supported") is what makes netgroovy look at what the master is.
     */
    @Test
    void aMasterThatIsNoBridgeIsSaidSoAndLeavesNothing() {
        run("veth 'A', 'B'\nveth 'C', 'D'");
        var e = assertThrows(DslException.class, () -> run("link 'A' master 'C' up"));
        assertEquals("test.netgroovy:1: cannot attach A to C and set it up: C is a veth, not a bridge", e.located());
        Map<String, Object> a = Ip.link(null, "A").orElseThrow();
        assertNull(a.get("master"), "not plugged in");
        assertFalse(((List<?>) a.get("flags")).contains("UP"), "nor up");
        run("bridge 'br9'\nlink 'A' master 'br9' up");
        assertEquals("br9", Ip.link(null, "A").orElseThrow().get("master"));
        run("link 'A' master 'br9' up"); // (done: the port's master is the bridge's index)
        assertEquals("br9", Ip.link(null, "A").orElseThrow().get("master"));
    }

    @Test
    void netnsOfAPid() throws Exception {
        Sh.ok("ip", "netns", "add", "box");
        Process p = new ProcessBuilder("ip", "netns", "exec", "box", "sleep", "60").start();
        try {
            Thread.sleep(200);
            long pid = p.descendants().findFirst().map(ProcessHandle::pid).orElse(p.pid());
            run("def c = netns(" + pid + ")\n veth('A', 'B')\n link 'B' into c\n netns(" + pid + ") { link 'B' up }");
            assertTrue(Ip.link("box", "B").isPresent());
            var bad = assertThrows(DslException.class, () -> run("netns(999999999)"));
            assertEquals("test.netgroovy:1: no process with pid 999999999 (nothing at /proc/999999999/ns/net)", bad.located());
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void pointToPoint() {
        run("""
                netns 'c1'
                netns 'c2'
                veth('A', 'B')
                link 'A' into 'c1'
                link 'B' into 'c2'
                netns('c1') { addr '10.1.1.1/32' dev 'A'; link 'A' up; route '10.1.1.2/32' dev 'A' }
                netns('c2') { addr '10.1.1.2/32' dev 'B'; link 'B' up; route '10.1.1.1/32' dev 'B' }
                assert ping(from: 'c1', to: '10.1.1.2')
                assert ping(from: 'c2', to: 'c1')
                """);
        assertTrue(Ip.ping("c2", "10.1.1.1"));
    }

    @Test
    void runningTwiceConverges() {
        run(NET_NONE);
        String before = state();
        run(NET_NONE);
        assertEquals(before, state());
    }

    @Test
    void routesThroughALinkAreFoundAgainByTheLinkTheyUse() {
        // Checked against the link's index (no dump of every link to name the routes' links):
        // a second run finds each route done; the same destination through the other link is not done.
        String script = """
                netns 'r1'
                netns('r1') {
                    veth 'a', 'b'
                    link 'a' up
                    link 'b' up
                    addr '10.5.0.1/24' dev 'a'
                    addr '10.6.0.1/24' dev 'b'
                    route '10.7.0.0/24' dev 'a'
                    route '10.8.0.0/24' via '10.5.0.9' dev 'a'
                    route 'default' via '10.6.0.9'
                }
                """;
        run(script);
        String before = Sh.ok("ip", "-n", "r1", "route");
        run(script);
        assertEquals(before, Sh.ok("ip", "-n", "r1", "route"), "nothing added the second time");
        // Through b it is not the route there (through a): asked for, the kernel refuses it, as it does `ip route add`.
        var other = assertThrows(DslException.class, () -> run("netns('r1') { route '10.7.0.0/24' dev 'b' }"));
        assertTrue(other.getMessage().contains("cannot add route 10.7.0.0/24 dev b in r1: File exists"), other.getMessage());
    }

    /**
     * Addresses, routes and links; what the kernel changes on its own left out: operstate (a
     * bridge's moves from UNKNOWN to UP), carrier, and IPv6 link-local addresses (the kernel adds
     * them a moment after a link comes up with its carrier, so a fast run may not meet them yet).
     */
    private static String state() {
        return (Sh.ok("ip", "-n", "c1", "addr") + Sh.ok("ip", "-n", "c1", "route") + Sh.ok("ip", "addr")
                + Sh.ok("ip", "route") + Sh.ok("bridge", "link")).replaceAll("state \\w+", "")
                .replaceAll("NO-CARRIER,|,LOWER_UP|,M-DOWN", "")
                .replaceAll("(?m)^ +inet6 fe80::\\S+ scope link.*\n +valid_lft.*\n", "");
    }

    @Test
    void aConflictingDefinitionIsAnErrorNotAChange() {
        run("bridge 'bridge0' cidr '192.168.5.1/24'");
        var e = assertThrows(DslException.class, () -> run("\n\nbridge 'bridge0' cidr '10.9.0.1/24'"));
        assertEquals("test.netgroovy:3: bridge0 already has 192.168.5.1/24; this asks for 10.9.0.1/24 (remove the old one first, or use another name)",
                e.located());
        assertFalse(Ip.addresses(null, "bridge0").contains("10.9.0.1/24"));
    }

    @Test
    void aFailingStatementLeavesNothingBehind() {
        // The last step of the statement fails (the gateway is unreachable): all of it is undone.
        var e = assertThrows(DslException.class, () -> run("""
                apply {
                    bridge 'br9' cidr '10.9.0.1/24'
                    netns 'c9'
                    veth('v9', 'p9')
                    link 'v9' master 'br9' up
                    route 'default' via '172.31.0.1'
                }
                """));
        assertTrue(e.located().startsWith("test.netgroovy:"), e.located());
        assertTrue(e.getMessage().contains("cannot add route default via 172.31.0.1"), e.getMessage());
        assertEquals(List.of("lo"), Ip.linkNames(null));
        assertEquals(List.of(), Ip.netnsList());
    }

    @Test
    void stepNOfNFailsAndEverythingIsUndone() {
        String script = "bridge 'br0' cidr '10.0.0.1/24' mtu 1400\n";
        int steps = 4; // create, up, address, mtu
        for (int n = 1; n <= steps; n++) {
            Session s = new Session(false, new PrintStream(new ByteArrayOutputStream()), "sandbox");
            Engine e = new Engine(s);
            int failAt = n;
            s.executor().injectFault(i -> i == failAt);
            var err = assertThrows(DslException.class, () -> e.run(script, "fault.netgroovy"));
            assertTrue(err.located().startsWith("fault.netgroovy:1: injected fault at: "), err.located());
            assertEquals(List.of("lo"), Ip.linkNames(null), "after a fault at step " + n);
            s.close();
        }
    }

    @Test
    void dryRunPrintsCommandsAndTouchesNothing() {
        run(NET_NONE, true);
        assertEquals("""
                ip link add docker0 type bridge
                ip link set dev docker0 up
                ip addr add 172.17.42.1/16 dev docker0
                ip netns add c1
                ip -n c1 link set dev lo up alias 'netgroovy netns'
                ip link add A type veth peer name B
                ip link set dev A master docker0 up
                ip link set dev B netns c1
                ip -n c1 link set dev B name eth0
                ip -n c1 link set dev eth0 address 12:34:56:78:9a:bc up
                ip -n c1 addr add 172.17.42.99/16 dev eth0
                ip -n c1 route add default via 172.17.42.1
                """, out());
        assertEquals(List.of("lo"), Ip.linkNames(null));
        assertEquals(List.of(), Ip.netnsList());
    }

    @Test
    void explainPrintsWithoutApplying() {
        Object cmds = run("explain { bridge 'b0' cidr '10.0.0.1/24'; sysctl 'net.ipv4.ip_forward', 1 }");
        assertEquals(List.of("ip link add b0 type bridge", "ip link set dev b0 up", "ip addr add 10.0.0.1/24 dev b0",
                "sysctl -w net.ipv4.ip_forward=1"), cmds);
        assertEquals(List.of("lo"), Ip.linkNames(null));
    }

    @Test
    void teardownRemovesWhatTheSessionMade() {
        run(NET_NONE + "\nsysctl 'net.ipv4.ip_forward', 1");
        assertEquals("1\n", Sh.ok("sysctl", "-n", "net.ipv4.ip_forward"));
        run("teardown");
        assertEquals(List.of("lo"), Ip.linkNames(null));
        assertEquals(List.of(), Ip.netnsList());
        assertEquals("0\n", Sh.ok("sysctl", "-n", "net.ipv4.ip_forward"));
    }

    /**
     * An address or a route is added without asking first; when the kernel says it is there
     * already, it is done (not the session's: teardown leaves it), and anything else there in
     * its place is the kernel's refusal, with the statement undone.
     */
    @Test
    void anAddressOrRouteAlreadyThereIsDoneAndStaysAfterTeardown() {
        Sh.ok("ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1");
        Sh.ok("ip", "link", "set", "d1", "up");
        Sh.ok("ip", "link", "set", "d0", "up");
        Sh.ok("ip", "addr", "add", "10.44.0.2/24", "dev", "d0");
        Sh.ok("ip", "route", "add", "10.45.0.0/24", "via", "10.44.0.1");
        run("""
                addr '10.44.0.2/24' dev 'd0'
                addr '10.44.0.3/24' dev 'd0'
                route '10.45.0.0/24' via '10.44.0.1'
                route '10.46.0.0/24' via '10.44.0.1'
                """);
        assertEquals(List.of("10.44.0.2/24", "10.44.0.3/24"), v4(Ip.addresses(null, "d0")));
        var e = assertThrows(DslException.class, () -> run("apply { addr '10.44.0.4/24' dev 'd0'; route '10.45.0.0/24' via '10.44.0.9' }"));
        assertTrue(e.getMessage().contains("cannot add route 10.45.0.0/24 via 10.44.0.9: File exists"), e.getMessage());
        assertEquals(List.of("10.44.0.2/24", "10.44.0.3/24"), v4(Ip.addresses(null, "d0")), "the statement's address was taken back");
        run("teardown");
        assertEquals(List.of("10.44.0.2/24"), v4(Ip.addresses(null, "d0")), "what was there before stays");
        String routes = Sh.ok("ip", "route");
        assertTrue(routes.contains("10.45.0.0/24 via 10.44.0.1 dev d0"), routes);
        assertFalse(routes.contains("10.46.0.0/24"), routes);
        Sh.ok("ip", "link", "del", "d0");
    }

    private static List<String> v4(List<String> addresses) {
        return addresses.stream().filter(a -> !a.contains(":")).toList();
    }

    @Test
    void viewsShowWhatWasMade() {
        run(NET_NONE);
        String bridges = (String) run("bridges");
        assertTrue(bridges.contains("docker0") && bridges.contains("172.17.42.1/16") && bridges.contains("A"), bridges);
        String routes = (String) run("netns('c1') { routes }");
        assertTrue(routes.contains("default via 172.17.42.1 dev eth0"), routes);
        String topo = (String) run("topology");
        assertTrue(topo.contains("docker0 (bridge) 172.17.42.1/16"), topo);
        assertTrue(topo.contains("A (veth) ── peer in c1"), topo);
        assertTrue(topo.contains("netns c1"), topo);
        assertTrue(topo.contains("eth0 (veth) 172.17.42.99/16 ── peer in host"), topo);
        // A tree: the port under its bridge (the last child), the default route last in c1.
        assertTrue(topo.contains("└─ docker0 (bridge) 172.17.42.1/16\n   └─ A (veth) ── peer in c1\n"), topo);
        assertTrue(topo.contains("netns c1\n├─ eth0 (veth) 172.17.42.99/16 ── peer in host\n└─ route default via 172.17.42.1 dev eth0\n"), topo);
        run("netns('c1') { bridge 'in0'; veth 'p1', 'p2'; link 'p1' master 'in0'; route '10.9.0.0/24' via '172.17.42.1' }");
        String nested = (String) run("topology");
        assertTrue(nested.contains("├─ in0 (bridge)\n│  └─ p1 (veth) DOWN\n"), "a bridge inside a namespace, with its port: " + nested);
        assertTrue(nested.contains("route 10.9.0.0/24 via 172.17.42.1 dev eth0"), "a route with a gateway is shown: " + nested);
        Run sh = (Run) run("netns('c1') { sh 'ip -4 -o addr show dev eth0' }");
        assertTrue(sh.getOut().contains("172.17.42.99/16"));
        assertEquals(0, sh.getExitCode());
        assertEquals("0", run("netns('c1') { sysctl 'net.ipv4.ip_forward' }"));
    }

    @Test
    void topologyNamesANamespaceEnteredByPidAfterItsProcess() throws Exception {
        Process p = new ProcessBuilder("unshare", "--net", "sleep", "60").start(); // a namespace no name holds
        try {
            long pid = p.pid(); // unshare execs sleep in place
            long deadline = System.currentTimeMillis() + 5000;
            while (Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20); // until unshare has made the namespace
            }
            run("bridge 'pbr0'\nveth 'pv0', 'pv1'\nlink 'pv0' master 'pbr0' up\nlink 'pv1' into " + pid
                    + "\nnetns(" + pid + ") { addr '10.77.0.2/24' dev 'pv1' }");
            String topo = (String) run("topology");
            String who = "pid " + pid + " (sleep)";
            assertTrue(topo.contains("└─ pv0 (veth) ── peer in " + who + "\n"), "the peer is named after its process: " + topo);
            assertTrue(topo.contains("netns " + who + "\n└─ pv1 (veth) 10.77.0.2/24 ── peer in host DOWN\n"), "and drawn as a place: " + topo);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aFullBridgeSaysSoInOneLineAndLeavesNothingHalfMade() throws Exception {
        run("bridge 'full0' cidr '10.77.0.1/16'");
        // 1023 ports (numbers 1 to 1023), the kernel's maximum, plugged in by iproute2 (the independent hand).
        Path batch = Files.createTempFile("ports", ".batch");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1023; i++) {
            b.append("link add fp").append(i).append(" type veth peer name fq").append(i).append('\n');
            b.append("link set fp").append(i).append(" master full0\n");
        }
        Files.writeString(batch, b.toString());
        Sh.ok("ip", "-batch", batch.toString());
        Files.delete(batch);
        assertEquals(1023, Ip.json(null, "link", "show", "master", "full0").size());

        var e = assertThrows(DslException.class, () -> run("apply {\n  veth 'fp1023', 'fq1023'\n  link 'fp1023' master 'full0' up\n}"));
        assertTrue(e.getMessage().contains("bridge full0 has 1023 ports, the kernel's maximum; use another bridge"), e.getMessage());
        assertTrue(e.located().startsWith("test.netgroovy:"), e.located());
        assertFalse(Ip.link(null, "fp1023").isPresent(), "the veth of the failed apply block went with it");

        // A container's port is born on its bridge: the same one line, from the request that makes it; nothing of it stays.
        run("dockerd bridge: 'full0'");
        List<String> linksBefore = Ip.linkNames(null);
        var c = assertThrows(DslException.class, () -> run("container 'c1'"));
        assertTrue(c.getMessage().contains("bridge full0 has 1023 ports, the kernel's maximum; use another bridge"), c.getMessage());
        assertEquals(linksBefore, Ip.linkNames(null), "no host end left");
        assertFalse(Ip.netnsList().contains("c1"), "no namespace left");
        assertFalse(Files.exists(Path.of("/etc/netns/c1")), "no files left");
        assertFalse(((String) run("ps")).contains("c1"), "and no container in the world");
    }

    @Test
    void badInputNamesTheLineAndWhatWasWrong() {
        Map<String, String> cases = Map.of(
                "brige 'b0'", "test.netgroovy:1: unknown word 'brige'",
                "bridge 'abcdefghijklmnopq'", "test.netgroovy:1: interface name 'abcdefghijklmnopq' is 17 bytes long; the kernel allows at most 15",
                "bridge 'b0' cidr '10.0.0.300/24'", "test.netgroovy:1: '10.0.0.300/24' is not a CIDR: '10.0.0.300' is not an IPv4 address (300 is larger than 255)",
                "link 'nope' up", "test.netgroovy:1: cannot set nope up: link nope does not exist",
                "netns 'ghost'\nlink 'x' into 'nowhere'", "test.netgroovy:2: network namespace 'nowhere' does not exist (see: ip netns list)",
                "bridge 42", "test.netgroovy:1: wrong arguments for 'bridge': (Integer)",
                "link 'A' mac 'zz'", "test.netgroovy:1: 'zz' is not a MAC address (expected six hex pairs like 12:34:56:78:9a:bc)");
        for (var c : cases.entrySet()) {
            var e = assertThrows(DslException.class, () -> run(c.getKey()), c.getKey());
            assertEquals(c.getValue(), e.located(), c.getKey());
        }
        var typo = assertThrows(DslException.class, () -> run("brige 'b0'"));
        assertEquals("did you mean 'bridge'?", typo.hint());
        var chained = assertThrows(DslException.class, () -> run("bridge 'cx0'\nlink 'cx1' mster 'cx0'"));
        assertEquals("test.netgroovy:2: link has no word 'mster'", chained.located());
        run("delete link('cx0')");
        assertEquals("did you mean 'master'? after link come: addr, delete, down, into, mac, master, mtu, nomaster, rename, up",
                chained.hint(), "the words that may follow in that chain, not all the DSL's");
        assertEquals("did you mean 'via'? after route come: dev, via",
                assertThrows(DslException.class, () -> run("route 'default' vai '10.0.0.1'")).hint());
        var ns = assertThrows(DslException.class, () -> run("netns('ghots') { }"));
        assertEquals("test.netgroovy:1: no namespace or container 'ghots'; did you mean 'ghost'? (netns 'ghots' makes a new namespace)",
                ns.located());
        assertEquals(List.of("ghost"), Ip.netnsList());
        assertEquals(List.of("lo"), Ip.linkNames(null));
    }

    @Test
    void ipv6AddressesAndRoutes() {
        run("""
                bridge 'br6' cidr '2001:db8:1::1/64'
                netns 'c1'
                veth 'v6', 'eth0', peerIn: 'c1'
                link 'v6' master 'br6' up
                netns('c1') {
                    addr '2001:db8:1::2/64' dev 'eth0'
                    link 'eth0' up
                    route 'default' via '2001:db8:1::1'
                    route '2001:db8:99::/64' via '2001:db8:1::1' dev 'eth0'
                    sysctl 'net.ipv6.conf.all.forwarding', 1
                }
                """);
        assertTrue(Ip.addresses(null, "br6").contains("2001:db8:1::1/64"));
        var routes = Ip.routes("c1", "-6");
        assertTrue(routes.stream().anyMatch(r -> "default".equals(r.get("dst")) && "2001:db8:1::1".equals(r.get("gateway"))), routes.toString());
        assertTrue(routes.stream().anyMatch(r -> "2001:db8:99::/64".equals(r.get("dst"))), routes.toString());
        assertEquals("1\n", Sh.in("c1", "sysctl", "-n", "net.ipv6.conf.all.forwarding").out());
        assertTrue(((PingResult) run("ping from: 'c1', to: '2001:db8:1::1'")).isOk());
    }

    @Test
    void bridgeOptionsLinkChangesAndDeletion() {
        run("""
                bridge 'br0' cidr '10.0.0.1/24' mtu 1400 stp on
                veth('A', 'B')
                link 'A' master 'br0' mtu 1400 up
                link 'B' mtu 1400 down
                """);
        var br = Ip.json(null, "-d", "link", "show", "br0").get(0);
        assertEquals(1400, br.get("mtu"));
        assertEquals(1, ((Map<?, ?>) ((Map<?, ?>) br.get("linkinfo")).get("info_data")).get("stp_state"));
        assertFalse(((List<?>) Ip.link(null, "B").get().get("flags")).contains("UP"));
        run("link 'A' nomaster");
        assertFalse(Ip.link(null, "A").get().containsKey("master"));
        run("delete link('A')");
        assertTrue(Ip.link(null, "A").isEmpty());
        assertTrue(Ip.link(null, "B").isEmpty(), "the peer goes with it");
        run("netns 'gone'\ndelete netns('gone')");
        assertEquals(List.of(), Ip.netnsList());
    }

    @Test
    void shAndExecReturnOutputAndExitCode() {
        run("netns 'c1'");
        Run ok = (Run) run("netns('c1') { exec 'ip', '-o', 'link' }");
        assertEquals(0, ok.getExitCode());
        assertEquals(1, ok.getOut().lines().count(), ok.getOut());
        Run bad = (Run) run("netns('c1') { sh 'echo no >&2; exit 4' }");
        assertEquals(4, bad.getExitCode());
        assertFalse(bad.isOk());
        assertEquals("no\n", bad.getErr());
    }

    /** How many network namespaces this JVM holds open through file descriptors. */
    private static long namespaceDescriptors() throws Exception {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString().startsWith("net:[");
                } catch (java.io.IOException closed) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void viewsAndStatementsHoldNoNamespaceOnceTheyAreDone() throws Exception {
        run("bridge 'br0'");
        long before = namespaceDescriptors(); // the host's own handle
        StringBuilder script = new StringBuilder("bridge 'br0'\n");
        for (int i = 0; i < 20; i++) {
            script.append("netns 'n").append(i).append("'\nveth 'h").append(i).append("', 'e").append(i)
                    .append("', peerIn: 'n").append(i).append("'\nnetns('n").append(i).append("') { link 'e").append(i).append("' up }\n");
        }
        run(script + "show topology\nshow links");
        assertEquals(before, namespaceDescriptors(), "no descriptor per namespace is kept after the script");
        run("show topology");
        // Deleted behind netgroovy's back: it really goes, and takes its veth's host end along.
        Sh.ok("ip", "netns", "del", "n3");
        long deadline = System.currentTimeMillis() + 5000;
        while (Ip.link(null, "h3").isPresent() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Ip.link(null, "h3").isEmpty(), "nothing of ours kept n3 alive");
    }

    @Test
    void aFailedStatementCaughtByTheScriptIsNeverAppliedLater() {
        run("""
                try { bridge 'half0' cidr '10.0.0.300/24' } catch (e) { println 'caught: ' + e.message }
                bridge 'whole0'
                """);
        assertTrue(out().contains("caught: '10.0.0.300/24' is not a CIDR"), out());
        assertTrue(Ip.link(null, "half0").isEmpty(), "the failed statement planned half0, and that plan was dropped");
        assertTrue(Ip.link(null, "whole0").isPresent());
    }

    @Test
    void anErrorInApplyingIsThrownByTheStatementThatCausedIt() {
        run("""
                def caught = null
                try { link 'nope' up } catch (e) { caught = e.message }
                assert caught.contains('link nope does not exist')
                def made = bridge 'kept0'
                assert made.toString().contains('kept0')
                """);
        assertTrue(Ip.link(null, "kept0").isPresent());
    }

    @Test
    void anApplyBlockWithACaughtFailureAppliesNothing() {
        var e = assertThrows(DslException.class, () -> run("""
                apply {
                    bridge 'g0'
                    try { bridge 'g1' cidr 'bad' } catch (x) { }
                    bridge 'g2'
                }
                """));
        assertTrue(e.getMessage().startsWith("nothing of this apply block was applied: a statement in it failed ('bad' is not a CIDR"),
                e.getMessage());
        assertEquals(3, e.line(), "the statement that failed");
        assertEquals(List.of("lo"), Ip.linkNames(null));
        run("apply { bridge 'g3' }");
        assertTrue(Ip.link(null, "g3").isPresent(), "the next block is not spoilt by the last");
    }
}
