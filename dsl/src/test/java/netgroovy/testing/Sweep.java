package netgroovy.testing;

import netgroovy.kernel.Namespaces;
import netgroovy.kernel.Rtnl;
import netgroovy.value.IfName;

/**
 * Clears the sandbox's world for a test that builds several in turn within one method (each
 * tutorial's "break it" exercise, one after the other): every namespace and every link but
 * lo deleted, the firewall tables emptied, forwarding off, the state store and containers'
 * /etc/netns files and hostnames removed. Between test methods nothing needs clearing: each
 * has a sandbox of its own (see {@link Sandboxed}).
 */
public final class Sweep {
    private Sweep() {
    }

    public static void clear() {
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
        // What netgroovy stored of the world (the sandbox's own /run): the next one starts from nothing.
        Sh.run("rm", "-f", "/run/netgroovy/state.json", "/run/netgroovy/state.journal", "/run/netgroovy/applying");
        java.io.File[] uts = Namespaces.UTS_DIR.toFile().listFiles();
        for (java.io.File f : uts == null ? new java.io.File[0] : uts) {
            Namespaces.deleteUts(f.getName()); // containers' hostnames
        }
    }
}
