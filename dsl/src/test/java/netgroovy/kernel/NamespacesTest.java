package netgroovy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Sandboxed.class)
class NamespacesTest {

    @Test
    void namedNamespacesAreSeenByIproute2() {
        Namespaces.create("c1");
        assertEquals(List.of("c1"), Ip.netnsList());
        assertTrue(Namespaces.exists("c1"));
        // iproute2 can enter ours: inside there is only a loopback, and it is down
        assertEquals(List.of("lo"), Ip.linkNames("c1"));
        Namespaces.delete("c1");
        assertEquals(List.of(), Ip.netnsList());
        assertFalse(Namespaces.exists("c1"));
    }

    /**
     * /run/netns is made a shared mount point once per process, not once per namespace (that
     * walks every namespace mounted under it); when it went meanwhile, it is made again.
     */
    @Test
    void runNetnsIsMadeAgainWhenItWent() {
        Namespaces.create("c1");
        Namespaces.delete("c1");
        Sh.ok("umount", "/run/netns");
        Sh.ok("rmdir", "/run/netns");
        Namespaces.create("c2");
        assertEquals(List.of("c2"), Ip.netnsList());
        assertEquals(List.of("lo"), Ip.linkNames("c2"), "iproute2 enters it");
        Namespaces.delete("c2");
    }

    @Test
    void weSeeNamespacesIproute2Made() {
        Sh.ok("ip", "netns", "add", "made-by-ip");
        assertEquals(List.of("made-by-ip"), Namespaces.list());
        try (NetNs ns = NetNs.named("made-by-ip"); Rtnl in = Rtnl.at(ns)) {
            assertEquals(List.of("lo"), in.links().list().stream().map(Link::name).toList());
        }
    }

    @Test
    void workInsideANamespaceHappensThereOnly() {
        Namespaces.create("c1");
        try (NetNs ns = NetNs.named("c1"); Rtnl in = Rtnl.at(ns)) {
            in.links().addVeth(netgroovy.value.IfName.of("d0"), netgroovy.value.IfName.of("d1"), null);
        }
        assertTrue(Ip.link("c1", "d0").isPresent());
        assertTrue(Ip.link(null, "d0").isEmpty(), "the dummy must not appear in the host namespace");
    }

    @Test
    void processesStartedInsideInheritTheNamespace() {
        Namespaces.create("c1");
        try (NetNs ns = NetNs.named("c1")) {
            ExecResult r = Exec.run(ns, List.of("ip", "-o", "link", "show"), Duration.ofSeconds(10));
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals(1, r.stdout().lines().count(), "only lo is visible inside: " + r.stdout());
            ExecResult fail = Exec.run(ns, List.of("sh", "-c", "echo oops >&2; exit 3"), Duration.ofSeconds(10));
            assertEquals(3, fail.exitCode());
            assertEquals("oops\n", fail.stderr());
            ExecResult slow = Exec.run(ns, List.of("sleep", "30"), Duration.ofMillis(200));
            assertTrue(slow.timedOut());
        }
    }

    @Test
    void aProcessNamespaceCanBeOpenedAndNamedByPid() throws Exception {
        Namespaces.create("c1");
        Process sleeper;
        try (NetNs ns = NetNs.named("c1")) {
            sleeper = Exec.start(ns, List.of("sleep", "60"));
        }
        try {
            long pid = sleeper.pid();
            // the seeds' "ln -s /proc/$pid/ns/net /var/run/netns/$pid", as a bind mount
            Namespaces.attachPid(pid, String.valueOf(pid));
            Sh.ok("ip", "netns", "exec", String.valueOf(pid), "ip", "link", "add", "seen", "type", "bridge");
            assertTrue(Ip.link("c1", "seen").isPresent(), "the pid's namespace is c1's namespace");
            try (NetNs byPid = NetNs.ofPid(pid); Rtnl in = Rtnl.at(byPid)) {
                assertTrue(in.links().get(netgroovy.value.IfName.of("seen")).isPresent());
            }
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void aLongRunningProcessIsStartedAsSoonAsItIsInsideANamedNamespace() throws Exception {
        Namespaces.create("c1");
        Process sleeper;
        long took;
        try (NetNs ns = NetNs.named("c1")) {
            long t0 = System.nanoTime();
            sleeper = Exec.start(ns, List.of("sleep", "60"));
            took = (System.nanoTime() - t0) / 1_000_000;
        }
        try {
            // The observer: the process's namespace is c1's (same nsfs inode as ip netns sees).
            String inode = Sh.ok("stat", "-L", "-c", "%i", "/run/netns/c1").strip();
            assertEquals(inode, Sh.ok("stat", "-L", "-c", "%i", "/proc/" + sleeper.pid() + "/ns/net").strip());
            // Before, the wait compared "/run/netns/c1" with "net:[...]" and always ran out (2 s).
            assertTrue(took < 1800, "start waited " + took + " ms for a process that entered at once");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void badInputIsRefusedClearly() {
        Namespaces.create("c1");
        var dup = assertThrows(KernelException.class, () -> Namespaces.create("c1"));
        assertEquals("network namespace 'c1' already exists", dup.getMessage());
        var missing = assertThrows(KernelException.class, () -> NetNs.named("nope"));
        assertEquals("network namespace 'nope' does not exist (see: ip netns list)", missing.getMessage());
        var del = assertThrows(KernelException.class, () -> Namespaces.delete("nope"));
        assertTrue(del.getMessage().contains("'nope' does not exist"));
        var pid = assertThrows(KernelException.class, () -> NetNs.ofPid(999_999_999L));
        assertEquals("no process with pid 999999999 (nothing at /proc/999999999/ns/net)", pid.getMessage());
        assertThrows(KernelException.class, () -> Namespaces.create("a/b"));
        assertEquals(List.of("c1"), Ip.netnsList(), "failed attempts leave nothing behind");
    }

    @Test
    void sysctlsBelongToTheNamespace() {
        Namespaces.create("c1");
        try (NetNs ns = NetNs.named("c1")) {
            assertEquals("0", Sysctl.read(ns, "net.ipv4.ip_forward"));
            Sysctl.write(ns, "net.ipv4.ip_forward", "1");
            Sysctl.write(ns, "net/ipv6/conf/all/forwarding", "1");
            Sysctl.write(ns, "net.ipv6.conf.default.accept_ra", "2");
        }
        assertEquals("net.ipv4.ip_forward = 1\n", Sh.in("c1", "sysctl", "net.ipv4.ip_forward").out());
        assertEquals("1\n", Sh.in("c1", "sysctl", "-n", "net.ipv6.conf.all.forwarding").out());
        assertEquals("2\n", Sh.in("c1", "sysctl", "-n", "net.ipv6.conf.default.accept_ra").out());
        assertEquals("0", Sysctl.read(null, "net.ipv4.ip_forward"), "the host's value did not change");
        try (NetNs ns = NetNs.named("c1")) {
            var bad = assertThrows(KernelException.class, () -> Sysctl.read(ns, "net.ipv4.no_such_key"));
            assertEquals("sysctl net.ipv4.no_such_key does not exist in c1", bad.getMessage());
        }
    }

    /** The identities ("net:[4026532251]") of the network namespaces this JVM's threads are in. */
    private static java.util.Set<String> threadNamespaces() throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (var task : tasks.toList()) {
                try {
                    seen.add(java.nio.file.Files.readSymbolicLink(task.resolve("ns/net")).toString());
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return seen;
    }

    @Test
    void theCallingThreadDoesTheWorkInsideAndComesHomeEvenWhenItFails() throws Exception {
        Namespaces.create("c1");
        java.nio.file.Path self = java.nio.file.Path.of("/proc/thread-self/ns/net");
        String home = java.nio.file.Files.readSymbolicLink(self).toString();
        try (NetNs ns = NetNs.named("c1")) {
            String c1 = "net:[" + java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self/fd/" + ns.fd()), "unix:ino") + "]";
            Thread caller = Thread.currentThread();
            String[] seen = new String[2];
            Namespaces.inside(ns, () -> {
                seen[0] = Thread.currentThread() == caller ? "caller" : Thread.currentThread().getName();
                seen[1] = java.nio.file.Files.readSymbolicLink(self).toString();
                return null;
            });
            assertEquals(List.of("caller", c1), List.of(seen), "the work runs on the calling thread, inside c1");
            assertEquals(home, java.nio.file.Files.readSymbolicLink(self).toString(), "and the thread is back home");
            KernelException e = assertThrows(KernelException.class, () -> Namespaces.inside(ns, () -> {
                throw new java.io.IOException("broken inside");
            }));
            assertEquals("broken inside", e.getMessage());
            assertEquals(home, java.nio.file.Files.readSymbolicLink(self).toString(), "home again after a failure too");
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> Namespaces.inside(ns, () -> Exec.start(ns, List.of("true"))));
            assertTrue(refused.getMessage().contains("not started from inside namespace work"), refused.getMessage());
            Thread.currentThread().interrupt();
            assertEquals(Boolean.TRUE, Namespaces.inside(ns, () -> !Thread.currentThread().isInterrupted()),
                    "a pending interrupt waits until the work is done");
            assertTrue(Thread.interrupted(), "and is there again after");
        }
    }

    @Test
    void noThreadIsLeftInsideANamespaceAfterRunningAProcessThere() throws Exception {
        Namespaces.create("c1");
        String c1;
        try (NetNs ns = NetNs.named("c1")) {
            // As a thread's ns/net link reads: "net:[INODE]" (the descriptor's own link reads "/run/netns/c1").
            c1 = "net:[" + java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self/fd/" + ns.fd()), "unix:ino") + "]";
            // Several at once, so the JDK has to start new process-reaper threads for them.
            List<Process> started = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                started.add(Exec.start(ns, List.of("sleep", "0.2")));
            }
            for (Process p : started) {
                p.waitFor();
            }
            assertEquals(0, Exec.run(ns, List.of("true"), Duration.ofSeconds(10)).exitCode());
        }
        assertFalse(threadNamespaces().contains(c1), "a JVM thread stayed in c1 and would keep it alive");
    }

    @Test
    void aDeletedNamespaceReallyGoesWithItsVeths() {
        Namespaces.create("c1");
        try (Rtnl host = Rtnl.host(); NetNs ns = NetNs.named("c1")) {
            host.links().addVeth(netgroovy.value.IfName.of("A"), netgroovy.value.IfName.of("B"), ns);
            assertEquals(0, Exec.run(ns, List.of("ip", "link"), Duration.ofSeconds(10)).exitCode());
        }
        Namespaces.delete("c1");
        long deadline = System.currentTimeMillis() + 5000;
        while (Ip.link(null, "A").isPresent() && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(Ip.link(null, "A").isEmpty(), "A's peer lived in c1: both go when c1 is freed");
    }

    @Test
    void aUtsNamespaceKeepsItsHostnameInside() {
        String mine = Sh.ok("hostname").strip();
        String path = Namespaces.createUts("web", "webhost");
        assertEquals("webhost", Sh.ok("nsenter", "--uts=" + path, "hostname").strip());
        Sh.ok("nsenter", "--uts=" + path, "hostname", "renamed");
        assertEquals("renamed", Sh.ok("nsenter", "--uts=" + path, "hostname").strip());
        assertEquals(mine, Sh.ok("hostname").strip(), "the hostname outside did not change");
        assertEquals(path, Namespaces.utsOf("web"));
        Namespaces.deleteUts("web");
        assertEquals(null, Namespaces.utsOf("web"));
        assertThrows(KernelException.class, () -> Namespaces.createUts("x", "a".repeat(65)));
        assertEquals(null, Namespaces.utsOf("x"), "a refused hostname leaves nothing");
    }
}
