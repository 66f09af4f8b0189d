package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netgroovy.firewall.Iptables;
import netgroovy.testing.Ip;
import netgroovy.testing.Runs;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A statement happens whole or not at all, in the kernel and in the model of what netgroovy
 * built; the model is kept across runs; undo puts back what was there. Each test is one of
 * the failures users met, reproduced, and checked with iproute2, iptables-save and the files.
 */
@ExtendWith(Sandboxed.class)
class WholeStatementsTest {
    private final Runs runs = new Runs();

    /** A new run: a session of its own, sharing the sandbox's state store as later runs do. */
    private Engine run() {
        return runs.next();
    }

    private static Object in(Engine e, String script) {
        return e.run(script, "whole.netgroovy");
    }

    @AfterEach
    void close() {
        runs.close();
    }

    private static String etc(String container, String file) throws Exception {
        return Files.readString(Path.of("/etc/netns", container, file));
    }

    @Test
    void aContainerWhosePortIsTakenLeavesNothingAndCanBeRetried() {
        Engine e = run();
        in(e, "container 'a', publish: '8080:80'");
        var taken = assertThrows(DslException.class, () -> in(e, "container 'b', publish: '8080:80'"));
        assertTrue(taken.getMessage().contains("host port 0.0.0.0:8080/tcp is already published for a"), taken.getMessage());
        assertEquals(List.of("a"), Ip.netnsList(), "no namespace for b");
        assertFalse(Files.exists(Path.of("/etc/netns/b")), "no files for b");
        assertFalse(Files.exists(Path.of("/run/netgroovy/uts/b")), "no hostname for b");
        assertFalse(java.util.regex.Pattern.compile("\\bb\\b").matcher((String) in(e, "ps")).find(), "ps does not list b (as a word: an ID may end in b)");
        in(e, "container 'b', publish: '8081:80'");
        assertEquals(List.of("a", "b"), Ip.netnsList().stream().sorted().toList(), "the retry works: b was never half-made");
        assertTrue(Ip.addresses("b", "eth0").contains("172.17.0.3/16"), "and b gets the next address, not a leaked one");
    }

    /**
     * Teardown lets a namespace take its veths along (it does not delete each alone), but the
     * kernel destroys a namespace after its deletion returns: teardown waits until the host's
     * ends are gone, so the same names can be made again at once.
     */
    @Test
    void theSameWorldCanBeBuiltAgainRightAfterTeardown() {
        Engine e = run();
        String build = """
                bridge 'br0' cidr '10.9.0.1/24' up
                for (k in 1..20) {
                    netns "n$k"
                    veth "v$k", 'eth0', peerIn: "n$k"
                    link "v$k" master 'br0' up
                    netns("n$k") { addr "10.9.0.${k + 1}/24" dev 'eth0'; link 'eth0' up }
                }
                """;
        for (int round = 1; round <= 3; round++) {
            in(e, build);
            assertEquals(20, Ip.netnsList().size(), "round " + round);
            assertTrue(Ip.addresses("n20", "eth0").contains("10.9.0.21/24"), "round " + round);
            in(e, "teardown");
            assertTrue(Ip.link(null, "v1").isEmpty() && Ip.link(null, "v20").isEmpty(), "the host's ends are gone when teardown returns");
            assertEquals(List.of(), Ip.netnsList());
        }
    }

    /** A namespace someone else made (a runtime, ip netns add) is used, not taken: teardown leaves it, unmarked. */
    @Test
    void teardownLeavesANamespaceNetgroovyDidNotMake() {
        Sh.ok("ip", "netns", "add", "theirs");
        Engine e = run();
        in(e, "netns 'theirs'\nnetns 'ours'\nveth 'v0', 'eth0', peerIn: 'theirs'");
        in(e, "teardown");
        assertEquals(List.of("theirs"), Ip.netnsList(), "ours went, theirs stays");
        assertFalse(Sh.ok("ip", "-n", "theirs", "-d", "link", "show", "lo").contains("alias"), "and carries no mark of ours");
        assertTrue(Ip.link("theirs", "eth0").isEmpty(), "what netgroovy put in it went");
    }

    @Test
    void explainAndDryRunMakeNoPhantoms() {
        Engine e = run();
        in(e, "explain { container 'ghost' }");
        e.session().setDryRun(true);
        in(e, "container 'dream', publish: '9090:80'");
        e.session().setDryRun(false);
        String ps = (String) in(e, "ps");
        assertFalse(ps.contains("ghost") || ps.contains("dream"), ps);
        in(e, "container 'ghost'");
        assertEquals(List.of("ghost"), Ip.netnsList());
        assertTrue(Ip.addresses("ghost", "eth0").contains("172.17.0.2/16"), "the explained container took no address");
    }

    @Test
    void theDryRunPlanOfAPublishIsTheLiveOne() {
        Engine dry = new Engine(new Session(true, new PrintStream(new ByteArrayOutputStream()), "dry-run"));
        @SuppressWarnings("unchecked")
        List<String> planned = (List<String>) dry.run("explain { container 'web', publish: '8080:80' }", "p");
        String dnat = planned.stream().filter(c -> c.contains("DNAT")).findFirst().orElseThrow();
        assertTrue(dnat.contains("--to-destination 172.17.0.2:80"), dnat);
        assertTrue(planned.stream().anyMatch(c -> c.contains("-d 172.17.0.2/32") && c.contains("-o docker0")), planned.toString());
        Engine live = run();
        in(live, "container 'web', publish: '8080:80'");
        String saved = Sh.ok("iptables-save");
        assertTrue(saved.contains("--to-destination 172.17.0.2:80") && saved.contains("-d 172.17.0.2/32 ! -i docker0 -o docker0")
                || saved.contains("-d 172.17.0.2/32 -o docker0"), saved);
    }

    @Test
    void aLaterRunSeesTheContainersOfAnEarlierOne() {
        in(run(), "container 'web'\nnetwork 'n1'\ncontainer 'c1', net: 'n1'");
        Engine later = run();
        String ps = (String) in(later, "ps");
        assertTrue(ps.contains("web") && ps.contains("c1"), ps);
        in(later, "container 'web2'");
        assertTrue(Ip.addresses("web2", "eth0").contains("172.17.0.3/16"), "the earlier run's 172.17.0.2 is not handed out again");
        in(later, "rm 'web'");
        assertFalse(Ip.netnsList().contains("web"));
        // Saying the same again (a re-run of the script) changes nothing; saying something else is refused.
        in(later, "container 'c1', net: 'n1'");
        var other = assertThrows(DslException.class, () -> in(later, "container 'c1'"));
        assertTrue(other.getMessage().startsWith("container c1 exists already, made with other options"), other.getMessage());
        in(later, "teardown");
        assertEquals(List.of(), Ip.netnsList(), "teardown removes what every run made");
        assertEquals(List.of("lo"), Ip.linkNames(null));
        in(run(), "dockerd()");
        assertTrue(Ip.link(null, "docker0").isPresent(), "and dockerd runs again after it");
    }

    /** Every IPv4 address and MAC of every interface but lo in every namespace, as iproute2 lists them. */
    private static List<String> addressesAndMacs() {
        List<String> out = new ArrayList<>();
        for (String ns : Ip.netnsList()) {
            for (var link : Ip.json(ns, "-4", "addr", "show")) {
                if (!"lo".equals(link.get("ifname"))) {
                    for (var a : (List<?>) link.get("addr_info")) {
                        out.add("ip " + ((java.util.Map<?, ?>) a).get("local"));
                    }
                    out.add("mac " + Ip.link(ns, (String) link.get("ifname")).orElseThrow().get("address"));
                }
            }
        }
        return out;
    }

    @Test
    void whenTheStoreIsGoneALaterRunRebuildsTheWorldFromTheKernelsMarks() throws Exception {
        in(run(), """
                dockerd mtu: 1400
                network 'backend', subnet: '10.77.0.0/24'
                container 'db', net: 'backend'
                container 'web', publish: '8080:80'
                container 'api', publish: ['9090:90', '9091:91/udp']
                networkConnect 'backend', 'web'
                netns 'lab'
                """);
        assertTrue(Ip.json(null, "link", "show", "docker0").get(0).get("ifalias").toString().startsWith("netgroovy network bridge mtu=1400"));
        Files.delete(Path.of("/run/netgroovy/state.json"));
        Files.deleteIfExists(Path.of("/run/netgroovy/state.journal"));
        runs.clearOutput();
        Engine later = run();
        String ps = (String) in(later, "ps");
        assertTrue(runs.output().contains("netgroovy: state store missing: rebuilt from the kernel (3 containers, 2 networks)"), runs.output());
        assertTrue(ps.contains("db") && ps.contains("web") && ps.contains("api"), ps);
        assertEquals(List.of("80/tcp -> 0.0.0.0:8080"), in(later, "port 'web'"), "published ports come back from the rules' comments");
        assertEquals(List.of("90/tcp -> 0.0.0.0:9090", "91/udp -> 0.0.0.0:9091"), in(later, "port 'api'"));
        var taken = assertThrows(DslException.class, () -> in(later, "container 'x', publish: '8080:81'"));
        assertTrue(taken.getMessage().contains("already published for web"), taken.getMessage());
        in(later, "container 'new1'\ncontainer 'new2', net: 'backend'");
        assertTrue(Ip.addresses("new1", "eth0").contains("172.17.0.4/16"), "after web's .2 and api's .3: " + Ip.addresses("new1", "eth0"));
        assertTrue(Ip.addresses("new2", "eth0").contains("10.77.0.4/24"), "after db's .2 and web's .3: " + Ip.addresses("new2", "eth0"));
        assertEquals(1400, Ip.link("new1", "eth0").orElseThrow().get("mtu"), "dockerd's mtu came back from docker0's mark");
        List<String> seen = addressesAndMacs();
        assertEquals(seen.size(), new java.util.HashSet<>(seen).size(), "no address and no MAC twice: " + seen);
        // The same script again is recognised (the specs are in the marks), and rm works on what was rebuilt.
        in(later, "container 'web', publish: '8080:80'");
        in(later, "rm 'api'");
        assertFalse(Ip.netnsList().contains("api"));
        assertFalse(Sh.ok("iptables-save").contains("netgroovy publish api "), "api's rules went with it");
        in(later, "teardown");
        assertEquals(List.of(), Ip.netnsList(), "teardown removes what was rebuilt, and the netns 'lab'");
        assertEquals(List.of("lo"), Ip.linkNames(null));
        assertFalse(Sh.ok("iptables-save").contains("netgroovy publish"), "no published port's rule is left");
        assertTrue(((String) in(run(), "doctor()")).startsWith("doctor: the world, the kernel and the firewall agree"));
    }

    @Test
    void anUnreadableStoreIsKeptAsideAndRebuilt() throws Exception {
        in(run(), "container 'web'");
        Files.writeString(Path.of("/run/netgroovy/state.json"), "{not json");
        runs.clearOutput();
        Engine later = run();
        in(later, "container 'web2'");
        assertTrue(runs.output().contains("netgroovy: state store unreadable ("), runs.output());
        assertTrue(Files.exists(Path.of("/run/netgroovy/state.json.broken")));
        assertTrue(Ip.addresses("web2", "eth0").contains("172.17.0.3/16"), "web's address was found in the kernel");
    }

    @Test
    void undoPutsBackAContainersFilesAsTheyWere() throws Exception {
        Engine e = run();
        in(e, "network 'n1'\ncontainer 'c1', net: 'n1'");
        String hosts = etc("c1", "hosts");
        assertThrows(DslException.class, () -> in(e, "apply {\n container 'c2', net: 'n1'\n link 'nope' up\n}"));
        assertEquals(hosts, etc("c1", "hosts"), "c2's join rewrote c1's hosts file; undo put the old one back");
        assertFalse(Files.exists(Path.of("/etc/netns/c2")));
    }

    @Test
    void undoGivesALinkItsFormerBridgeAndMakesADeletedBridgeAgain() {
        Engine e = run();
        in(e, "bridge 'b1' cidr '10.1.0.1/24'\nbridge 'b2'\nveth('A', 'B')\nlink 'A' master 'b1'");
        assertThrows(DslException.class, () -> in(e, "apply {\n link 'A' master 'b2'\n delete link('b1')\n link 'nope' up\n}"));
        assertTrue(Ip.link(null, "b1").isPresent(), "the deleted bridge is back");
        assertTrue(Ip.addresses(null, "b1").contains("10.1.0.1/24"), "with its address");
        assertEquals("b1", Ip.link(null, "A").orElseThrow().get("master"), "A is b1's port again, not b2's, not nobody's");
    }

    @Test
    void aChangeToTwoTablesHappensInBothOrNeither() {
        String before = Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "");
        var refused = assertThrows(RuntimeException.class, () -> Iptables.restore(null, new java.util.LinkedHashMap<>(java.util.Map.of(
                "nat", List.of("-A POSTROUTING -o half0 -j MASQUERADE"),
                "filter", List.of("-A FORWARD -j NO-SUCH-CHAIN")))));
        assertTrue(refused.getMessage().contains("iptables-restore refused the change"), refused.getMessage());
        assertEquals(before, Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", ""), "the nat table's part was put back");
    }

    @Test
    void iccSaidAgainReplacesItsRule() {
        Engine e = run();
        in(e, "bridge 'docker0' cidr '172.17.0.1/16'\nfirewall 'docker0'\nfirewall 'docker0', icc: false");
        String saved = Sh.ok("iptables-save", "-t", "filter");
        assertTrue(saved.lines().anyMatch(l -> l.startsWith("-A FORWARD -i docker0 -o docker0") && l.endsWith("-j DROP")), saved);
        assertFalse(saved.lines().anyMatch(l -> l.startsWith("-A FORWARD -i docker0 -o docker0") && l.endsWith("-j ACCEPT")), saved);
    }

    @Test
    void removingAContainerWhoseNameIsARegexTakesOnlyItsOwnRules() {
        Engine e = run();
        in(e, "dockerd icc: false\ncontainer 'db', expose: 6379\ncontainer 'web', link: 'db'\ncontainer 'd.', link: 'db'");
        long before = Sh.ok("iptables-save").lines().filter(l -> l.contains("netgroovy link web->db")).count();
        assertTrue(before > 0);
        in(e, "rm 'd.'");
        assertEquals(before, Sh.ok("iptables-save").lines().filter(l -> l.contains("netgroovy link web->db")).count(),
                "web's link to db is untouched");
        assertEquals(0, Sh.ok("iptables-save").lines().filter(l -> l.contains("netgroovy link d.->db")).count());
    }

    @Test
    void doctorFindsAndRemovesWhatAnInterruptedStatementLeft() throws Exception {
        Engine e = run();
        in(e, "container 'ok1'");
        // What kill -9 in the middle of `container 'half'` leaves: its namespace, host veth,
        // files and hostname made, the note of them in the store, and no record in the world.
        Sh.ok("ip", "netns", "add", "half");
        Sh.ok("ip", "link", "add", "vethhalf", "type", "veth", "peer", "name", "eth0", "netns", "half");
        Files.createDirectories(Path.of("/etc/netns/half"));
        Files.writeString(Path.of("/etc/netns/half/hosts"), "x");
        Sh.ok("ip", "netns", "add", "gone");
        in(e, "container 'stale'");
        Sh.ok("ip", "netns", "del", "stale"); // behind netgroovy's back
        Files.writeString(Path.of("/run/netgroovy/applying"), "statement script.netgroovy:7\nnetns half\nlink vethhalf\nfiles half\n");
        String report = (String) in(e, "doctor()");
        assertTrue(report.contains("namespace half (made by the interrupted statement at script.netgroovy:7)"), report);
        assertTrue(report.contains("link vethhalf"), report);
        assertTrue(report.contains("container stale is recorded, but its namespace is gone"), report);
        assertFalse(report.contains("gone ("), "a namespace nobody noted (made by ip) is not netgroovy's to judge: " + report);
        String fixed = (String) in(e, "doctor fix: true");
        assertTrue(fixed.startsWith("doctor: removed"), fixed);
        assertEquals(List.of("gone", "ok1"), Ip.netnsList().stream().sorted().toList());
        assertTrue(Ip.link(null, "vethhalf").isEmpty());
        assertFalse(Files.exists(Path.of("/etc/netns/half")));
        assertFalse(Files.exists(Path.of("/run/netgroovy/applying")));
        assertFalse(((String) in(e, "ps")).contains("stale"));
        assertTrue(((String) in(e, "doctor()")).startsWith("doctor: the world, the kernel and the firewall agree"));
        in(e, "container 'half'");
        assertTrue(Ip.addresses("half", "eth0").contains("172.17.0.3/16"), "a re-run converges: half is made whole");
    }
}
