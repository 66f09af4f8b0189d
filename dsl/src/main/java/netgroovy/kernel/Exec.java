package netgroovy.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts processes inside namespaces. The child enters its namespaces itself (see
 * {@link Launch#command()}); the JVM thread that spawns it stays on the host, so no JVM thread
 * is ever born inside a namespace that a script may delete later.
 * Equivalent to: {@code ip netns exec NS COMMAND...}.
 */
public final class Exec {
    private Exec() {
    }

    /**
     * Runs {@code argv} in {@code ns} (null: the host), waits at most {@code timeout}, and
     * returns exit code and output. A command still running at the timeout is killed.
     * Interrupting the calling thread kills the command too (Ctrl-C in the shell).
     */
    public static ExecResult run(NetNs ns, List<String> argv, Duration timeout) {
        return run(Launch.of(ns, argv), null, timeout);
    }

    /** As {@link #run(NetNs, List, Duration)}, with {@code input} written to the command's standard input. */
    public static ExecResult run(NetNs ns, List<String> argv, String input, Duration timeout) {
        return run(Launch.of(ns, argv), input, timeout);
    }

    /** Runs a launch to its end (or the timeout), feeding it {@code input} (may be null). */
    public static ExecResult run(Launch launch, String input, Duration timeout) {
        Process p = start(launch);
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        // Written by another thread: a command that reads its input slowly (iptables-restore works
        // line by line) would otherwise hold this one in write() past the timeout, for ever.
        CompletableFuture.runAsync(() -> {
            try (var stdin = p.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The command closed its input early (or was killed); its exit code tells what happened.
            }
        }, Exec::daemon);
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new KernelException("'" + String.join(" ", launch.argv()) + "' was interrupted");
        }
        if (!finished) {
            kill(p);
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new ExecResult(finished ? p.exitValue() : -1, out.join(), err.join(), !finished);
    }

    /** Starts {@code argv} in {@code ns} and returns the running process (for servers and long commands). */
    public static Process start(NetNs ns, List<String> argv) {
        return start(Launch.of(ns, argv));
    }

    public static Process start(Launch launch) {
        if (NsSwitch.switched()) {
            // This thread is inside a namespace right now, which the process would inherit: see Launch#command.
            throw new IllegalStateException("processes are not started from inside namespace work");
        }
        ProcessBuilder pb = new ProcessBuilder(launch.command());
        Map<String, String> env = pb.environment();
        if (launch.ownEnvOnly()) {
            env.clear();
        }
        env.putAll(launch.env());
        try {
            Process p = pb.start();
            if (launch.net() != null) {
                awaitEntered(p, launch.net());
            }
            return p;
        } catch (IOException e) {
            String program = pb.command().get(0);
            throw new KernelException("cannot run '" + program + "'" + (launch.net() == null ? "" : " in " + launch.net().label())
                    + ": " + e.getMessage() + (program.equals("nsenter") ? " (nsenter is in Debian's util-linux)" : ""));
        }
    }

    /**
     * Returns once the child is inside {@code ns} (nsenter has called setns), or has ended: a
     * caller that looks at the process's namespace right away (netns(pid)) must find it there.
     */
    private static void awaitEntered(Process p, NetNs ns) {
        java.nio.file.Path target = java.nio.file.Path.of("/proc/self/fd/" + ns.fd());
        java.nio.file.Path child = java.nio.file.Path.of("/proc/" + p.pid() + "/ns/net");
        try {
            // A namespace is its nsfs inode. Compared by (device, inode), not by the links'
            // text: a descriptor opened on /run/netns/NAME reads as that path, the child's
            // /proc/PID/ns/net as "net:[INODE]", and the two texts never match.
            Object wanted = key(target);
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    if (wanted.equals(key(child))) {
                        return;
                    }
                } catch (IOException exited) {
                    return;
                }
                Thread.onSpinWait();
            }
        } catch (IOException e) {
            // Our own descriptor is unreadable: nothing to compare with, so nothing to wait for.
        }
    }

    /** The (device, inode) of what a /proc link leads to. */
    private static Object key(java.nio.file.Path link) throws IOException {
        return java.nio.file.Files.readAttributes(link, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }

    /** Kills a process and everything it started. */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Exec::daemon);
    }

    /** A thread of its own, born here (never in a namespace a script may delete), that does not keep the JVM alive. */
    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "netgroovy-exec-io");
        t.setDaemon(true);
        t.start();
    }
}
