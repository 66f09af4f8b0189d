package netgroovy.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netgroovy.value.IpAddress;

/**
 * The published ports as the model keeps them (World.published): for each container, records
 * in the words of the rules' comments ("0.0.0.0:8080->80/tcp"). This is what {@code port 'c1'}
 * (docker port) reports, and how a host port already in use is found, without reading the rules.
 */
public final class Bindings {
    private Bindings() {
    }

    public record Binding(String container, PortMapping mapping) {
        @Override
        public String toString() {
            return mapping.toString();
        }
    }

    private static final Pattern RECORD = Pattern.compile("([0-9.]+):(\\d+)->(\\d+)/(\\w+)");

    /** How the model keeps a binding, the same words as the rule comments: "0.0.0.0:8080->80/tcp". */
    public static String record(PortMapping m) {
        return m.hostAddress() + ":" + m.hostPort() + "->" + m.containerPort() + "/" + m.protocol();
    }

    /** The bindings the model keeps (container -> records), in the order they were made. */
    public static List<Binding> of(java.util.Map<String, List<String>> published) {
        List<Binding> out = new ArrayList<>();
        published.forEach((container, records) -> {
            for (String r : records) {
                Matcher m = RECORD.matcher(r);
                if (!m.matches()) {
                    throw new IllegalArgumentException("not a port binding: " + r);
                }
                IpAddress ip = m.group(1).equals("0.0.0.0") ? null : IpAddress.parse(m.group(1));
                out.add(new Binding(container, new PortMapping(ip, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4))));
            }
        });
        return out;
    }

    /** Whether {@code m}'s host side collides with a binding: same protocol and port, overlapping address. */
    public static Binding conflict(List<Binding> existing, PortMapping m) {
        for (Binding b : existing) {
            PortMapping o = b.mapping();
            if (o.protocol().equals(m.protocol()) && o.hostPort() == m.hostPort()
                    && (o.hostIp() == null || m.hostIp() == null || o.hostIp().equals(m.hostIp()))) {
                return b;
            }
        }
        return null;
    }

    /**
     * A free host port in {@code range} ({first, last}) for this protocol, the first after
     * {@code last} (wrapping round to the range's start), as Docker's port allocator looks
     * (portallocator's findPort; its first search starts after the range's end, so at its start).
     */
    public static int nextFreePort(List<Binding> existing, PortMapping m, java.util.Set<Integer> alsoTaken, int[] range, int last) {
        int p = last;
        for (int i = 0; i <= range[1] - range[0]; i++) {
            p = p >= range[1] || p < range[0] ? range[0] : p + 1;
            if (!alsoTaken.contains(p) && conflict(existing, m.withHostPort(p)) == null) {
                return p;
            }
        }
        throw new FirewallException("no free host port left in " + range[0] + "-" + range[1]);
    }
}
