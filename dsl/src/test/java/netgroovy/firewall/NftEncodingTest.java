package netgroovy.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.NetNs;
import netgroovy.kernel.NfRules;
import netgroovy.plan.Where;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rules appended through nf_tables netlink ({@link NftEncoding}, {@link NfRules}) are exactly
 * the rules iptables-restore writes: every rule a Docker scenario makes (and the encoder's other
 * shapes) is written by netlink in one namespace and by iptables-restore in another, and
 * {@code iptables-save}, {@code nft --debug=netlink list ruleset} and the kernel's own encoding of
 * each rule must be the same; iptables-nft deletes each netlink-written rule by its text; and a
 * packet goes through a DNAT written this way.
 */
@ExtendWith(Sandboxed.class)
class NftEncodingTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Session session = new Session(false, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);
    private static final Set<String> BUILT_IN = Set.of("INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING");

    /** Shapes no scenario below makes but the encoder takes (each branch of nft.c it follows); NftDeleteTest deletes them. */
    /** Docker's rules of every kind: published ports of each protocol and range, icc off, a link, a user network. */
    static final String DOCKER = """
            dockerd icc: false
            container 'redis', expose: ['6379', '53/udp']
            container 'webapp', publish: ['4567', '127.0.0.1:5000:5000', '8080:80/udp', '9000:9000/sctp', '7000-7002:7000-7002'], link: 'redis:db'
            network 'backend'
            container 'api', net: 'backend', publish: '8443:443'
            """;

    static final Map<String, List<String>> MORE = Map.of(
            "filter", List.of(
                    "-A DOCKER-USER ! -s 203.0.113.7/32 -i ext0 -m comment --comment \"netgroovy restrict ext0 203.0.113.7/32 #1 @x:3\" -j DROP",
                    "-A DOCKER -s 10.16.0.0/12 -d 172.20.16.0/20 -i docker+ ! -o br-+ -j ACCEPT",
                    "-A DOCKER -s 10.0.0.0/8 ! -d 192.168.1.0/24 -p udp -m udp --sport 53 --dport 1024:65535 -j RETURN",
                    "-A DOCKER -p tcp -m tcp --sport 1000 --dport 2000 -j ACCEPT",
                    "-A DOCKER -p tcp -m tcp --dport :1023 -j DROP",
                    "-A DOCKER -p tcp -m tcp --sport 5000: -j DROP",
                    "-A DOCKER -p sctp -m sctp --sport 7 --dport 100:200 -j ACCEPT",
                    "-A DOCKER -p icmp -m conntrack ! --ctstate INVALID,NEW -j ACCEPT",
                    "-A DOCKER -m comment --comment \"a \\\"quoted\\\" word, and 'single' ones\" -j ACCEPT",
                    "-A FORWARD -m addrtype ! --src-type LOCAL,BROADCAST --dst-type UNICAST -j DOCKER"),
            "nat", List.of(
                    "-A DOCKER -d 10.1.2.3/32 -p tcp -m tcp --dport 7000 -j DNAT --to-destination 172.17.0.9:7000-7010",
                    "-A DOCKER -p udp -m udp --dport 53 -j DNAT --to-destination 172.17.0.9",
                    "-A POSTROUTING -o ext0 -j MASQUERADE"));

    private Object run(String script) {
        return engine.run(script, "nft.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    /** Lines of an iptables-save, by table: chains (":NAME ...") and rules ("-A ..."). */
    private static Map<String, List<String>> saved(String text, boolean chains) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String table = null;
        for (String l : text.split("\n")) {
            if (l.startsWith("*")) {
                table = l.substring(1);
                out.put(table, new ArrayList<>());
            } else if (table != null && (chains ? l.startsWith(":") : l.startsWith("-A "))) {
                out.get(table).add(l);
            }
        }
        return out;
    }

    private static String save(String ns) {
        return Sh.ok("ip", "netns", "exec", ns, "iptables-save").replaceAll("(?m)^#.*\n", "").replaceAll("\\[\\d+:\\d+\\]", "[0:0]");
    }

    /** nft's own view of every rule, expression by expression, without handles and counter values. */
    private static String nftDebug(String ns) {
        return Sh.ok("ip", "netns", "exec", ns, "nft", "--debug=netlink", "list", "ruleset")
                .replaceAll("(?m)^(ip \\S+ \\S+)( \\d+)+$", "$1")
                .replaceAll("packets \\d+ bytes \\d+", "packets 0 bytes 0");
    }

    private static List<String> kernelEncoding(String ns, String table) {
        try (NfRules nf = Namespaces.inside(NetNs.named(ns), NfRules::open)) {
            List<String> out = new ArrayList<>();
            for (NfRules.Listed r : nf.list(table)) {
                assertNull(r.userdata(), "iptables-nft 1.8.9 keeps the comment as a match, not as user data");
                out.add(r.chain() + " " + java.util.HexFormat.of().formatHex(r.expressions()));
            }
            return out;
        }
    }

    /** Two namespaces with the same tables and user chains: "nl" gets rules by netlink, "ipt" by iptables-restore. */
    private static void twoNamespaces(Map<String, List<String>> chains) {
        StringBuilder tables = new StringBuilder();
        chains.forEach((table, names) -> {
            tables.append('*').append(table).append('\n');
            // A built-in chain's policy line makes iptables-nft create it (it does so lazily, on first use).
            names.forEach(c -> tables.append(':').append(c).append(BUILT_IN.contains(c) ? " ACCEPT" : " -").append(" [0:0]\n"));
            tables.append("COMMIT\n");
        });
        for (String ns : List.of("nl", "ipt")) {
            Sh.ok("ip", "netns", "add", ns);
            restore(ns, tables.toString());
        }
    }

    private static void restore(String ns, String input) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("rules", ".txt");
            java.nio.file.Files.writeString(file, input);
            Sh.Result r = Sh.run("ip", "netns", "exec", ns, "iptables-restore", "--noflush", file.toString());
            java.nio.file.Files.delete(file);
            assertTrue(r.ok(), r.err() + "\n" + input);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyRuleOfADockerScenarioIsWrittenByNetlinkExactlyAsIptablesRestoreWritesIt() {
        // The rules Docker's words make: bridge and base rules, icc false, links, user networks
        // and their isolation, publish over tcp/udp/sctp with and without a host address, and a
        // range; then what the userland proxy's mode adds (it does not proxy sctp, so its rules
        // are made apart).
        run(DOCKER);
        Map<String, List<String>> docker = saved(Sh.ok("iptables-save"), false);
        Map<String, List<String>> chains = saved(Sh.ok("iptables-save"), true);
        Map<String, List<String>> proxied = new LinkedHashMap<>();
        List<Rule> proxyRules = new ArrayList<>(DockerRules.bridge("docker9", true, true));
        proxyRules.addAll(DockerRules.base(true));
        for (String spec : List.of("8080:80", "127.0.0.1:5000:5000", "53:53/udp")) {
            proxyRules.addAll(DockerRules.publish("webapp", "docker0", netgroovy.value.IpAddress.parse("172.17.0.3"),
                    PortMapping.parse(spec).get(0), true));
        }
        for (Rule r : proxyRules) {
            proxied.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(r.restoreLine("-A"));
        }

        Map<String, List<String>> lines = new LinkedHashMap<>();
        Set<String> chainNames = new LinkedHashSet<>();
        for (String table : List.of("filter", "nat")) {
            List<String> all = new ArrayList<>(docker.get(table));
            all.addAll(proxied.getOrDefault(table, List.of()));
            all.addAll(MORE.get(table));
            lines.put(table, all);
            chains.get(table).forEach(c -> chainNames.add(table + " " + c.substring(1).split(" ")[0]));
        }
        assertTrue(lines.get("nat").stream().anyMatch(l -> l.contains("-p sctp -m sctp --dport 9000") && l.contains("-j DNAT")), lines.toString());
        assertTrue(lines.get("filter").stream().anyMatch(l -> l.contains("-m conntrack --ctstate RELATED,ESTABLISHED")), lines.toString());
        Map<String, List<String>> chainsByTable = new LinkedHashMap<>();
        chainNames.forEach(c -> chainsByTable.computeIfAbsent(c.split(" ")[0], t -> new ArrayList<>()).add(c.split(" ")[1]));
        twoNamespaces(chainsByTable);

        // Every line is taken by the encoder: none of Docker's shapes goes to iptables-restore.
        List<NfRules.Rule> encoded = new ArrayList<>();
        lines.forEach((table, ls) -> ls.forEach(l -> {
            NfRules.Rule r = NftEncoding.encode(table, l, (t, c) -> chainNames.contains(t + " " + c));
            assertNotNull(r, "not encoded: -t " + table + " " + l);
            encoded.add(r);
        }));
        try (NfRules nf = Namespaces.inside(NetNs.named("nl"), NfRules::open)) {
            nf.append(encoded); // both tables, one transaction
        }
        StringBuilder input = new StringBuilder();
        lines.forEach((table, ls) -> {
            input.append('*').append(table).append('\n');
            ls.forEach(l -> input.append(l).append('\n'));
            input.append("COMMIT\n");
        });
        restore("ipt", input.toString());

        assertEquals(save("ipt"), save("nl"), "iptables-save sees the same rules");
        assertEquals(nftDebug("ipt"), nftDebug("nl"), "nft sees the same expressions");
        for (String table : List.of("filter", "nat")) {
            List<String> theirs = kernelEncoding("ipt", table), ours = kernelEncoding("nl", table);
            assertEquals(lines.get(table).size(), theirs.size());
            assertEquals(theirs.size(), ours.size());
            for (int i = 0; i < theirs.size(); i++) {
                assertEquals(theirs.get(i), ours.get(i), "the kernel holds other bytes for rule " + (i + 1) + " of " + table
                        + " (in chain order) than iptables-restore made");
            }
        }

        // iptables-nft finds each netlink-written rule by its text (it compares what it parses with what it reads back).
        lines.forEach((table, ls) -> ls.forEach(l -> {
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", "nl", "iptables", "-t", table, "-D"));
            argv.addAll(NftEncoding.words(l).subList(1, NftEncoding.words(l).size()));
            Sh.Result r = Sh.run(argv);
            assertTrue(r.ok(), "iptables -D did not find " + l + ": " + r.err());
        }));
        assertEquals(Map.of("filter", List.of(), "nat", List.of()), saved(save("nl"), false));
    }

    @Test
    void whatTheEncoderDoesNotFullyUnderstandGoesToIptablesRestore() {
        Set<String> known = Set.of("filter DOCKER", "filter FORWARD", "nat DOCKER", "nat POSTROUTING");
        for (String l : List.of(
                "-I DOCKER 1 -j ACCEPT", "-D DOCKER 1", "-N NEW", "-A DOCKER -j LOG --log-prefix x",
                "-A DOCKER -p tcp --dport 80 -j ACCEPT", // the implicit tcp match
                "-A DOCKER -m tcp --dport 80 -p tcp -j ACCEPT", // -m tcp before -p
                "-A DOCKER -p udp -m tcp --dport 80 -j ACCEPT", // iptables refuses it
                "-A DOCKER -p tcp -m tcp ! --dport 80 -j ACCEPT", "-A DOCKER -p tcp -m tcp --tcp-flags SYN SYN -j ACCEPT",
                "-A DOCKER -s example.com -j ACCEPT", "-A DOCKER -s 10.0.0.0/0 -j ACCEPT", "-A DOCKER -i + -j ACCEPT",
                "-A DOCKER -i averyveryverylongname -j ACCEPT", "-A DOCKER -j NO-SUCH-CHAIN", "-A NOPE -j ACCEPT",
                "-A DOCKER -m comment --comment \"" + "x".repeat(256) + "\" -j ACCEPT", "-A DOCKER -m comment --comment \"open",
                "-A DOCKER -j MASQUERADE --random", "-A DOCKER -p icmp -j DNAT --to-destination 1.2.3.4:80",
                "-A DOCKER -m conntrack --ctstate NEW --ctproto tcp -j ACCEPT", "-A DOCKER -g DOCKER", "-A DOCKER -f -j DROP")) {
            assertNull(NftEncoding.encode("filter", l, (t, c) -> known.contains(t + " " + c)), l);
        }
        assertNull(NftEncoding.encode("nat", "-A DOCKER -j ACCEPT", (t, c) -> false), "a chain not known to be there");
    }

    @Test
    void publishGoesStraightToTheKernelInOneTransactionAndItsDnatCarriesPackets() {
        run(NatTest.SETUP);
        Ruleset known = session.kernel().rules(Where.HOST).fresh(); // read while the nat table is not there yet
        // firewall makes Docker's chains (-N: iptables-restore), and the nat table with its
        // POSTROUTING, which iptables-nft makes on first use: publish's chains are all known to be there.
        run("serve 'c1', 80\nfirewall 'docker0'");
        long reads = known.reads(), appends = known.netlinked();
        String before = Sh.ok("nft", "list", "ruleset");
        run("publish 'c1', '8080:80'");
        assertEquals(appends + 1, known.netlinked(), "publish's rules (two tables) went by netlink, in one batch");
        assertEquals(reads, known.reads(), "and nothing read the rules back");
        assertTrue(Sh.ok("iptables-save").contains("-A DOCKER -p tcp -m tcp --dport 8080 -m comment --comment"), Sh.ok("iptables-save"));
        assertFalse(before.contains("dport 8080"));
        assertEquals("c1 saw 203.0.113.2", run("connect from: 'world', to: '203.0.113.1:8080'"), "a TCP connection through the DNAT");
        run("unpublish 'c1'"); // deleted by netlink too, by the handles the kernel echoed
        assertEquals(appends + 2, known.netlinked(), "unpublish's deletions went by netlink");
        assertEquals(reads, known.reads());
        assertFalse(Sh.ok("iptables-save").contains("8080"), Sh.ok("iptables-save"));
        assertNull(run("connect from: 'world', to: '203.0.113.1:8080'"));
    }

    @Test
    void aRefusedAppendChangesNothingAndNamesTheRule() {
        run("dockerd()\ncontainer 'web'");
        Ruleset known = session.kernel().rules(Where.HOST).fresh();
        String before = Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "");
        // The chain goes behind the session's back, between its look and its write: the kernel refuses.
        Sh.ok("iptables", "-t", "filter", "-N", "GONE");
        known.fresh();
        Sh.ok("iptables", "-t", "filter", "-X", "GONE");
        var refused = assertThrows(FirewallException.class, () -> known.write(new LinkedHashMap<>(Map.of(
                "nat", List.of("-A POSTROUTING -o half0 -j MASQUERADE"),
                "filter", List.of("-A GONE -j ACCEPT")))));
        assertTrue(refused.getMessage().startsWith("cannot append '-t filter -A GONE -j ACCEPT': "), refused.getMessage());
        assertTrue(refused.getMessage().contains("(chain GONE does not exist in table filter)")
                        && refused.getMessage().contains("nothing of it was made"),
                refused.getMessage());
        assertEquals(before, Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", ""), "neither table changed: one transaction");
        run("publish 'web', '8080:80'");
        assertTrue(Sh.ok("iptables-save").contains("--dport 8080"), "after a refusal the rules are read again and writing goes on");
    }
}
