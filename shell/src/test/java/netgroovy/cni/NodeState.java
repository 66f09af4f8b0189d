package netgroovy.cni;

import java.util.List;
import netgroovy.testing.Sh;

/**
 * What a node's network looks like to its own tools, as text to compare byte for byte: links
 * (with details), addresses and routes of every table, in the node's namespace and in the
 * given container namespaces; iptables-save; the forwarding sysctls. Only two things are
 * normalised: iptables-save's "# Generated ... on DATE" lines and its packet counters, which
 * traffic changes, not configuration.
 */
final class NodeState {
    private NodeState() {
    }

    static String of(String... namespaces) {
        StringBuilder s = new StringBuilder();
        s.append(kernel(null));
        for (String ns : namespaces) {
            s.append("== ").append(ns).append('\n').append(kernel(ns));
        }
        s.append("== iptables-save\n");
        for (String line : Sh.ok("iptables-save").split("\n")) {
            if (!line.startsWith("#")) {
                s.append(line.replaceAll("\\[\\d+:\\d+\\]", "[counters]")).append('\n');
            }
        }
        s.append("== sysctl\n").append(Sh.ok("sysctl", "net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding", "net.ipv6.conf.all.forwarding"));
        return s.toString();
    }

    private static String kernel(String ns) {
        StringBuilder s = new StringBuilder();
        for (List<String> cmd : List.of(List.of("-d", "-j", "link", "show"), List.of("-j", "addr", "show"),
                List.of("-j", "route", "show", "table", "all"), List.of("-6", "-j", "route", "show", "table", "all"))) {
            List<String> argv = new java.util.ArrayList<>(List.of("ip"));
            if (ns != null) {
                argv.addAll(List.of("-n", ns));
            }
            argv.addAll(cmd);
            s.append(String.join(" ", cmd)).append(": ").append(Sh.ok(argv.toArray(new String[0]))).append('\n');
        }
        return s.toString();
    }
}
