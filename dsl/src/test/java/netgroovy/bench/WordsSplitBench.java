package netgroovy.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.model.StateStore;
import netgroovy.plan.MemoryKernel;

/**
 * Where the DSL words' time goes above the kernel layer: the same N endpoints made by the kernel
 * layer ({@link NetgroovyVariant}), by the words' script ({@link DslVariant#wordsScript}) as
 * users run it, by the same script in a session without a state store, and by the script
 * against the in-memory kernel (no system call at all: the words' and the planner's own Java).
 * Rounds alternate between them; for each it prints the median wall time per endpoint and the
 * statements' thread's user and system CPU time (from /proc/thread-self/stat, in the kernel's
 * 10 ms ticks, summed over the rounds).
 *
 * <p>{@code bench/words-split [N [ROUNDS [WAYS]]]} (default 200 9; four warm-up rounds first). WAYS, a
 * comma-separated list of the ways' first words ({@code kernel,words,no,memory}), runs only those:
 * for a profile of one.
 */
public final class WordsSplitBench {
    private static final List<String> WAYS = List.of("kernel layer", "words", "words, no store", "words, in memory");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        List<String> ways = args.length > 2 ? WAYS.stream().filter(w -> List.of(args[2].split(",")).contains(key(w))).toList() : WAYS;
        Plan plan = new Plan(n);
        EndpointCheck.requireSysfs();
        Map<String, List<Double>> wall = new LinkedHashMap<>();
        Map<String, long[]> ticks = new LinkedHashMap<>();
        for (int r = -4; r < rounds; r++) {
            for (String way : ways) {
                long[] cpu = new long[2];
                double ms = round(way, plan, cpu);
                if (r >= 0) {
                    wall.computeIfAbsent(way, w -> new ArrayList<>()).add(ms / n);
                    long[] sum = ticks.computeIfAbsent(way, w -> new long[2]);
                    sum[0] += cpu[0];
                    sum[1] += cpu[1];
                }
            }
        }
        double tick = 1e6 / 100; // µs per tick (USER_HZ is 100 on Linux)
        System.out.printf("N = %d, %d rounds each; per endpoint: wall (median), and the statements' thread's CPU%n", n, rounds);
        for (String way : ways) {
            List<Double> sorted = new ArrayList<>(wall.get(way));
            Collections.sort(sorted);
            long[] sum = ticks.get(way);
            System.out.printf("  %-18s %7.3f ms   user %4.0f µs   system %4.0f µs%n", way, sorted.get(sorted.size() / 2),
                    sum[0] * tick / (n * rounds), sum[1] * tick / (n * rounds));
        }
    }

    /** How a way is named on the command line: its first word, or the first after "words, ". */
    private static String key(String way) {
        return way.replaceFirst("^words, ", "").split(" ")[0];
    }

    /** One round of one way: the time of the making alone, and its CPU ticks in {@code cpu} (user, system). */
    private static double round(String way, Plan plan, long[] cpu) throws Exception {
        if (way.equals("kernel layer")) {
            NetgroovyVariant kernel = new NetgroovyVariant();
            long[] t0 = ticks();
            long start = System.nanoTime();
            kernel.setup(plan);
            double ms = (System.nanoTime() - start) / 1e6;
            spent(t0, cpu);
            EndpointCheck.verifySetup(plan);
            kernel.teardown(plan);
            EndpointCheck.awaitEmpty(10_000);
            return ms;
        }
        boolean memory = way.endsWith("in memory");
        StateStore store = way.equals("words") ? new StateStore(StateStore.DEFAULT_DIR) : null;
        Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox",
                store, memory ? new MemoryKernel() : null);
        try {
            Engine engine = new Engine(session);
            DslVariant.bind(engine, plan);
            Engine.Prepared script = engine.prepare(DslVariant.wordsScript(), "bench.netgroovy");
            long[] t0 = ticks();
            long start = System.nanoTime();
            script.run();
            double ms = (System.nanoTime() - start) / 1e6;
            spent(t0, cpu);
            if (!memory) {
                EndpointCheck.verifySetup(plan);
                engine.run("teardown", "bench-teardown.netgroovy");
                EndpointCheck.awaitEmpty(10_000);
            }
            return ms;
        } finally {
            session.close();
        }
    }

    private static void spent(long[] t0, long[] cpu) throws IOException {
        long[] t1 = ticks();
        cpu[0] = t1[0] - t0[0];
        cpu[1] = t1[1] - t0[1];
    }

    /** This thread's user and system time so far, in ticks (fields 14 and 15 of /proc/thread-self/stat). */
    private static long[] ticks() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }
}
