package netgroovy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several netgroovy processes on one machine share one world through the state store. Here
 * "the machine" is this test's sandbox: the processes run with --host, which inside the
 * sandbox means the sandbox's own namespace, never the real host's.
 */
@ExtendWith(Sandboxed.class)
class StateAcrossProcessesTest {

    private static ProcessBuilder netgroovy(String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv);
    }

    private static String run(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        p.getOutputStream().close();
        var out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        var err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "netgroovy did not finish");
        assertEquals(0, p.exitValue(), out.join() + err.join());
        return out.join();
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static List<String> v4(List<String> addresses) {
        return addresses.stream().filter(a -> !a.contains(":")).toList();
    }

    private static String containers(String prefix, int n) {
        return "(1.." + n + ").each { container \"" + prefix + "$it\" }";
    }

    @Test
    void twoProcessesStartedTogetherHandOutDistinctAddressesAndMacs() throws Exception {
        Process a = netgroovy("--host", "-e", containers("a", 30)).start();
        Process b = netgroovy("--host", "-e", containers("b", 30)).start();
        for (Process p : List.of(a, b)) {
            p.getOutputStream().close();
            var err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "netgroovy did not finish");
            assertEquals(0, p.exitValue(), err.join());
        }
        Set<String> addresses = new HashSet<>();
        Set<String> macs = new HashSet<>();
        for (String ns : Ip.netnsList()) {
            addresses.addAll(v4(Ip.addresses(ns, "eth0")));
            macs.add((String) Ip.link(ns, "eth0").orElseThrow().get("address"));
        }
        assertEquals(60, Ip.netnsList().size());
        assertEquals(60, addresses.size(), "60 containers, 60 distinct addresses: " + addresses);
        assertEquals(60, macs.size(), "and 60 distinct MACs");
        String ps = run(netgroovy("--host", "-e", "println ps"));
        assertEquals(61, ps.strip().lines().count(), "a third process sees all 60:\n" + ps);
    }

    @Test
    void aProcessAfterTheStoreWasDeletedRebuildsTheWorldFromTheKernel() throws Exception {
        run(netgroovy("--host", "-e", "network 'n1'\ncontainer 'a1', net: 'n1', publish: '8080:80'\ncontainer 'a2'"));
        java.nio.file.Files.delete(Path.of("/run/netgroovy/state.json"));
        String ps = run(netgroovy("--host", "-e", "println ps\ncontainer 'a3', net: 'n1'\nprintln port('a1')"));
        assertTrue(ps.startsWith("netgroovy: state store missing: rebuilt from the kernel (2 containers, 2 networks)\n"), ps);
        assertTrue(ps.contains("a1") && ps.contains("a2") && ps.contains("[80/tcp -> 0.0.0.0:8080]"), ps);
        assertEquals(List.of("172.18.0.3/16"), v4(Ip.addresses("a3", "eth0")), "a1 keeps 172.18.0.2; a3 gets the next");
        String doctor = run(netgroovy("--host", "doctor"));
        assertTrue(doctor.startsWith("doctor: the world, the kernel and the firewall agree"), doctor);
        run(netgroovy("--host", "-e", "teardown"));
        assertEquals(List.of(), Ip.netnsList());
        assertEquals(List.of("lo"), Ip.linkNames(null), "teardown leaves no link");
    }

    @Test
    void afterKill9DoctorAndARerunConvergeWithNoLeftoversAndNoDuplicates() throws Exception {
        // A loop of the script's own statements, each container applied at its end (a closure
        // passed to each would be one statement, one plan: all 200 or none).
        String script = "for (i in 1..200) { container \"c$i\"; if (i == 5) { println 'going'; System.out.flush() } }";
        Process p = netgroovy("--host", "-e", script).start();
        p.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("going", CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(120, TimeUnit.SECONDS));
        Thread.sleep(300); // in the middle of some container's statement, most likely
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
        int made = Ip.netnsList().size();
        assertTrue(made >= 5 && made < 200, "killed half-way: " + made);

        String report = run(netgroovy("--host", "doctor", "--fix"));
        assertTrue(report.startsWith("doctor: "), report);
        String again = run(netgroovy("--host", "doctor"));
        assertTrue(again.startsWith("doctor: the world, the kernel and the firewall agree"), report + "\nthen:\n" + again);

        run(netgroovy("--host", "-e", script));
        List<String> namespaces = Ip.netnsList();
        assertEquals(200, namespaces.size(), "every container once");
        Set<String> addresses = new HashSet<>();
        for (String ns : namespaces) {
            List<String> a = v4(Ip.addresses(ns, "eth0"));
            assertEquals(1, a.size(), ns + " has exactly one address: " + a);
            addresses.addAll(a);
        }
        assertEquals(200, addresses.size(), "no address twice");
        List<Map<String, Object>> ports = Ip.json(null, "link", "show", "master", "docker0");
        assertEquals(200, ports.size(), "one host veth per container on docker0, no leftover");
        assertTrue(run(netgroovy("--host", "doctor")).startsWith("doctor: the world, the kernel and the firewall agree"));
    }
}
