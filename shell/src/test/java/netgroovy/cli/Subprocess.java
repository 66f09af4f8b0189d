package netgroovy.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A child process run to its end, as a user would see it: its exit code and what it printed. */
record Subprocess(int code, String out, String err) {

    /**
     * Starts {@code pb} with no input and waits up to {@code timeout}; a process still running then
     * is killed with everything it started, and the test fails with what it had printed.
     */
    static Subprocess run(ProcessBuilder pb, Duration timeout) throws IOException, InterruptedException {
        Process p = pb.start();
        p.getOutputStream().close();
        // Both streams at once: a child that fills one pipe while we wait on the other would hang.
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            fail(pb.command() + " did not finish within " + timeout.toSeconds() + " s\n"
                    + new Subprocess(-1, rest(out), rest(err)).transcript());
        }
        return new Subprocess(p.exitValue(), rest(out), rest(err));
    }

    /** Stdout and stderr, labelled, for an assertion message. */
    String transcript() {
        return "--- exit code " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }

    /** What a stream gave; a grandchild that outlives the process may hold the pipe open, so do not wait forever. */
    private static String rest(CompletableFuture<String> stream) {
        return stream.completeOnTimeout("(the stream stayed open after the process ended)", 10, TimeUnit.SECONDS).join();
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
