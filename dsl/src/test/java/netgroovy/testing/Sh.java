package netgroovy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the independent observers (ip, bridge, ping, iptables-save) the tests check the kernel with. */
public final class Sh {
    private Sh() {
    }

    public record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public static Result run(String... argv) {
        return run(Arrays.asList(argv));
    }

    public static Result run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).start();
            p.getOutputStream().close();
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("observer hung: " + String.join(" ", argv));
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs and insists on success; returns standard output. */
    public static String ok(String... argv) {
        Result r = run(argv);
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", argv) + " failed (" + r.exitCode() + "): " + r.err() + r.out());
        }
        return r.out();
    }

    /** The same command inside a named namespace: {@code ip netns exec NS ...}. */
    public static Result in(String ns, String... argv) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(Arrays.asList(argv));
        return run(all);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
