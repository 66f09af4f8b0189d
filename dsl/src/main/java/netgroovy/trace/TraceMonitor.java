package netgroovy.trace;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.kernel.Exec;
import netgroovy.kernel.ExecResult;
import netgroovy.kernel.Launch;
import netgroovy.kernel.NetNs;

/**
 * Switches packet tracing on in some namespaces for one flow, and reads what the kernel reports.
 * In each namespace: a table of our own ({@code table inet netgroovy_trace}) whose chains, at
 * priority -350 (before iptables' raw table), mark the flow's packets with
 * {@code meta nftrace set 1}; and an {@code xtables-monitor --trace} that prints every rule
 * those packets meet, in iptables' words, comments included. Closing removes the tables and
 * stops the monitors: nothing is left behind.
 * Equivalent to: {@code nft add table inet netgroovy_trace; ...; xtables-monitor --trace}.
 */
final class TraceMonitor implements AutoCloseable {
    private final Map<String, NetNs> watched = new LinkedHashMap<>();
    private final Map<String, Process> monitors = new LinkedHashMap<>();
    private final Map<String, StringBuilder> outputs = new LinkedHashMap<>();
    private final List<Thread> readers = new ArrayList<>();
    private String unavailable;

    /**
     * @param where  namespace label → namespace (null: the host)
     * @param match  the nft match that selects the flow's packets, e.g. {@code meta l4proto tcp th sport 41234}
     */
    static TraceMonitor start(Map<String, NetNs> where, String match) {
        TraceMonitor m = new TraceMonitor();
        String table = "table inet " + TraceEvents.OWN_TABLE + " {\n"
                + "  chain pre { type filter hook prerouting priority -350; " + match + " meta nftrace set 1; }\n"
                + "  chain out { type filter hook output priority -350; " + match + " meta nftrace set 1; }\n}\n";
        for (var e : where.entrySet()) {
            ExecResult r;
            try {
                r = Exec.run(Launch.of(e.getValue(), List.of("nft", "-f", "-")), table, Duration.ofSeconds(10));
            } catch (RuntimeException ex) {
                m.unavailable = "nft is not installed (Debian: apt-get install nftables)";
                break;
            }
            if (!r.ok()) {
                m.unavailable = "nft refused the trace table in " + e.getKey() + ": " + r.stderr().strip();
                continue;
            }
            m.watched.put(e.getKey(), e.getValue());
            try {
                Process p = Exec.start(Launch.of(e.getValue(), List.of("stdbuf", "-oL", "xtables-monitor", "--trace")));
                m.monitors.put(e.getKey(), p);
                StringBuilder out = new StringBuilder();
                m.outputs.put(e.getKey(), out);
                m.readers.add(reader(p, out));
            } catch (RuntimeException ex) {
                m.unavailable = "xtables-monitor is not installed (Debian: apt-get install iptables)";
                break;
            }
        }
        m.monitors.values().forEach(TraceMonitor::awaitListening);
        return m;
    }

    /** Why some firewall steps may be missing from the trace, or null. */
    String unavailable() {
        return unavailable;
    }

    boolean watches(String label) {
        return monitors.containsKey(label);
    }

    /** Stops the monitors (after the kernel had a moment to report) and returns what each saw. */
    Map<String, TraceEvents> collect() {
        try {
            Thread.sleep(150); // events are delivered asynchronously, right after the packet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitors.values().forEach(Process::destroy);
        for (Thread t : readers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, TraceEvents> out = new LinkedHashMap<>();
        outputs.forEach((label, text) -> {
            synchronized (text) {
                out.put(label, TraceEvents.parse(text.toString()));
            }
        });
        return out;
    }

    @Override
    public void close() {
        monitors.values().forEach(p -> {
            p.destroyForcibly();
        });
        for (NetNs ns : watched.values()) {
            try {
                Exec.run(Launch.of(ns, List.of("nft", "delete", "table", "inet", TraceEvents.OWN_TABLE)), null, Duration.ofSeconds(10));
            } catch (RuntimeException ignored) {
                // the namespace went away meanwhile, and its table with it
            }
        }
    }

    private static Thread reader(Process p, StringBuilder out) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                }
            } catch (java.io.IOException ignored) {
                // the monitor was stopped
            }
        }, "netgroovy-trace-monitor");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until the monitor has its netlink socket (it subscribes right after), at most a second. */
    private static void awaitListening(Process p) {
        Path fds = Path.of("/proc/" + p.pid() + "/fd");
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (p.isAlive() && System.nanoTime() < deadline) {
            try (var list = Files.list(fds)) {
                boolean socket = list.anyMatch(f -> {
                    try {
                        return Files.readSymbolicLink(f).toString().startsWith("socket:");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                if (socket) {
                    Thread.sleep(30);
                    return;
                }
                Thread.sleep(5);
            } catch (java.io.IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
