package netgroovy.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs one test in a JVM of its own, in a sandbox of its own (see {@link Sandboxed}):
 * {@code sandbox/run-in-sandbox java ... ForkedTestMain UNIQUE-ID}, on the asking JVM's class
 * path, JVM options, system properties, environment and working folder; waits for it (killing
 * it after a generous limit) and returns what it reported.
 */
final class MethodFork {
    /** How long one test (or one test factory, all of it) may take before its JVM is killed: -Dnetgroovy.test.timeout=SECONDS. */
    static final long TIMEOUT_SECONDS = Long.getLong("netgroovy.test.timeout", 900);
    /** The lines of a failed test's output that go into its failure (the whole output is printed anyway). */
    private static final int OUTPUT_TAIL = 60;

    /**
     * Every JVM keeps a file named for its pid in /tmp/hsperfdata_USER, and /tmp is the
     * machine's: in PID namespaces, where pids are small and alike, JVMs of tests running side
     * by side (a CLI a test starts, say) met each other's locked file and warned about it on
     * stderr, into what the test compared. So that folder is the child's own (its mount
     * namespace is private, and a sandbox nested in it inherits the mount).
     */
    private static final List<String> PRIVATE_PERF_DATA = List.of("/bin/sh", "-c",
            "d=/tmp/hsperfdata_$(id -un); mkdir -p \"$d\" && mount -t tmpfs -o mode=0755 netgroovy-perf \"$d\"; exec \"$@\"",
            "sh");

    /** What the child reported, and everything it printed. */
    record Run(ForkOutcome outcome, String output) {
    }

    private MethodFork() {
    }

    static Run run(String uniqueId, String name) {
        Path dir = Path.of("target", "test-forks").toAbsolutePath();
        Path outcomeFile = null;
        Path outputFile = null;
        Path propsFile = null;
        try {
            Files.createDirectories(dir);
            // Named by the file system, not by pid: Surefire's JVMs run side by side, each in a
            // PID namespace of its own, where their pids are small and alike.
            propsFile = Files.createTempFile(dir, "test-", ".properties");
            String stem = propsFile.getFileName().toString().replaceFirst("\\.properties$", "");
            outcomeFile = dir.resolve(stem + ".outcome");
            outputFile = dir.resolve(stem + ".out");
            writeProperties(propsFile);
            List<String> command = new ArrayList<>();
            command.add(home().resolve("sandbox/run-in-sandbox").toString());
            command.addAll(PRIVATE_PERF_DATA);
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions());
            command.addAll(ChildClassData.options(ChildClassPath.get()));
            command.add("-Dnetgroovy.test.forked=true");
            command.add("-cp");
            command.add(ChildClassPath.get());
            command.add(ForkedTestMain.class.getName());
            command.add(uniqueId);
            command.add(outcomeFile.toString());
            command.add(propsFile.toString());
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(outputFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            boolean done;
            try {
                done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                kill(p);
                Thread.currentThread().interrupt();
                throw new AssertionError(name + ": interrupted while its JVM ran", e);
            }
            if (!done) {
                kill(p);
            }
            String output = Files.exists(outputFile) ? Files.readString(outputFile, StandardCharsets.UTF_8) : "";
            if (!done) {
                throw withOutput(new AssertionError(name + " did not finish within " + TIMEOUT_SECONDS
                        + " s (-Dnetgroovy.test.timeout); its JVM was killed"), output);
            }
            if (!Files.exists(outcomeFile)) {
                throw withOutput(new AssertionError(name + ": its JVM exited (" + p.exitValue()
                        + ") without reporting an outcome"), output);
            }
            return new Run(ForkOutcome.read(outcomeFile), output);
        } catch (IOException e) {
            throw new AssertionError(name + ": cannot run it in a JVM of its own: " + e.getMessage(), e);
        } finally {
            for (Path f : new Path[] {outcomeFile, outputFile, propsFile}) {
                try {
                    if (f != null) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException ignored) {
                    // the build folder is cleaned by the next `mvn clean`
                }
            }
        }
    }

    /** Attaches the end of the child's output to a failure, where a report reader looks first. */
    static <T extends Throwable> T withOutput(T failure, String output) {
        if (!output.isBlank()) {
            List<String> lines = output.lines().toList();
            List<String> tail = lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL), lines.size());
            failure.addSuppressed(new ChildOutput((lines.size() > tail.size() ? "(last " + tail.size() + " of "
                    + lines.size() + " lines)\n" : "\n") + String.join("\n", tail)));
        }
        return failure;
    }

    /** Prints what the child printed, so that Surefire files it with the test as if it had run here. */
    static void echo(String output) {
        if (!output.isEmpty()) {
            try {
                OutputStream out = System.out;
                out.write(output.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException ignored) {
                // the report loses the output, the outcome stands
            }
        }
    }

    /** The child's JVM and its sandbox (run-in-sandbox's unshare, and with it every process in there). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path home() {
        String home = System.getenv("NETGROOVY_HOME");
        if (home == null) {
            throw new IllegalStateException("NETGROOVY_HOME is not set (the poms set it for the test JVMs)");
        }
        return Path.of(home);
    }

    /**
     * The asking JVM's own options (the pom's argLine), less what must not be repeated (a
     * debugger's port, an archive of its own), plus what suits a short-lived JVM in a PID
     * namespace: the serial collector, no hsperfdata file (its small pid may be another JVM's
     * in the shared /tmp). The JIT stays whole: some tests time thousands of rules.
     */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        for (String o : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (o.startsWith("-agentlib:jdwp") || o.startsWith("-XX:SharedArchiveFile") || o.startsWith("-XX:ArchiveClassesAtExit")
                    || o.startsWith("-Dnetgroovy.test.forked") || o.startsWith("-Xshare")) {
                continue;
            }
            options.add(o);
        }
        options.addAll(List.of("-XX:+UseSerialGC", "-XX:-UsePerfData"));
        options.addAll(List.of(System.getProperty("netgroovy.test.childOptions", "-XX:TieredStopAtLevel=1").split("\\s+")));
        return options;
    }

    /**
     * Surefire gives its JVM the pom's system properties (and its own) through the booter,
     * not on the command line: they are written for the child, which sets those it lacks.
     * The JVM's own (java.*, os.*, user.* ...) are the child's business.
     */
    private static void writeProperties(Path file) throws IOException {
        Properties mine = new Properties();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (!key.matches("(java|jdk|sun|os|user|file|line|path|native|jnr)\\..*|awt\\..*|surefire\\.real\\.class\\.path")) {
                mine.setProperty(key, System.getProperty(key));
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            mine.store(out, "system properties of the JVM that asked for this test");
        }
    }

    /** The end of a child's output, carried by its failure. */
    static final class ChildOutput extends Exception {
        private static final long serialVersionUID = 1L;

        ChildOutput(String text) {
            super("output of the test's own JVM " + text, null, false, false);
        }
    }
}
