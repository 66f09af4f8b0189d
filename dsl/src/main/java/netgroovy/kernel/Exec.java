package netgroovy.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts a process inside a network namespace: the process is spawned by a thread that has
 * entered the namespace, and a child inherits its parent thread's namespace. Equivalent to:
 * {@code ip netns exec NS COMMAND...}.
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
        return run(ns, argv, null, timeout);
    }

    /** As {@link #run(NetNs, List, Duration)}, with {@code input} written to the command's standard input. */
    public static ExecResult run(NetNs ns, List<String> argv, String input, Duration timeout) {
        return run(ns, argv, java.util.Map.of(), input, timeout);
    }

    /** As above, with extra environment variables for the command. */
    public static ExecResult run(NetNs ns, List<String> argv, java.util.Map<String, String> env, String input, Duration timeout) {
        if (argv.isEmpty()) {
            throw new KernelException("no command given");
        }
        Process p = start(ns, argv, env);
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command closed its input early; its exit code tells what happened.
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new KernelException("'" + String.join(" ", argv) + "' was interrupted");
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
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
        return start(ns, argv, java.util.Map.of());
    }

    public static Process start(NetNs ns, List<String> argv, java.util.Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        java.util.concurrent.Callable<Process> spawn = () -> {
            try {
                return pb.start();
            } catch (IOException e) {
                throw new KernelException("cannot run '" + argv.get(0) + "'" + (ns == null ? "" : " in " + ns.label())
                        + ": " + e.getMessage());
            }
        };
        return Namespaces.inside(ns, spawn);
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, r -> {
            Thread t = new Thread(r, "netgroovy-exec-output");
            t.setDaemon(true);
            t.start();
        });
    }
}
