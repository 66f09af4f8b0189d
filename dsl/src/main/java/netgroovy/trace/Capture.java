package netgroovy.trace;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import netgroovy.kernel.Exec;
import netgroovy.kernel.ExecResult;
import netgroovy.kernel.Launch;
import netgroovy.kernel.NetNs;

/**
 * {@code capture}: packets on one or more links, each watched by a {@code tcpdump} started in
 * the link's own namespace, written to a pcap file, then decoded one line each and merged into
 * one time-ordered stream ("+0.000412 c1/eth0  IP 172.17.0.2 > 172.17.0.3: ICMP echo request ...").
 * Equivalent to: {@code ip netns exec NS tcpdump -i LINK -n -U -w FILE} per link.
 */
public final class Capture {
    /** One link to watch: its label ("c1/eth0"), namespace (null: here) and name. */
    public record On(String label, NetNs ns, String link) {
    }

    private final List<String> lines = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private String file;

    public List<String> getLines() {
        return lines;
    }

    public int getPackets() {
        return lines.size();
    }

    /** The pcap written (the first link's, when several), or null when none was asked for. */
    public String getFile() {
        return file;
    }

    @Override
    public String toString() {
        return lines.isEmpty() ? "(no packets)\n" : String.join("\n", lines) + "\n";
    }

    /** A running capture: {@link #stop()} ends it and decodes what was seen. */
    public static final class Running {
        private final List<On> on;
        private final List<Process> dumps = new ArrayList<>();
        private final List<Path> pcaps = new ArrayList<>();
        private final String saveAs;

        Running(List<On> on, String saveAs) {
            this.on = on;
            this.saveAs = saveAs;
        }

        public Capture stop() {
            drained();
            dumps.forEach(Process::destroy); // SIGTERM: tcpdump finishes its file
            for (Process p : dumps) {
                try {
                    p.waitFor(3, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.destroyForcibly();
            }
            Capture c = new Capture();
            List<String[]> stamped = new ArrayList<>();
            for (int i = 0; i < pcaps.size(); i++) {
                ExecResult r = Exec.run(Launch.of(null, List.of("tcpdump", "-n", "-tt", "-r", pcaps.get(i).toString())), null,
                        Duration.ofSeconds(30));
                for (String line : r.stdout().split("\n")) {
                    int sp = line.indexOf(' ');
                    if (sp > 0) {
                        stamped.add(new String[] {line.substring(0, sp), on.get(i).label(), line.substring(sp + 1)});
                    }
                }
            }
            stamped.sort((a, b) -> Double.compare(Double.parseDouble(a[0]), Double.parseDouble(b[0])));
            double t0 = stamped.isEmpty() ? 0 : Double.parseDouble(stamped.get(0)[0]);
            int width = on.stream().mapToInt(o -> o.label().length()).max().orElse(0);
            for (String[] s : stamped) {
                c.lines.add(String.format("+%.6f %-" + width + "s  %s", Double.parseDouble(s[0]) - t0, s[1], s[2]));
            }
            try {
                if (saveAs != null && !pcaps.isEmpty()) {
                    Files.copy(pcaps.get(0), Path.of(saveAs), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    c.file = saveAs;
                    for (int i = 1; i < pcaps.size(); i++) {
                        String extra = saveAs.replaceFirst("(\\.pcap)?$", "-" + on.get(i).link() + ".pcap");
                        Files.copy(pcaps.get(i), Path.of(extra), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                for (Path p : pcaps) {
                    Files.deleteIfExists(p);
                }
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot write " + saveAs + ": " + e.getMessage());
            }
            c.files.addAll(pcaps);
            return c;
        }

        /**
         * Waits until the files stop growing (100 ms without a new packet, 2 s at most): a
         * tcpdump stopped at once loses what the kernel has captured for it but it has not read
         * yet, and on a busy machine the last packets of the block (a reply on the second link)
         * can still be waiting for it.
         */
        private void drained() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            long[] last = sizes();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline && System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(100)) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long[] now = sizes();
                if (!java.util.Arrays.equals(now, last)) {
                    last = now;
                    quietSince = System.nanoTime();
                }
            }
        }

        private long[] sizes() {
            long[] out = new long[pcaps.size()];
            for (int i = 0; i < out.length; i++) {
                try {
                    out[i] = Files.size(pcaps.get(i));
                } catch (java.io.IOException e) {
                    out[i] = -1;
                }
            }
            return out;
        }
    }

    /**
     * Starts one tcpdump per link and returns once each is listening. {@code count} &gt; 0: each
     * stops by itself after that many packets.
     */
    public static Running start(List<On> on, int count, String saveAs) {
        Running run = new Running(on, saveAs);
        try {
            for (On o : on) {
                Path pcap = Files.createTempFile("netgroovy-capture-", ".pcap");
                List<String> argv = new ArrayList<>(List.of("tcpdump", "-i", o.link(), "-n", "-U", "--immediate-mode", "-w", pcap.toString()));
                if (count > 0) {
                    argv.addAll(List.of("-c", String.valueOf(count)));
                }
                Process p;
                try {
                    p = Exec.start(Launch.of(o.ns(), argv));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("capture needs tcpdump (Debian: apt-get install tcpdump): " + e.getMessage());
                }
                run.dumps.add(p);
                run.pcaps.add(pcap);
                awaitListening(p, o);
            }
        } catch (java.io.IOException e) {
            run.stop();
            throw new IllegalArgumentException("cannot make a capture file: " + e.getMessage());
        } catch (RuntimeException e) {
            run.stop();
            throw e;
        }
        return run;
    }

    /** tcpdump says "listening on LINK" on stderr once it is; an error there is the capture's error. */
    private static void awaitListening(Process p, On o) {
        CountDownLatch ready = new CountDownLatch(1);
        StringBuilder err = new StringBuilder();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (err) {
                        err.append(line).append('\n');
                    }
                    if (line.contains("listening on")) {
                        ready.countDown();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the capture ended
            }
            ready.countDown();
        }, "netgroovy-capture");
        t.setDaemon(true);
        t.start();
        try {
            ready.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!p.isAlive() && p.exitValue() != 0) {
            String why;
            synchronized (err) {
                why = err.toString().strip().lines().reduce((a, b) -> b).orElse("tcpdump ended");
            }
            throw new IllegalArgumentException("cannot capture on " + o.label() + ": " + why);
        }
    }

    /** Waits for a running capture's tcpdumps to end by themselves (count reached), at most {@code timeout}. */
    public static Capture await(Running run, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Process p : run.dumps) {
            try {
                p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return run.stop();
    }
}
