package netgroovy.testing;

import netgroovy.kernel.Namespaces;
import netgroovy.kernel.Rtnl;
import netgroovy.value.IfName;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a clean world and takes it away afterwards. It refuses to run at all
 * outside the sandbox (the test JVM must have been started by sandbox/bin/java), so no
 * test can ever touch the machine's own network.
 *
 * <p>Isolation comes in two sizes. <b>Each test class</b> gets a sandbox of its own, fresh:
 * Surefire and Failsafe start a new JVM for every class ({@code reuseForks=false} in the
 * parent pom), and sandbox/bin/java puts each JVM into namespaces unshare'd for it alone
 * (network, mount, UTS, IPC, PID, with its own /run and /etc overlay), which vanish with it.
 * Nothing one class leaves (a namespace, a rule, a sysctl, the state store, a process) can
 * reach the next. A fork costs a JVM start and a cold Groovy each time: about 1 s for a small
 * class on an idle machine, some 4 s on the shared build machine, where {@code mvn -pl dsl
 * test} took 5:52 before and 7:51 and 7:07 in two runs after (the load of other builds moves
 * these by a minute either way).
 *
 * <p><b>Each test method</b> is swept instead of given new namespaces: after each test every
 * namespace and every link but lo is deleted, the firewall tables are emptied and the store
 * removed. A fresh network namespace per method is not sound in one JVM: setns and
 * unshare(CLONE_NEWNET) act on the calling thread only, while the kernel layer's namespace
 * worker, netlink sockets already open and processes started from other threads stay where
 * they were, so "the host" would mean two namespaces at once; a fresh mount namespace (which
 * /run/netns, /etc/netns and /run/netgroovy would need) cannot be had at all, since
 * unshare(CLONE_NEWNS) is refused to a multi-threaded process, and the JVM always is one.
 */
public final class Sandboxed implements BeforeAllCallback, AfterEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!netgroovy.kernel.Sandbox.inside()) {
            throw new IllegalStateException("kernel tests must run inside the sandbox (sandbox/bin/java); "
                    + "refusing to touch this machine's own network");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (String ns : Namespaces.list()) {
            Namespaces.delete(ns);
        }
        try (Rtnl host = Rtnl.host()) {
            host.links().setAlias(IfName.of("lo"), ""); // the state store's mark of host-mode containers
            for (var link : host.links().list()) {
                if (!link.name().equals("lo")) {
                    try {
                        host.links().delete(IfName.of(link.name()));
                    } catch (RuntimeException gone) {
                        // its veth peer was deleted first, taking it along
                    }
                }
            }
        }
        // The sandbox's own firewall tables: back to empty.
        if (java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/iptables"))) {
            for (String table : new String[] {"nat", "filter"}) {
                Sh.run("iptables", "-t", table, "-F");
                Sh.run("iptables", "-t", table, "-X");
            }
            Sh.run("iptables", "-P", "FORWARD", "ACCEPT"); // dockerd sets DROP, as Docker does
        }
        Sh.run("sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        Sh.run("rm", "-rf", "/etc/netns"); // containers' files (the sandbox's /etc is a private overlay)
        // What netgroovy stored of the world (the sandbox's own /run): the next test starts from nothing.
        Sh.run("rm", "-f", "/run/netgroovy/state.json", "/run/netgroovy/state.journal", "/run/netgroovy/applying");
        java.io.File[] uts = Namespaces.UTS_DIR.toFile().listFiles();
        for (java.io.File f : uts == null ? new java.io.File[0] : uts) {
            Namespaces.deleteUts(f.getName()); // containers' hostnames
        }
    }
}
