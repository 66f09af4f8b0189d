package netgroovy.repl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import org.jline.terminal.impl.DumbTerminal;

/**
 * The REPL's memory over many statements: N statements typed into the real {@link Repl} (a
 * dumb terminal, as when input is piped in), in dry-run, with the heap after a full GC and
 * the count of loaded classes sampled every {@code step} statements. The statements are the
 * kinds people type — words, expressions with closures, variables — cycling over a few shapes
 * with changing numbers, and none of them grows the world (so whatever grows is the REPL's).
 *
 * <p>Used by {@code bench/repl-memory} (its {@link #main}) and by {@link ReplMemoryTest}.
 */
public final class ReplMemory {
    /** One sample: after {@code statements} statements, heap used after GC and classes loaded. */
    public record Sample(int statements, long heapBytes, int loadedClasses, long rssKb) {
        @Override
        public String toString() {
            return String.format("%7d statements  heap %7.1f MB  classes %6d  rss %7.1f MB",
                    statements, heapBytes / 1e6, loadedClasses, rssKb / 1e3);
        }
    }

    /** The statements, by number: a DSL word (explained, so nothing is made), closures, variables, strings. */
    static String statement(int i) {
        return switch (i % 5) {
            case 0 -> "explain { bridge 'm0' cidr '10.9." + (i % 250) + ".1/24' mtu 1400 }";
            case 1 -> "n = " + i + " * 2";
            case 2 -> "[1, 2, " + i + "].collect { it + n }.sum()";
            case 3 -> "s = \"b${n}\"; s.size() + " + i;
            default -> "def twice = { x -> x * 2 }; twice(" + i + ")";
        };
    }

    private ReplMemory() {
    }

    /** Runs {@code n} statements through a fresh REPL, sampling every {@code step}; the first sample is after {@code step}. */
    public static List<Sample> run(int n, int step, PrintStream log) throws IOException {
        List<Sample> samples = new ArrayList<>();
        OutputStream screen = OutputStream.nullOutputStream();
        try (Session session = new Session(true, new PrintStream(screen, true, StandardCharsets.UTF_8), "dry-run")) {
            Engine engine = new Engine(session);
            InputStream typing = new Typing(n, step, samples, log);
            DumbTerminal terminal = new DumbTerminal("bench", "dumb", typing, screen, StandardCharsets.UTF_8);
            int code = new Repl(engine, terminal).run();
            if (code != 0) {
                throw new IllegalStateException("the REPL ended with " + code);
            }
        }
        return samples;
    }

    /** Heap used after a full collection (two, so what the first freed is gone), loaded classes, RSS. */
    static Sample sample(int statements) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        return new Sample(statements, heap, classes, rssKb());
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no RSS
        }
        return 0;
    }

    /**
     * The keyboard: hands out statement after statement as the REPL reads them, then
     * {@code :quit}. The REPL asks for the next line only when the last statement has ended,
     * so that is when a sample is taken.
     */
    private static final class Typing extends InputStream {
        private final int n;
        private final int step;
        private final List<Sample> samples;
        private final PrintStream log;
        private byte[] line = new byte[0];
        private int pos;
        private int next;

        Typing(int n, int step, List<Sample> samples, PrintStream log) {
            this.n = n;
            this.step = step;
            this.samples = samples;
            this.log = log;
        }

        @Override
        public int read() {
            if (pos == line.length) {
                if (next > n) {
                    return -1;
                }
                if (next > 0 && next % step == 0) {
                    Sample s = sample(next);
                    samples.add(s);
                    if (log != null) {
                        log.println(s);
                    }
                }
                line = ((next == n ? ":quit" : statement(next)) + "\n").getBytes(StandardCharsets.UTF_8);
                pos = 0;
                next++;
            }
            return line[pos++] & 0xff;
        }

        @Override
        public int available() {
            return line.length - pos; // never block the terminal's reader for more than what is typed
        }
    }

    /** {@code ReplMemory [N [STEP]]}: prints a sample every STEP statements and the growth per statement. */
    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int step = args.length > 1 ? Integer.parseInt(args[1]) : Math.max(1, n / 10);
        System.out.println("REPL memory: " + n + " statements, dry-run; heap after full GC, loaded classes, RSS");
        Sample before = sample(0);
        System.out.println(before + "   (before the REPL)");
        List<Sample> samples = run(n, step, System.out);
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        int between = last.statements() - first.statements();
        if (between > 0) {
            System.out.printf("from %d to %d statements: heap %+.1f MB (%+.0f bytes a statement), classes %+d, rss %+.1f MB%n",
                    first.statements(), last.statements(), (last.heapBytes() - first.heapBytes()) / 1e6,
                    (last.heapBytes() - first.heapBytes()) / (double) between, last.loadedClasses() - first.loadedClasses(),
                    (last.rssKb() - first.rssKb()) / 1e3);
        }
    }
}
