package netgroovy.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resident {@code cni-server}: the installed plugin hands its calls to it when it listens in
 * the caller's namespace, and does them itself otherwise (no server, a killed one, one in
 * another namespace). Which of the two did a call is read off the server's own log, and what
 * the call made is read off the kernel with ip, as in CniPluginTest.
 */
@ExtendWith(Sandboxed.class)
class CniServerTest {
    @TempDir
    static Path dir;
    static CniRuntime runtime;
    Path data;
    Path socket;
    final List<Process> servers = new ArrayList<>();
    final List<String> serverLog = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void install() throws Exception {
        runtime = new CniRuntime(dir);
    }

    @BeforeEach
    void node() throws IOException {
        data = CniRuntime.node(dir);
        socket = Files.createTempDirectory(dir, "run").resolve("cni.sock");
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process p : servers) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** `netgroovy cni-server --socket S`, optionally behind a command prefix; returns once it listens (or exited). */
    Process server(String... prefix) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(prefix));
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                CniInstall.absoluteClasspath(System.getProperty("java.class.path")),
                "netgroovy.cni.CniCommands", "cni-server", "--socket", socket.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        servers.add(p);
        var ready = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    serverLog.add(line);
                    if (line.contains("listening on") || line.contains("cni-server: ")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the server is gone
            }
            ready.countDown();
        });
        reader.setDaemon(true);
        reader.start();
        assertTrue(ready.await(120, TimeUnit.SECONDS), "cni-server did not start: " + serverLog);
        return p;
    }

    Map<String, Object> conf() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("cniVersion", "1.0.0");
        c.put("name", "net1");
        c.put("type", "netgroovy-cni");
        c.put("bridge", "ng0");
        c.put("subnet", "10.88.0.0/24");
        c.put("dataDir", data.toString());
        return c;
    }

    CniRuntime.Answer call(String command, String id, String netns) {
        return runtime.call("netgroovy-cni", command, id, netns, "eth0", groovy.json.JsonOutput.toJson(conf()),
                Map.of("NETGROOVY_CNI_SOCKET", socket.toString()));
    }

    /** How many times the server's log says it did this call (its line is printed after the answer: waits a little for it). */
    long served(String command, String id) throws InterruptedException {
        long n = 0;
        for (int i = 0; i < 20; i++) {
            synchronized (serverLog) {
                n = serverLog.stream().filter(l -> l.contains("cni-server: " + command + " " + id + " eth0: exit")).count();
            }
            if (n > 0) {
                return n;
            }
            Thread.sleep(100);
        }
        return n;
    }

    @Test
    void callsGoToTheServerAndDoWhatThePluginDoes() throws Exception {
        server();
        assertTrue(serverLog.stream().anyMatch(l -> l.contains("listening on " + socket)), serverLog.toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                "only the owner may hand network changes to the server");
        String netns = CniPluginTest.container("c1");
        String before = NodeState.of("c1");
        var add = call("ADD", "c1id", netns);
        assertTrue(add.ok(), add.transcript());
        ResultShape.addResult(add.json(), "1.0.0");
        assertEquals(1, served("ADD", "c1id"), "the server did the ADD: " + serverLog);
        assertEquals(List.of("10.88.0.2/24"), CniPluginTest.v4("c1", "eth0"));
        assertTrue(netgroovy.testing.Ip.ping("c1", "10.88.0.1"), "the container reaches its gateway");

        // A second container: the server keeps no stale state between calls.
        String netns2 = CniPluginTest.container("c2");
        var add2 = call("ADD", "c2id", netns2);
        assertTrue(add2.ok(), add2.transcript());
        assertEquals(List.of("10.88.0.3/24"), CniPluginTest.v4("c2", "eth0"));
        assertTrue(netgroovy.testing.Ip.ping("c2", "10.88.0.2"), "c2 reaches c1 over the bridge");

        // Errors come back in the spec's shape, with the exit code.
        var bad = runtime.call("netgroovy-cni", "ADD", "c3id", "/var/run/netns/nope", "eth0",
                groovy.json.JsonOutput.toJson(conf()), Map.of("NETGROOVY_CNI_SOCKET", socket.toString()));
        assertFalse(bad.ok(), bad.transcript());
        assertEquals(1, served("ADD", "c3id"), serverLog.toString());
        assertTrue(bad.json().containsKey("code") && bad.json().containsKey("msg"), bad.transcript());

        var del2 = call("DEL", "c2id", netns2);
        assertTrue(del2.ok(), del2.transcript());
        var del = call("DEL", "c1id", netns);
        assertTrue(del.ok(), del.transcript());
        assertEquals(1, served("DEL", "c1id"), serverLog.toString());
        Sh.ok("ip", "netns", "del", "c2");
        assertEquals(before, NodeState.of("c1"), "DEL through the server leaves the node as it was");
    }

    @Test
    void withoutALiveServerInItsNamespaceThePluginDoesTheCallItself() throws Exception {
        String netns = CniPluginTest.container("c1");
        // No server at all.
        var add = call("ADD", "c1id", netns);
        assertTrue(add.ok(), add.transcript());
        assertEquals(List.of("10.88.0.2/24"), CniPluginTest.v4("c1", "eth0"));

        // A server in another network namespace: it refuses, the plugin works here.
        server("unshare", "--net");
        assertTrue(Files.exists(socket), serverLog.toString());
        var del = call("DEL", "c1id", netns);
        assertTrue(del.ok(), del.transcript());
        assertEquals(0, served("DEL", "c1id"), "a server in another namespace must not do the call: " + serverLog);
        assertTrue(netgroovy.testing.Ip.link("c1", "eth0").isEmpty(), "DEL removed eth0");

        // That server killed with SIGKILL leaves its socket behind: calls still work, and a new
        // server takes the socket over.
        servers.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertTrue(Files.exists(socket), "a killed server's socket stays");
        var add2 = call("ADD", "c1id", netns);
        assertTrue(add2.ok(), add2.transcript());
        server();
        var del2 = call("DEL", "c1id", netns);
        assertTrue(del2.ok(), del2.transcript());
        assertEquals(1, served("DEL", "c1id"), serverLog.toString());
    }

    @Test
    void aSecondServerOnTheSameSocketIsRefused() throws Exception {
        server();
        int before = serverLog.size();
        Process second = server();
        assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the second server exits");
        assertEquals(1, second.exitValue());
        assertTrue(serverLog.subList(before, serverLog.size()).stream()
                .anyMatch(l -> l.contains("a netgroovy cni-server already listens on " + socket)), serverLog.toString());
        assertTrue(servers.get(0).isAlive(), "the first server keeps serving");
    }
}
