package netgroovy.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.firewall.DockerRules;
import netgroovy.firewall.PortMapping;
import netgroovy.firewall.Rule;
import netgroovy.testing.Sh;
import netgroovy.value.IpAddress;

/**
 * Publishing N ports: netgroovy's one {@code publish} statement (one iptables-restore batch)
 * against one {@code iptables -A} process per rule, as Docker 20 writes its rules. Both write
 * the same rules (DNAT, filter ACCEPT, hairpin MASQUERADE: 3 per port); iptables-save checks
 * the count each time. Run through bench/ports, inside the sandbox.
 */
public final class PortsBench {
    private PortsBench() {
    }

    public static void main(String[] args) {
        if (!netgroovy.kernel.Sandbox.inside()) {
            System.err.println("PortsBench must run inside the sandbox: use bench/ports");
            System.exit(2);
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("publishing %d ports (%d rules), %d rounds%n", n, 3 * n, reps);
        List<Double> ours = new ArrayList<>();
        List<Double> perRule = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            ours.add(netgroovy(n));
            perRule.add(iptablesPerRule(n));
            System.out.printf("  round %d: netgroovy %8.1f ms   iptables per rule %8.1f ms%n", r + 1, ours.get(r), perRule.get(r));
        }
        double a = median(ours);
        double b = median(perRule);
        System.out.printf("median: netgroovy %.1f ms, iptables per rule %.1f ms, %.0fx faster (goal: >= 20x and < 1000 ms)%n",
                a, b, b / a);
        onePortAmong(args.length > 2 ? Integer.parseInt(args[2]) : 10_000, reps);
    }

    /**
     * The cost of one statement must not grow with what exists: with N ports (3N rules; 10 000
     * and 30 000 unless said otherwise) published, one more port, timed by itself, against the 3 iptables -A processes Docker
     * would run for it.
     */
    private static void onePortAmong(int n, int reps) {
        try (Session s = new Session(false, new PrintStream(new ByteArrayOutputStream()), "sandbox")) {
            Engine e = new Engine(s);
            e.run(setup(), "bench");
            // The same statement with no rules yet but Docker's own, for the "independent of
            // the rules already there" comparison.
            List<Double> empty = onePort(e, 39000, reps);
            e.run("publish 'c1', '10000-" + (10000 + n - 1) + ":10000-" + (10000 + n - 1) + "'", "bench");
            List<Double> ours = onePort(e, 40000, reps);
            List<Double> perRule = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                int port = 40100 + r;
                long start = System.nanoTime();
                for (Rule rule : DockerRules.publish("c2", "docker0", IpAddress.parse("172.17.0.3"), PortMapping.parse(port + ":80").get(0), false)) {
                    List<String> argv = new ArrayList<>(List.of("iptables", "-t", rule.table(), "-A", rule.chain()));
                    argv.addAll(rule.args());
                    Sh.ok(argv.toArray(new String[0]));
                }
                perRule.add((System.nanoTime() - start) / 1e6);
            }
            // Someone else's change (here, those iptables -A) moves the nf_tables generation:
            // the next statement reads the rules again, once.
            List<Double> afterOthers = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                Sh.ok("iptables", "-t", "filter", "-A", "DOCKER-USER", "-s", "10.99.0." + (r + 1) + "/32", "-j", "RETURN");
                afterOthers.addAll(onePort(e, 40200 + r, 1));
            }
            System.out.printf("one more port, whole statement: %.1f ms (min %.1f) with %d rules present, %.1f ms (min %.1f) with none; "
                    + "3 x iptables -A %.1f ms (medians of %d)%n", median(ours), min(ours), 3 * n, median(empty), min(empty), median(perRule), reps);
            System.out.printf("  right after another program changed the rules (one iptables-save more): %.1f ms%n", median(afterOthers));
            // Each onePort statement above is a script of its own, compiled first (some ms); in a
            // script the statements are compiled once, with the script: time them in one.
            @SuppressWarnings("unchecked")
            // (At least 30 of them: a median of a few is mostly the first statements' warm-up.)
            List<Double> inScript = (List<Double>) e.run("def ms = []\nfor (k in 0..<" + Math.max(reps, 30) + ") { long a = System.nanoTime(); "
                    + "publish 'c1', \"${40500 + k}:80\"; ms << (System.nanoTime() - a) / 1000000.0d }\nms", "bench");
            System.out.printf("  as a statement of a script (compiled with it): %.1f ms (min %.1f)%n", median(inScript), min(inScript));
            // The firewall's share of it: the same statement's two firewall operations (Docker's
            // chains, the port's three rules), checked and applied as the statement applies them,
            // without the script, the model and its store.
            List<Double> firewall = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                netgroovy.plan.Plan plan = new netgroovy.plan.Plan();
                plan.add(netgroovy.plan.FirewallOp.add(netgroovy.plan.Where.HOST, "Docker's chains", DockerRules.chains(), DockerRules.base(false)));
                plan.add(netgroovy.plan.FirewallOp.add(netgroovy.plan.Where.HOST, "publish", List.of(),
                        DockerRules.publish("c3", "docker0", IpAddress.parse("172.17.0.4"), PortMapping.parse((42000 + r) + ":80").get(0), false)));
                long start = System.nanoTime();
                s.executor().apply(plan);
                firewall.add((System.nanoTime() - start) / 1e6);
            }
            System.out.printf("  of which the firewall operations: %.1f ms (min %.1f)%n", median(firewall), firewall.stream().min(Double::compare).orElseThrow());
            List<Double> rm = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                e.run("publish 'c2', ip: '172.17.0.3', bridge: 'docker0', '" + (41000 + r) + ":80'", "bench");
                long start = System.nanoTime();
                e.run("unpublish 'c2'", "bench");
                rm.add((System.nanoTime() - start) / 1e6);
            }
            System.out.printf("unpublish of one port (3 rules) among %d rules: %.1f ms (median of %d)%n", rules() + 3, median(rm), reps);
            List<Double> rmFirewall = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                e.run("publish 'c2', ip: '172.17.0.3', bridge: 'docker0', '" + (41000 + r) + ":80'", "bench");
                netgroovy.plan.Plan plan = new netgroovy.plan.Plan();
                plan.add(new netgroovy.plan.RemoveOwnedRules(netgroovy.plan.Where.HOST, "netgroovy publish c2 "));
                long start = System.nanoTime();
                s.executor().apply(plan);
                rmFirewall.add((System.nanoTime() - start) / 1e6);
                e.run("unpublish 'c2'", "bench");
            }
            System.out.printf("  of which the firewall operation: %.1f ms (min %.1f)%n", median(rmFirewall), rmFirewall.stream().min(Double::compare).orElseThrow());
            int all = rules();
            long start = System.nanoTime();
            e.run("unpublish 'c1'", "bench");
            System.out.printf("unpublish of all %d rules: %.1f ms%n", all, (System.nanoTime() - start) / 1e6);
            e.run("publish 'c1', '10000-" + (10000 + n - 1) + ":10000-" + (10000 + n - 1) + "'", "bench");
            start = System.nanoTime();
            try {
                e.run("teardown", "bench");
                System.out.printf("teardown of %d rules: %.1f ms%n", 3 * n, (System.nanoTime() - start) / 1e6);
            } catch (RuntimeException failed) {
                System.out.printf("teardown of %d rules failed after %.1f ms: %s%n", 3 * n, (System.nanoTime() - start) / 1e6, failed.getMessage());
            }
            for (String table : new String[] {"nat", "filter"}) {
                Sh.run("iptables", "-t", table, "-F");
                Sh.run("iptables", "-t", table, "-X");
            }
        }
    }

    private static double netgroovy(int n) {
        try (Session s = new Session(false, new PrintStream(new ByteArrayOutputStream()), "sandbox")) {
            Engine e = new Engine(s);
            e.run(setup(), "bench");
            String spec = "10000-" + (10000 + n - 1) + ":10000-" + (10000 + n - 1);
            long start = System.nanoTime();
            e.run("publish 'c1', '" + spec + "'", "bench");
            double ms = (System.nanoTime() - start) / 1e6;
            check(n);
            e.run("teardown", "bench");
            return ms;
        }
    }

    private static double iptablesPerRule(int n) {
        try (Session s = new Session(false, new PrintStream(new ByteArrayOutputStream()), "sandbox")) {
            Engine e = new Engine(s);
            e.run(setup(), "bench");
            e.run("publish 'c1', '9999:9999'\nunpublish 'c1'", "bench"); // makes Docker's chains, as docker does at start
            List<Rule> rules = new ArrayList<>();
            for (int p = 10000; p < 10000 + n; p++) {
                rules.addAll(DockerRules.publish("c1", "docker0", IpAddress.parse("172.17.0.2"), PortMapping.parse(p + ":" + p).get(0), false));
            }
            long start = System.nanoTime();
            for (Rule r : rules) {
                List<String> argv = new ArrayList<>(List.of("iptables", "-t", r.table(), "-A", r.chain()));
                argv.addAll(r.args());
                Sh.Result res = Sh.run(argv);
                if (!res.ok()) {
                    throw new IllegalStateException(String.join(" ", argv) + ": " + res.err());
                }
            }
            double ms = (System.nanoTime() - start) / 1e6;
            check(n);
            e.run("teardown", "bench");
            for (String table : new String[] {"nat", "filter"}) {
                Sh.run("iptables", "-t", table, "-F");
                Sh.run("iptables", "-t", table, "-X");
            }
            return ms;
        }
    }

    /** {@code publish 'c1', 'PORT:80'} for ports from {@code first}, each timed as a whole statement. */
    private static List<Double> onePort(Engine e, int first, int reps) {
        List<Double> ms = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            long start = System.nanoTime();
            e.run("publish 'c1', '" + (first + r) + ":80'", "bench");
            ms.add((System.nanoTime() - start) / 1e6);
        }
        return ms;
    }

    /** The rules in the tables now (iptables-save: reading moves no generation). */
    private static int rules() {
        return (int) Sh.ok("iptables-save").lines().filter(l -> l.startsWith("-A ")).count();
    }

    private static double min(List<Double> xs) {
        return xs.stream().min(Double::compare).orElseThrow();
    }

    private static String setup() {
        return """
                bridge 'docker0' cidr '172.17.0.1/16'
                netns 'c1'
                veth 'vc1', 'eth0', peerIn: 'c1'
                link 'vc1' master 'docker0' up
                netns('c1') { addr '172.17.0.2/16' dev 'eth0'; link 'eth0' up }
                """;
    }

    private static void check(int n) {
        long dnat = Sh.ok("iptables-save", "-t", "nat").lines().filter(l -> l.contains("-j DNAT")).count();
        long accept = Sh.ok("iptables-save", "-t", "filter").lines().filter(l -> l.startsWith("-A DOCKER -d 172.17.0.2/32")).count();
        if (dnat != n || accept != n) {
            throw new IllegalStateException("expected " + n + " DNAT and ACCEPT rules, found " + dnat + " and " + accept);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
