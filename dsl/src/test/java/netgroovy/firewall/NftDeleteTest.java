package netgroovy.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.NfGeneration;
import netgroovy.kernel.NfRules;
import netgroovy.plan.Where;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rules deleted through nf_tables netlink by their handles ({@link Ruleset}, {@link NfRules#commit}):
 * what is left is exactly what iptables-restore's {@code -D} leaves, with the handles the kernel
 * echoed when the rules were appended, and with handles read by dumping a chain when the rules
 * were read by iptables-save (another session, someone else's change). iptables-save is the
 * observer; {@link Ruleset#netlinked()} says which path a batch took.
 */
@ExtendWith(Sandboxed.class)
class NftDeleteTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);
    private NfGeneration generation;

    private Object run(String script) {
        return engine.run(script, "delete.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
        if (generation != null) {
            generation.close();
        }
    }

    private static String save() {
        return Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "").replaceAll("\\[\\d+:\\d+\\]", "[0:0]");
    }

    private Ruleset known() {
        return session.kernel().rules(Where.HOST).fresh();
    }

    /** Another view of the host's rules, as a new session has: read by iptables-save, no handle known. */
    private Ruleset another() {
        if (generation == null) {
            generation = NfGeneration.open();
        }
        return new Ruleset(session.kernel().firewall(Where.HOST), generation::current).fresh();
    }

    /** A view that never trusts the generation: every batch goes to iptables-restore, as before netlink deletes. */
    private Ruleset throughRestore() {
        return new Ruleset(session.kernel().firewall(Where.HOST), () -> -1).fresh();
    }

    /** The batch that deletes these lines, per table, made by the view itself (by their places). */
    private static Map<String, List<String>> deleting(Ruleset view, Map<String, List<String>> lines) {
        Map<String, List<String>> batch = new LinkedHashMap<>();
        lines.forEach((table, ls) -> batch.put(table, view.deletions(table, ls)));
        return batch;
    }

    /** Every {@code -A} line of iptables-save, by table. */
    private static Map<String, List<String>> rules(String saved) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String table = null;
        for (String l : saved.split("\n")) {
            if (l.startsWith("*")) {
                table = l.substring(1);
                out.put(table, new ArrayList<>());
            } else if (table != null && l.startsWith("-A ")) {
                out.get(table).add(l);
            }
        }
        return out;
    }


    @Test
    void everyRuleShapeIsDeletedByNetlinkLeavingWhatIptablesRestoreLeaves() {
        run(NftEncodingTest.DOCKER);
        String docker = save();
        Ruleset known = known();
        long reads = known.reads(), netlinked = known.netlinked();
        known.write(new LinkedHashMap<>(NftEncodingTest.MORE));
        String withShapes = save();
        assertNotEquals(docker, withShapes);

        // With the handles the kernel echoed: no dump, no iptables-save.
        known.write(deleting(known, NftEncodingTest.MORE));
        assertEquals(netlinked + 2, known.netlinked(), "appended and deleted by netlink");
        assertEquals(reads, known.reads());
        assertEquals(docker, save(), "the shapes went, Docker's rules stayed");

        // Docker's own rules, every one, read by another view (handles from a dump of each chain).
        Map<String, List<String>> all = rules(docker);
        assertTrue(all.get("filter").size() > 20 && all.get("nat").size() > 10, all.toString());
        Ruleset other = another();
        long otherNetlinked = other.netlinked();
        other.write(deleting(other, all));
        assertEquals(otherNetlinked + 1, other.netlinked(), "deleted by netlink");
        String byNetlink = save();
        assertEquals(Map.of("filter", List.of(), "nat", List.of()), rules(byNetlink), byNetlink);

        // The same deletions from the same rules by iptables-restore leave the same tables.
        Sh.Result put = Sh.run("bash", "-c", "iptables-restore <<'EOF'\n" + docker + "EOF");
        assertTrue(put.ok(), put.err());
        assertEquals(docker, save());
        Ruleset restore = throughRestore();
        restore.write(deleting(restore, all));
        assertEquals(0, restore.netlinked());
        assertEquals(byNetlink, save(), "iptables-restore leaves what netlink left");

        // The session notices (the generation moved) and goes on: its handles are not used blindly.
        run("container 'late', publish: '9999:99'");
        assertTrue(save().contains("--dport 9999"));
        run("rm 'late'");
        assertFalse(save().contains("9999"));
    }

    @Test
    void ofTwoIdenticalRulesTheFirstGoes() {
        run("dockerd()");
        String line = "-A DOCKER -s 192.0.2.1/32 -m comment --comment \"twin\" -j RETURN";
        String before = save();
        for (java.util.function.Supplier<Ruleset> views : List.<java.util.function.Supplier<Ruleset>>of(this::known, this::another)) {
            Ruleset view = views.get();
            view.write(new LinkedHashMap<>(Map.of("filter", List.of(line, line))));
            List<Long> handles = handles("DOCKER");
            assertEquals(2, handles.size());
            long netlinked = view.netlinked();
            view.write(deleting(view, Map.of("filter", List.of(line))));
            assertEquals(netlinked + 1, view.netlinked());
            assertEquals(List.of(handles.get(1)), handles("DOCKER"), "iptables -D deletes the first that matches");
            view.write(deleting(view, Map.of("filter", List.of(line))));
            assertEquals(before, save());
        }
    }

    private static List<Long> handles(String chain) {
        try (NfRules nf = NfRules.open()) {
            return nf.list("filter", chain).stream().map(NfRules.Listed::handle).toList();
        }
    }

    @Test
    void unpublishAndRmDeleteByNetlinkWhateverWasChangedByHand() {
        run("dockerd()\ncontainer 'web'\ncontainer 'db'");
        String bare = save();
        Ruleset known = known();
        run("publish 'web', '8080:80', '8443:443', '9000:9000/udp'");
        long reads = known.reads(), netlinked = known.netlinked();
        run("unpublish 'web'");
        assertEquals(netlinked + 1, known.netlinked(), "unpublish went by netlink");
        assertEquals(reads, known.reads(), "without reading the rules back");
        assertEquals(bare, save());

        // By hand, between two statements: one of web's rules deleted, someone else's put first.
        run("publish 'web', '8080:80', '8443:443'");
        String dnat = rules(save()).get("nat").stream().filter(l -> l.contains("--dport 8443") && l.contains("DNAT")).findFirst().orElseThrow();
        List<String> argv = new ArrayList<>(List.of("iptables", "-t", "nat", "-D"));
        argv.addAll(NftEncoding.words(dnat).subList(1, NftEncoding.words(dnat).size()));
        assertTrue(Sh.run(argv).ok());
        Sh.ok("iptables", "-t", "filter", "-I", "DOCKER", "1", "-s", "192.0.2.9/32", "-j", "RETURN");
        Sh.ok("iptables", "-t", "nat", "-I", "DOCKER", "1", "-p", "tcp", "--dport", "1", "-j", "RETURN");
        String byHand = save();
        long webs = byHand.lines().filter(l -> l.contains("netgroovy publish web")).count();
        assertEquals(5, webs, byHand);
        netlinked = known.netlinked();
        run("unpublish 'web'");
        assertEquals(netlinked + 1, known.netlinked(), "read again, then deleted by netlink (handles from a dump)");
        String after = save();
        assertFalse(after.contains("netgroovy publish web"), after);
        assertTrue(after.contains("-A DOCKER -s 192.0.2.9/32 -j RETURN") && after.contains("-A DOCKER -p tcp -m tcp --dport 1 -j RETURN"),
                "someone else's rules stay: " + after);
        assertEquals(rules(byHand).values().stream().mapToInt(List::size).sum() - webs,
                rules(after).values().stream().mapToInt(List::size).sum(), "web's remaining rules went, nothing else");

        // rm of a container with ports: its rules go by netlink, the others' stay.
        Sh.ok("iptables", "-t", "filter", "-D", "DOCKER", "1");
        Sh.ok("iptables", "-t", "nat", "-D", "DOCKER", "1");
        run("publish 'db', '5432:5432'");
        run("publish 'web', '8080:80'");
        String webOnly = save().replaceAll("(?m)^.*netgroovy publish db .*\n", "");
        netlinked = known.netlinked();
        run("rm 'db'");
        assertTrue(known.netlinked() > netlinked, "rm's rules went by netlink");
        assertEquals(webOnly, save(), "db's rules went, web's stayed");
        run("rm 'web'");
        assertFalse(save().contains("netgroovy publish"));
    }

    @Test
    void aRefusedBatchDeletesNothing() {
        run("dockerd()\ncontainer 'web', publish: '8080:80'");
        String before = save();
        Ruleset known = known();
        List<String> web = rules(before).get("filter").stream().filter(l -> l.contains("netgroovy publish web")).toList();
        assertEquals(1, web.size());
        Map<String, List<String>> batch = new LinkedHashMap<>(deleting(known, Map.of("filter", web)));
        // A rule the encoder takes but the kernel refuses: DNAT is for the nat table only.
        batch.get("filter").add("-A DOCKER -p tcp -m tcp --dport 1 -j DNAT --to-destination 192.0.2.1");
        long netlinked = known.netlinked();
        var refused = assertThrows(FirewallException.class, () -> known.write(batch));
        assertTrue(refused.getMessage().contains("nothing of it was made"), refused.getMessage());
        assertEquals(netlinked, known.netlinked());
        assertEquals(before, save(), "the deletion in the refused batch was not made");

        // Straight to the kernel: a handle no rule has makes the whole transaction refused.
        long handle = handles("DOCKER").get(0);
        try (NfRules nf = NfRules.open()) {
            var e = assertThrows(KernelException.class, () -> nf.commit(List.of(
                    new NfRules.Delete("filter", "DOCKER", handle, "delete web's rule"),
                    new NfRules.Delete("filter", "DOCKER", handle + 1000, "delete '-t filter -D DOCKER -j NOTHING'"))));
            assertTrue(e.getMessage().startsWith("cannot delete '-t filter -D DOCKER -j NOTHING': "), e.getMessage());
        }
        assertEquals(before, save());

        // And the session goes on: the rules are read again, rm deletes web's.
        run("rm 'web'");
        assertFalse(save().contains("netgroovy publish web"));
    }
}
