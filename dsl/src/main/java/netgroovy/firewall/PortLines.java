package netgroovy.firewall;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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

    /** {@code docker ps}' PORTS column: "0.0.0.0:8080->80/udp, :::8080->80/udp, 127.0.0.1:5000->5000/tcp". */
    public static String psColumn(List<PortMapping> bindings) {
        return String.join(", ", sorted(bindings).stream()
                .map(m -> m.hostAddress() + ":" + m.hostPort() + "->" + m.containerPort() + "/" + m.protocol()).toList());
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
