package netgroovy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sandbox the launcher makes contains what it promises: the hostname, the processes a
 * script starts (they die with it, even after kill -9), and it refuses to call itself a
 * sandbox anywhere else. Run through the real launcher, started from this (already
 * sandboxed) test JVM: the launcher always makes a sandbox of its own.
 */
@ExtendWith(Sandboxed.class)
class SandboxTest {
    private static final Path HOME = Path.of(System.getenv("NETGROOVY_HOME"));

    record Result(int code, String out, String err) {
    }

    private static ProcessBuilder launcher(String... args) {
        List<String> argv = new ArrayList<>(List.of(HOME.resolve("netgroovy").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("NETGROOVY_CLASSPATH", System.getProperty("java.class.path")); // classes built: no build here
        return pb;
    }

    private static Result run(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        p.getOutputStream().close();
        var out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        var err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "netgroovy did not finish");
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String hostname() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    @Test
    void aScriptCannotRenameTheMachineItRunsOn() throws Exception {
        String before = hostname();
        Result r = run(launcher("-e", "sh 'hostname renamed-by-script'; println sh('hostname').out.trim()"));
        assertEquals(0, r.code(), r.err());
        assertEquals("renamed-by-script\n", r.out(), "the sandbox has a hostname of its own");
        assertEquals(before, hostname(), "and the one outside did not change");
    }

    @Test
    void processesAScriptStartedDieWithItAfterKill9() throws Exception {
        String marker = "sleep 777" + ProcessHandle.current().pid(); // seconds: a number no other process has
        Process p = launcher("-e", "container 'c', cmd: '" + marker + "'; serve 'c', 9000; "
                + "println 'ready'; System.out.flush(); sh 'sleep 60'").start();
        p.getOutputStream().close();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            assertEquals("ready", ready.get(60, TimeUnit.SECONDS), () -> read(p.getErrorStream()));
            assertTrue(running(marker), "the container's process runs");
            ProcessHandle jvm = p.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).findFirst()
                    .orElseThrow(() -> new AssertionError("no netgroovy JVM under the launcher"));
            Runtime.getRuntime().exec(new String[] {"kill", "-9", String.valueOf(jvm.pid())}).waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher ends when its JVM is killed");
            long deadline = System.currentTimeMillis() + 5000;
            while (running(marker) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(!running(marker), "nothing a script started outlives netgroovy");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** Whether a process whose command line contains {@code text} is running, by /proc. */
    private static boolean running(String text) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine().orElse("").contains(text));
    }

    @Test
    void theJvmRefusesToCallItselfASandboxOutsideOne() throws Exception {
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        List<String> argv = new ArrayList<>(java);
        argv.addAll(List.of("--sandbox", "-e", "bridge 'nope0'"));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("NETGROOVY_SANDBOX", "1");
        pb.environment().put("NETGROOVY_SANDBOX_NET", "net:[1]"); // not the namespace it runs in
        Result r = run(pb);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("not the sandbox's network namespace"), r.err());
        assertTrue(netgroovy.testing.Ip.link(null, "nope0").isEmpty(), "nothing was made");
    }

    @Test
    void theSandboxsInnerStageRefusesToRunWhereItWasNotCreated() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(HOME.resolve("sandbox/run-in-sandbox").toString(), "ip", "link", "add", "nope1",
                "type", "bridge");
        pb.environment().put("NETGROOVY_SANDBOX_STAGE", "inner");
        Result r = run(pb);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("refusing to run"), r.err());
        assertTrue(netgroovy.testing.Ip.link(null, "nope1").isEmpty(), "nothing was made");
    }

    /**
     * As root (no trial unshare first) and as a user without privileges (user namespaces, tried
     * first), the command runs in a network namespace other than its caller's, the one named in
     * NETGROOVY_SANDBOX_NET, and inherits no descriptor of a namespace (the caller's, which the
     * inner stage is handed to compare with, is closed before the command starts).
     */
    @Test
    void theCommandRunsInANamespaceOfItsOwnAsRootAndAsAUser() throws Exception {
        String mine = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        String probe = "readlink /proc/self/ns/net; echo \"env $NETGROOVY_SANDBOX_NET\"; id -u; "
                + "for f in /proc/self/fd/*; do echo \"fd $(readlink \"$f\")\"; done; true";
        String sandbox = HOME.resolve("sandbox/run-in-sandbox").toString();
        for (List<String> as : List.of(List.<String>of(),
                List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"))) {
            List<String> argv = new ArrayList<>(as);
            argv.addAll(List.of(sandbox, "sh", "-c", probe));
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().remove("NETGROOVY_SANDBOX_NET");
            Result r = run(pb);
            String who = as.isEmpty() ? "as root" : "as nobody";
            assertEquals(0, r.code(), who + ": " + r.err());
            List<String> lines = r.out().lines().toList();
            String net = lines.get(0);
            assertTrue(net.startsWith("net:[") && !net.equals(mine), who + ": " + r.out());
            assertEquals("env " + net, lines.get(1), who);
            assertEquals("0", lines.get(2), who + ": root inside");
            assertTrue(lines.stream().filter(l -> l.startsWith("fd ")).noneMatch(l -> l.contains("net:[")),
                    who + ": a namespace's descriptor leaked into the command: " + r.out());
        }
    }

    @Test
    void aDryRunOfATutorialReportsItsChecksAsNotMade() throws Exception {
        Result r = run(launcher("--dry-run", HOME.resolve("tutorials/01-bridge-and-two-containers.netgroovy").toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("# dry run: the assertion on line 37 is not checked"), r.out());
        Result ping = run(launcher("--dry-run", "-e", "netns 'c1'; println ping(from: 'c1', to: '10.0.0.1')"));
        assertEquals(0, ping.code(), ping.err());
        assertTrue(ping.out().endsWith("ip netns exec c1 ping -c 1 -i 0.2 -W 1 10.0.0.1\n"
                + "ping 10.0.0.1 from c1: not sent (dry run)\n"), ping.out());
    }
}
