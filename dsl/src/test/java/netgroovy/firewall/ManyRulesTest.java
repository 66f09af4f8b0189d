package netgroovy.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.plan.Where;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import netgroovy.value.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of rules present: a statement adds or removes exactly its own, without reading
 * the others back (the session's {@link Ruleset} counts its reads), a rule changed by hand is
 * noticed, and removing thousands is not quadratic. iptables-save is the observer.
 */
@ExtendWith(Sandboxed.class)
class ManyRulesTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    private Object run(String script) {
        return engine.run(script, "many.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    /** The rule lines of iptables-save, each prefixed by its table ("nat -A DOCKER ..."). */
    private static List<String> rules() {
        List<String> out = new ArrayList<>();
        String table = null;
        for (String l : Sh.ok("iptables-save").split("\n")) {
            if (l.startsWith("*")) {
                table = l.substring(1);
            } else if (l.startsWith("-A ")) {
                out.add(table + " " + l);
            }
        }
        return out;
    }

    private static List<String> minus(List<String> a, List<String> b) {
        List<String> d = new ArrayList<>(a);
        b.forEach(d::remove);
        return d;
    }

    private static String withoutComment(String line) {
        return line.replaceAll(" -m comment --comment (\"(\\\\.|[^\"])*\"|\\S+)", "");
    }

    /** {@code iptables -t TABLE -D CHAIN N}, as a person would delete the rule (a line of {@link #rules()}). */
    private static void deleteByHand(String rule) {
        String[] w = rule.split(" ", 4);
        List<String> all = rules();
        long n = all.subList(0, all.indexOf(rule)).stream().filter(l -> l.startsWith(w[0] + " -A " + w[2] + " ")).count() + 1;
        Sh.ok("iptables", "-t", w[0], "-D", w[2], String.valueOf(n));
        assertFalse(rules().contains(rule));
    }

    private long reads() {
        return session.kernel().rules(Where.HOST).reads();
    }

    @Test
    void onePortAmongThousandsAddsExactlyItsRulesAndARerunConverges() {
        run("dockerd()\ncontainer 'web'\ncontainer 'db'");
        run("publish 'web', '10000-12999:10000-12999'");
        List<String> before = rules();
        assertEquals(9000, before.stream().filter(l -> l.contains("netgroovy publish web ")).count());
        long reads = reads();

        run("publish 'db', '40000:80'");
        List<String> after = rules();
        assertEquals(List.of(), minus(before, after), "nothing went");
        List<String> added = minus(after, before);
        List<String> expected = DockerRules.publish("db", "docker0", IpAddress.parse("172.17.0.3"), PortMapping.parse("40000:80").get(0), false)
                .stream().map(r -> r.table() + " " + withoutComment(r.restoreLine("-A"))).sorted().toList();
        assertEquals(expected, added.stream().map(ManyRulesTest::withoutComment).sorted().toList(), "exactly db's three rules came");
        assertEquals(reads, reads(), "the statement did not read the rules back");

        run("publish 'db', '40000:80'");
        assertEquals(after, rules(), "saying it again changes nothing");
        assertEquals(reads, reads());

        // A rule deleted by hand is noticed (the tables' generation moved): saying it again puts it back.
        String dnat = after.stream().filter(l -> l.startsWith("nat -A DOCKER") && l.contains("netgroovy publish db ")).findFirst().orElseThrow();
        deleteByHand(dnat);
        assertFalse(rules().contains(dnat));
        run("publish 'db', '40000:80'");
        assertEquals(after.stream().sorted().toList(), rules().stream().sorted().toList(), "the rule deleted by hand is back");
    }

    @Test
    void rmRemovesExactlyItsRulesWhenSomeoneChangedTheChainsByHand() {
        run("dockerd()\ncontainer 'web'\ncontainer 'db'");
        run("publish 'web', '10000-11999:10000-11999'");
        run("publish 'db', '8080:80', '8443:443'");
        // By hand: one of db's rules deleted, and a rule of someone else's put first in nat DOCKER.
        deleteByHand(rules().stream().filter(l -> l.startsWith("filter -A DOCKER -d 172.17.0.3/32") && l.contains("--dport 80 "))
                .findFirst().orElseThrow());
        Sh.ok("iptables", "-t", "nat", "-I", "DOCKER", "1", "-p", "tcp", "--dport", "1", "-j", "RETURN");
        List<String> before = rules();
        assertEquals(5, before.stream().filter(l -> l.contains("netgroovy publish db ")).count());

        run("rm 'db'");
        List<String> gone = minus(before, rules());
        assertEquals(5, gone.size(), "db's five remaining rules went: " + gone);
        assertTrue(gone.stream().allMatch(l -> l.contains("netgroovy publish db ")), gone.toString());
        assertTrue(rules().contains("nat -A DOCKER -p tcp -m tcp --dport 1 -j RETURN"), "someone else's rule stays");
        assertEquals(6000, rules().stream().filter(l -> l.contains("netgroovy publish web ")).count(), "web's rules stay");
    }

    @Test
    void thirtyThousandRulesGoQuicklyAndSomeoneElsesStay() {
        run("dockerd()\ncontainer 'web'");
        run("publish 'web', '10000-19999:10000-19999'");
        assertEquals(30000, rules().stream().filter(l -> l.contains("netgroovy publish web ")).count());
        // Someone else's rules, in a chain of Docker's own and in a built-in one, among netgroovy's.
        Sh.ok("iptables", "-t", "nat", "-I", "POSTROUTING", "2", "-s", "192.0.2.9/32", "-j", "RETURN");
        Sh.ok("iptables", "-t", "filter", "-I", "DOCKER", "5000", "-s", "192.0.2.9/32", "-j", "RETURN");
        List<String> theirs = List.of("filter -A DOCKER -s 192.0.2.9/32 -j RETURN", "nat -A POSTROUTING -s 192.0.2.9/32 -j RETURN");

        long start = System.nanoTime();
        run("unpublish 'web'");
        long unpublish = (System.nanoTime() - start) / 1_000_000;
        assertEquals(List.of(), rules().stream().filter(l -> l.contains("netgroovy publish")).toList());
        assertTrue(rules().containsAll(theirs), rules().toString());

        run("publish 'web', '10000-19999:10000-19999'");
        start = System.nanoTime();
        run("teardown");
        long teardown = (System.nanoTime() - start) / 1_000_000;
        assertEquals(theirs, rules().stream().filter(l -> !l.contains("netgroovy")).toList(), "only someone else's rules are left");
        assertEquals(List.of(), rules().stream().filter(l -> l.contains("netgroovy")).toList());
        // Deleting them by their text took iptables-nft more than its 60 s limit (each -D compared
        // the rule with every rule before it); rewriting the chains takes well under a second.
        System.out.printf("30 000 rules: unpublish %d ms, teardown %d ms%n", unpublish, teardown);
        assertTrue(unpublish < 10_000 && teardown < 10_000, "unpublish took " + unpublish + " ms, teardown " + teardown + " ms");
    }

    /** iptables-save without its comments and the chains' packet counters (a packet sent meanwhile moves them). */
    private static String rulesText() {
        return Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "").replaceAll("\\[\\d+:\\d+\\]", "[0:0]");
    }

    @Test
    void aRefusedBatchOfTwoTablesChangesNeitherAndIsNotBelieved() {
        run("dockerd()\ncontainer 'web'");
        run("publish 'web', '10000-10999:10000-10999'");
        String before = rulesText();
        Ruleset known = session.kernel().rules(Where.HOST).fresh();
        long reads = known.reads();
        var refused = org.junit.jupiter.api.Assertions.assertThrows(FirewallException.class, () -> known.write(new java.util.LinkedHashMap<>(
                java.util.Map.of("nat", List.of("-A POSTROUTING -o half0 -j MASQUERADE", "-D DOCKER 1"),
                        "filter", List.of("-A FORWARD -j NO-SUCH-CHAIN")))));
        assertTrue(refused.getMessage().contains("iptables-restore refused the change"), refused.getMessage());
        assertEquals(before, rulesText(), "the nat table's part was put back, from what was known");
        run("publish 'web', '20000:80'");
        assertEquals(reads + 1, known.reads(), "after a refusal the rules are read again");
        assertEquals(3003, rules().stream().filter(l -> l.contains("netgroovy publish web ")).count());
    }
}
