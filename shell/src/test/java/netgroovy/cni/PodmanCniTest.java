package netgroovy.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real runtime on a netgroovy network: Debian's podman with its CNI backend runs busybox
 * containers (--rootfs, no image) on a network whose conflist is `netgroovy cni-config`'s,
 * netgroovy-cni first and the reference portmap after it. Everything podman has lives in the
 * test's sandbox: its storage and run state under a temporary folder, its CNI configuration
 * folder, the CNI result cache (/var/lib/cni, a private tmpfs here) and the containers, whose
 * processes die with the sandbox's PID namespace.
 */
@ExtendWith(Sandboxed.class)
class PodmanCniTest {
    static final String NET = "ngpod";
    @TempDir
    Path dir;
    List<String> podman;
    Path conf;
    Path rootfs;
    Path varLib;

    @BeforeEach
    void podmanInTheSandbox() throws Exception {
        need("podman", "podman");
        need("crun", "podman");
        need("busybox", "busybox-static");
        Assumptions.assumeTrue(Files.isExecutable(CniRuntime.REFERENCE.resolve("portmap")),
                "no reference CNI plugins (apt-get install containernetworking-plugins)");
        // crun wants a cgroup file system at /sys/fs/cgroup; the sandbox's fresh sysfs has none.
        String fs = Sh.ok("stat", "-f", "-c", "%T", "/sys/fs/cgroup").strip();
        if (!fs.equals("cgroup2fs") && !fs.equals("tmpfs")) {
            var m = Sh.run("mount", "-t", "cgroup2", "none", "/sys/fs/cgroup");
            Assumptions.assumeTrue(m.ok(), "podman cannot run here: no cgroup file system can be mounted in the sandbox (" + m.err().strip() + ")");
        }
        // podman keeps libcni's result cache in /var/lib/cni: an overlay on /var/lib whose
        // changes live in a tmpfs, so nothing (not even the folder) reaches the machine's disk.
        Path scratch = Files.createDirectories(dir.resolve("var-lib"));
        Sh.ok("mount", "-t", "tmpfs", "netgroovy-var-lib", scratch.toString());
        Sh.ok("mkdir", "-p", scratch + "/upper", scratch + "/work");
        var overlay = Sh.run("mount", "-t", "overlay", "netgroovy-var-lib", "-o",
                "lowerdir=/var/lib,upperdir=" + scratch + "/upper,workdir=" + scratch + "/work", "/var/lib");
        Assumptions.assumeTrue(overlay.ok(), "podman test skipped: cannot keep /var/lib/cni private (overlay: " + overlay.err().strip() + ")");
        varLib = scratch;

        CniRuntime runtime = new CniRuntime(dir);
        Path netd = Files.createDirectories(dir.resolve("net.d"));
        var network = new CniConfigFiles.Network(NET, "ngpod0", "10.90.0.0/24", null, "attach", "netgroovy", true, true,
                dir.resolve("state").toString());
        Files.writeString(netd.resolve(NET + ".conflist"), CniConfigFiles.conflistJson(network));
        conf = dir.resolve("containers.conf");
        Files.writeString(conf, "[network]\nnetwork_backend = \"cni\"\n"
                + "cni_plugin_dirs = [\"" + runtime.bin + "\", \"" + CniRuntime.REFERENCE + "\"]\n"
                + "network_config_dir = \"" + netd + "\"\n"
                + "[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n");
        podman = List.of("podman", "--root", dir.resolve("root").toString(), "--runroot", dir.resolve("runroot").toString(),
                "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--network-backend", "cni",
                "--cni-config-dir", netd.toString(), "--events-backend", "file");

        // A busybox root file system: a shell, ping, wget, and a web page for httpd.
        rootfs = dir.resolve("rootfs");
        for (String d : List.of("bin", "etc", "proc", "sys", "dev", "tmp", "www")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of(Sh.ok("sh", "-c", "command -v busybox").strip()), rootfs.resolve("bin/busybox"));
        for (String tool : List.of("sh", "ping", "wget", "ip", "httpd", "sleep", "cat")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(tool), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("www/index.html"), "hello from a\n");

        // The outside world: a namespace on a documentation range, behind the sandbox host.
        Sh.ok("ip", "netns", "add", "world");
        Sh.ok("ip", "link", "add", "wl0", "type", "veth", "peer", "name", "eth0", "netns", "world");
        Sh.ok("ip", "addr", "add", "203.0.113.1/24", "dev", "wl0");
        Sh.ok("ip", "link", "set", "wl0", "up");
        Sh.ok("ip", "-n", "world", "addr", "add", "203.0.113.2/24", "dev", "eth0");
        Sh.ok("ip", "-n", "world", "link", "set", "eth0", "up");
        Sh.ok("ip", "-n", "world", "link", "set", "lo", "up");
    }

    @AfterEach
    void podmanCleansUp() {
        if (podman != null) {
            podman("rm", "-f", "-a");
        }
        if (varLib != null) {
            Sh.run("umount", "/var/lib");
            Sh.run("umount", varLib.toString());
        }
    }

    @Test
    void podmanRunsContainersOnANetgroovyNetworkWithPortmapAfterIt() {
        var net = podman("network", "ls", "--format", "{{.Name}}");
        assertTrue(net.out().contains(NET), net.transcript());

        var a = podman("run", "-d", "--name", "a", "--network", NET, "-p", "8080:80", "--cgroups", "disabled",
                "--rootfs", rootfs.toString(), "/bin/httpd", "-f", "-p", "80", "-h", "/www");
        assertEquals(0, a.code(), a.transcript());
        var ipOfA = podman("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + NET + "\").IPAddress}}", "a");
        String aIp = ipOfA.out().strip();
        assertTrue(aIp.startsWith("10.90.0."), ipOfA.transcript());
        String hostIf = Ip.json(null, "link", "show", "master", "ngpod0").get(0).get("ifname").toString();
        assertTrue(hostIf.startsWith("veth"), "netgroovy's attach put a's veth on the bridge");

        // Another container reaches a (bridge), and the outside world (MASQUERADE through the host).
        // b asks for its address and MAC (--ip, --mac-address): podman passes them in runtimeConfig.
        var b = podman("run", "--rm", "--network", NET, "--ip", "10.90.0.77", "--mac-address", "02:42:0a:5a:00:4d",
                "--cgroups", "disabled", "--rootfs", rootfs.toString(),
                "/bin/sh", "-c", "ip addr show eth0; ping -c 1 -W 2 " + aIp + " && wget -q -O - http://" + aIp + "/ && ping -c 1 -W 2 203.0.113.2");
        assertEquals(0, b.code(), b.transcript());
        assertTrue(b.out().contains("hello from a"), b.transcript());
        assertTrue(b.out().contains("inet 10.90.0.77/24"), "podman's --ip reached netgroovy-cni: " + b.transcript());
        assertTrue(b.out().contains("link/ether 02:42:0a:5a:00:4d"), "podman's --mac-address reached netgroovy-cni: " + b.transcript());

        // -p 8080:80 through portmap, chained after netgroovy-cni: the world reaches a's httpd on the host's port.
        // (bash's /dev/tcp as the client: busybox-static's wget crashes outside a container here.)
        var fromWorld = Sh.in("world", "timeout", "10", "bash", "-c",
                "exec 3<>/dev/tcp/203.0.113.1/8080 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
        assertTrue(fromWorld.ok() && fromWorld.out().contains("hello from a"), "world -> 203.0.113.1:8080: " + fromWorld);

        var rm = podman("rm", "-f", "a");
        assertEquals(0, rm.code(), rm.transcript());
        assertFalse(Ip.link(null, "ngpod0").isPresent(), "the bridge went with the network's last container");
        assertFalse(Sh.ok("iptables-save").contains(aIp + "/32") || Sh.ok("iptables-save").contains("netgroovy masquerade"),
                "no rule of a or of netgroovy is left:\n" + Sh.ok("iptables-save"));
        assertEquals(List.of("wl0"), Ip.linkNames(null).stream().filter(l -> !l.equals("lo")).toList());
    }

    private void need(String tool, String pkg) {
        if (Sh.run("sh", "-c", "command -v " + tool).ok()) {
            return;
        }
        if (Sh.ok("id", "-u").strip().equals("0") && Sh.run("sh", "-c", "command -v apt-get").ok()) {
            Sh.run("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq " + pkg);
        }
        Assumptions.assumeTrue(Sh.run("sh", "-c", "command -v " + tool).ok(),
                "podman test skipped: '" + tool + "' is missing and could not be installed (Debian package " + pkg + ")");
    }

    record Run(int code, String out, String err) {
        String transcript() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private Run podman(String... args) {
        List<String> argv = new ArrayList<>(podman);
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("CONTAINERS_CONF", conf.toString());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("podman " + String.join(" ", args) + " did not finish within 180 s");
            }
            return new Run(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run podman: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
