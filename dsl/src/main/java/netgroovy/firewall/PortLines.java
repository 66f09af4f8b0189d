package netgroovy.firewall;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code docker port} prints: one line per binding, "80/udp -> 0.0.0.0:8080", in the
 * CLI's natural order (container port as a number, then protocol, then host side). It prints
 * as those lines; it is also a list of them, so scripts can still iterate and index it.
 */
public final class PortLines extends AbstractList<String> {
    private final List<String> lines;

    private PortLines(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    /** Every binding of a container, as {@code docker port NAME}. */
    public static PortLines of(List<PortMapping> bindings) {
        return new PortLines(sorted(bindings).stream().map(PortMapping::toString).toList());
    }

    /** The host sides of one container port, as {@code docker port NAME 80}. */
    public static PortLines hostSides(List<PortMapping> bindings) {
        return new PortLines(sorted(bindings).stream().map(PortMapping::hostSide).toList());
    }

    static List<PortMapping> sorted(List<PortMapping> bindings) {
        List<PortMapping> s = new ArrayList<>(bindings);
        s.sort(Comparator.comparingInt(PortMapping::containerPort).thenComparing(PortMapping::protocol)
                .thenComparing(m -> m.hostIp() == null ? "0.0.0.0" : m.hostIp().toString()).thenComparingInt(PortMapping::hostPort));
        return s;
    }

    /** {@code docker ps}' PORTS column for published ports only; see {@link #psColumn(List, List)}. */
    public static String psColumn(List<PortMapping> bindings) {
        return psColumn(bindings, List.of());
    }

    /**
     * {@code docker ps}' PORTS column, as the Docker CLI forms it (its DisplayablePorts): the
     * ports sorted by container port, host address, host port, protocol; a port bound to the
     * same number on the host ("127.0.0.1:5000->5000/tcp") or only exposed ("6379/tcp") is
     * grouped with its neighbours into ranges ("8000-8001"), and these groups come first; a
     * port bound to another number ("0.0.0.0:32768->4567/tcp") is listed after them, alone.
     *
     * @param exposed container ports like "6379/tcp" that are exposed; those also bound are not repeated
     */
    public static String psColumn(List<PortMapping> bindings, List<String> exposed) {
        record Port(String ip, int publicPort, int privatePort, String type) {
        }
        List<Port> ports = new ArrayList<>();
        for (PortMapping m : bindings) {
            ports.add(new Port(m.hostIp() == null ? "0.0.0.0" : m.hostIp().toString(), m.hostPort(), m.containerPort(), m.protocol()));
        }
        for (String e : exposed) {
            String[] pp = (e.contains("/") ? e : e + "/tcp").split("/");
            int p = Integer.parseInt(pp[0]);
            if (ports.stream().noneMatch(x -> x.privatePort() == p && x.type().equals(pp[1]))) {
                ports.add(new Port("", 0, p, pp[1]));
            }
        }
        ports.sort(Comparator.comparingInt(Port::privatePort).thenComparing(Port::ip)
                .thenComparingInt(Port::publicPort).thenComparing(Port::type));
        Map<String, int[]> groups = new LinkedHashMap<>(); // key -> {first, last}
        List<String> result = new ArrayList<>();
        List<String> hostMappings = new ArrayList<>();
        for (Port p : ports) {
            String key = p.type();
            if (!p.ip().isEmpty()) {
                if (p.publicPort() != p.privatePort()) {
                    hostMappings.add(p.ip() + ":" + p.publicPort() + "->" + p.privatePort() + "/" + p.type());
                    continue;
                }
                key = p.ip() + "/" + p.type();
            }
            int[] g = groups.get(key);
            if (g == null) {
                groups.put(key, new int[] {p.privatePort(), p.privatePort()});
            } else if (p.privatePort() == g[1] + 1) {
                g[1] = p.privatePort();
            } else {
                result.add(group(key, g));
                groups.put(key, new int[] {p.privatePort(), p.privatePort()});
            }
        }
        groups.forEach((key, g) -> result.add(group(key, g)));
        result.addAll(hostMappings);
        return String.join(", ", result);
    }

    /** "127.0.0.1/tcp" with 8000..8001 -> "127.0.0.1:8000-8001->8000-8001/tcp"; "tcp" with 6379 -> "6379/tcp". */
    private static String group(String key, int[] g) {
        int slash = key.lastIndexOf('/');
        String ip = slash < 0 ? "" : key.substring(0, slash);
        String type = key.substring(slash + 1);
        String range = g[0] == g[1] ? String.valueOf(g[0]) : g[0] + "-" + g[1];
        return (ip.isEmpty() ? range : ip + ":" + range + "->" + range) + "/" + type;
    }

    @Override
    public String get(int index) {
        return lines.get(index);
    }

    @Override
    public int size() {
        return lines.size();
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
