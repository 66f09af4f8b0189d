package netgroovy.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * {@code pingall}: every namespace pings every other one's address, once, and the answers
 * form a matrix (Mininet's {@code pingall}). The pings run a few at a time: each is a
 * process of its own, started from a host thread.
 */
public final class Reachability {
    private final Map<String, Map<String, Boolean>> matrix = new LinkedHashMap<>();

    /**
     * @param names   the namespaces, in the order to show them
     * @param reaches (from, to) → whether the echo came back
     */
    public static Reachability measure(List<String> names, BiFunction<String, String, Boolean> reaches) {
        Reachability r = new Reachability();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, names.size())), t -> {
            Thread th = new Thread(t, "netgroovy-pingall");
            th.setDaemon(true);
            return th;
        });
        try {
            Map<String, Map<String, Future<Boolean>>> pending = new LinkedHashMap<>();
            for (String a : names) {
                Map<String, Future<Boolean>> row = new LinkedHashMap<>();
                for (String b : names) {
                    if (!a.equals(b)) {
                        row.put(b, pool.submit(() -> reaches.apply(a, b)));
                    }
                }
                pending.put(a, row);
            }
            for (var row : pending.entrySet()) {
                Map<String, Boolean> out = new LinkedHashMap<>();
                for (var cell : row.getValue().entrySet()) {
                    try {
                        out.put(cell.getKey(), cell.getValue().get());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("pingall was interrupted");
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    }
                }
                r.matrix.put(row.getKey(), out);
            }
        } finally {
            pool.shutdownNow();
        }
        return r;
    }

    /** from → to → reached. */
    public Map<String, Map<String, Boolean>> getMatrix() {
        return matrix;
    }

    /** Whether every pair reached each other. */
    public boolean isOk() {
        return getFailures().isEmpty();
    }

    public boolean asBoolean() {
        return isOk();
    }

    /** The pairs that did not: "c1 -> c3". */
    public List<String> getFailures() {
        List<String> out = new ArrayList<>();
        matrix.forEach((a, row) -> row.forEach((b, ok) -> {
            if (!ok) {
                out.add(a + " -> " + b);
            }
        }));
        return out;
    }

    public int getSent() {
        return matrix.values().stream().mapToInt(Map::size).sum();
    }

    public int getReceived() {
        return (int) matrix.values().stream().flatMap(r -> r.values().stream()).filter(b -> b).count();
    }

    /** Mininet's layout: one line per sender, X where the ping got no answer, then the totals. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        matrix.forEach((a, row) -> {
            b.append(a).append(" ->");
            row.forEach((to, ok) -> b.append(' ').append(ok ? to : "X"));
            b.append('\n');
        });
        int sent = getSent();
        int dropped = sent - getReceived();
        b.append("pingall: ").append(sent == 0 ? 0 : Math.round(100.0 * dropped / sent)).append("% dropped (")
                .append(getReceived()).append('/').append(sent).append(" received)\n");
        return b.toString();
    }
}
