package netgroovy.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark (not a test): N container endpoints on one bridge, built and torn down by
 * netgroovy's kernel layer and by {@code ip -batch}; prints milliseconds per endpoint and the
 * ratio netgroovy/ip. The project's goal is a ratio of at most 0.6.
 *
 * <p>Usage (inside the sandbox; bench/endpoints does all of it):
 * {@code java -cp ... netgroovy.bench.EndpointBench [--reps R] [N ...]} (default: 100 1000).
 *
 * <p>Each round: prepare (untimed) - setup (timed) - check with iproute2 that N endpoints exist
 * (untimed) - teardown (timed until the commands return, and until the kernel has actually
 * removed every interface, since namespace destruction finishes asynchronously). Each figure
 * is the median over R rounds; the tools take turns going first.
 */
public final class EndpointBench {
    static final double GOAL = 0.6;
    private static final int WARM_UP_N = 50;
    private static final int WARM_UP_ROUNDS = 2;
    private static final long SETTLE_TIMEOUT_MS = 300_000;

    /** One round's timings, in nanoseconds. */
    record Timing(long setup, long teardown, long teardownUntilGone) {
    }

    public static void main(String[] args) throws Exception {
        if (!netgroovy.kernel.Sandbox.inside()) {
            System.err.println("EndpointBench creates thousands of interfaces and namespaces: it runs only inside "
                    + "the sandbox (bench/endpoints, or sandbox/run-in-sandbox java ...). Refusing.");
            System.exit(2);
        }
        int reps = 3;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--reps")) {
                reps = Integer.parseInt(args[++i]);
            } else {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100, 1000);
        }
        new EndpointBench().run(sizes, reps);
    }

    private final List<Variant> variants = List.of(new NetgroovyVariant(), new IpBatchVariant());

    private void run(List<Integer> sizes, int reps) throws Exception {
        EndpointCheck.requireSysfs();
        requireEmpty();
        System.out.printf("warm-up: %d rounds of N=%d per tool%n", WARM_UP_ROUNDS, WARM_UP_N);
        for (int r = 0; r < WARM_UP_ROUNDS; r++) {
            for (Variant v : variants) {
                round(v, new Plan(WARM_UP_N));
            }
        }
        List<String> rows = new ArrayList<>();
        for (int n : sizes) {
            Timing[][] timings = new Timing[variants.size()][reps];
            for (int r = 0; r < reps; r++) {
                // Take turns going first, so neither tool always inherits the other's aftermath.
                for (int i = 0; i < variants.size(); i++) {
                    int which = (i + r) % variants.size();
                    timings[which][r] = round(variants.get(which), new Plan(n));
                    System.out.printf("  N=%d round %d %-10s %s%n", n, r + 1, variants.get(which).name(),
                            perEndpoint(timings[which][r], n));
                }
            }
            System.out.printf("netgroovy setup, time per step (last round, N=%d):%n%s", n, variants.get(0).stepProfile());
            rows.addAll(tableRows(n, median(timings[0]), median(timings[1])));
        }
        printTable(rows);
    }

    /** Builds, checks and tears down one plan; returns the timings. */
    private static Timing round(Variant v, Plan plan) throws Exception {
        v.prepare(plan);
        long t0 = System.nanoTime();
        v.setup(plan);
        long t1 = System.nanoTime();
        EndpointCheck.verifySetup(plan);
        long t2 = System.nanoTime();
        v.teardown(plan);
        long t3 = System.nanoTime();
        long gone = EndpointCheck.awaitEmpty(SETTLE_TIMEOUT_MS);
        return new Timing(t1 - t0, t3 - t2, gone - t2);
    }

    private static void requireEmpty() {
        List<String> left = EndpointCheck.leftovers();
        if (!left.isEmpty()) {
            throw new IllegalStateException("the sandbox is not empty: " + left);
        }
    }

    /** Median of each figure separately over the rounds. */
    private static Timing median(Timing[] ts) {
        return new Timing(median(ts, 0), median(ts, 1), median(ts, 2));
    }

    private static long median(Timing[] ts, int field) {
        long[] v = Arrays.stream(ts).mapToLong(t -> field == 0 ? t.setup() : field == 1 ? t.teardown() : t.teardownUntilGone())
                .sorted().toArray();
        return v[v.length / 2];
    }

    private static String perEndpoint(Timing t, int n) {
        return String.format("setup %.3f  teardown %.3f  (until gone %.3f) ms/endpoint",
                ms(t.setup(), n), ms(t.teardown(), n), ms(t.teardownUntilGone(), n));
    }

    private List<String> tableRows(int n, Timing ng, Timing ip) {
        return List.of(
                row(n, variants.get(0).name(), ms(ng.setup(), n), ms(ng.teardown(), n), ms(ng.teardownUntilGone(), n), "%11.3f"),
                row(n, variants.get(1).name(), ms(ip.setup(), n), ms(ip.teardown(), n), ms(ip.teardownUntilGone(), n), "%11.3f"),
                row(n, "ratio ng/ip", ratio(ng.setup(), ip.setup()), ratio(ng.teardown(), ip.teardown()),
                        ratio(ng.teardownUntilGone(), ip.teardownUntilGone()), "%10.2fx")
                        + "   goal <= " + GOAL + "x: " + verdict(ng, ip));
    }

    private static String verdict(Timing ng, Timing ip) {
        boolean setup = ratio(ng.setup(), ip.setup()) <= GOAL;
        boolean teardown = ratio(ng.teardown(), ip.teardown()) <= GOAL;
        return "setup " + (setup ? "met" : "MISSED") + ", teardown " + (teardown ? "met" : "MISSED");
    }

    private static String row(int n, String tool, double setup, double teardown, double gone, String fmt) {
        return String.format("%5d  %-12s" + fmt + "  " + fmt + "  " + fmt, n, tool, setup, teardown, gone);
    }

    private static void printTable(List<String> rows) {
        System.out.println();
        System.out.println("ms per endpoint (median of rounds)");
        System.out.printf("%5s  %-12s%11s  %11s  %11s%n", "N", "tool", "setup", "teardown", "td+kernel");
        rows.forEach(System.out::println);
        System.out.println("teardown = until the delete commands return; td+kernel = until the kernel has removed "
                + "every interface (namespace destruction is asynchronous).");
    }

    private static double ms(long nanos, int n) {
        return nanos / 1e6 / n;
    }

    private static double ratio(long a, long b) {
        return (double) a / b;
    }
}
