package netgroovy.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;

/**
 * One form of Docker's {@code -p}: {@code containerPort}, {@code hostPort:containerPort},
 * {@code ip:hostPort:containerPort}, {@code ip::containerPort}, each optionally
 * {@code /tcp}, {@code /udp} or {@code /sctp}, and with ranges ({@code 8000-8010:8000-8010}).
 * A host port of 0 means "choose a free one".
 *
 * @param hostIp null for all addresses (0.0.0.0)
 */
public record PortMapping(IpAddress hostIp, int hostPort, int containerPort, String protocol) {
    public static final int EPHEMERAL_FIRST = 49153, EPHEMERAL_LAST = 65535;

    /** Parses one -p value into the mappings it stands for (a range gives one per port). */
    public static List<PortMapping> parse(String spec) {
        String s = spec.trim();
        String proto = "tcp";
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            proto = s.substring(slash + 1).toLowerCase(Locale.ROOT);
            s = s.substring(0, slash);
            if (!List.of("tcp", "udp", "sctp").contains(proto)) {
                throw new InvalidValueException("'" + spec + "': protocol must be tcp, udp or sctp, not '" + proto + "'");
            }
        }
        // An IPv4 address has dots and no colons; split from the right: [ip:][hostPort:]containerPort.
        String[] parts = s.split(":", -1);
        IpAddress ip = null;
        String host = "";
        String container;
        switch (parts.length) {
            case 1 -> container = parts[0];
            case 2 -> {
                host = parts[0];
                container = parts[1];
            }
            case 3 -> {
                ip = parseIp(parts[0], spec);
                host = parts[1];
                container = parts[2];
            }
            default -> throw new InvalidValueException("'" + spec + "' is not a port mapping (forms: 80, 8080:80, 127.0.0.1:8080:80, 127.0.0.1::80, 53/udp)");
        }
        int[] c = range(container, spec);
        int[] h = host.isEmpty() ? null : range(host, spec);
        if (h != null && h[1] - h[0] != c[1] - c[0]) {
            throw new InvalidValueException("'" + spec + "': the host range has " + (h[1] - h[0] + 1)
                    + " ports and the container range " + (c[1] - c[0] + 1) + "; they must be the same size");
        }
        List<PortMapping> out = new ArrayList<>();
        for (int i = 0; i <= c[1] - c[0]; i++) {
            out.add(new PortMapping(ip, h == null ? 0 : h[0] + i, c[0] + i, proto));
        }
        return out;
    }

    private static IpAddress parseIp(String text, String spec) {
        try {
            IpAddress ip = IpAddress.parse(text);
            if (!ip.isV4()) {
                throw new InvalidValueException("IPv6 host addresses are not supported yet");
            }
            return ip;
        } catch (InvalidValueException e) {
            throw new InvalidValueException("'" + spec + "': " + e.getMessage());
        }
    }

    private static int[] range(String text, String spec) {
        String[] ends = text.split("-", -1);
        if (ends.length > 2) {
            throw new InvalidValueException("'" + spec + "': '" + text + "' is not a port or a range like 8000-8010");
        }
        int a = port(ends[0], spec);
        int b = ends.length == 2 ? port(ends[1], spec) : a;
        if (b < a) {
            throw new InvalidValueException("'" + spec + "': the range " + text + " runs backwards");
        }
        return new int[] {a, b};
    }

    private static int port(String text, String spec) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw new InvalidValueException("'" + spec + "': '" + text + "' is not a port number");
        }
        int p = Integer.parseInt(text);
        if (p < 1 || p > 65535) {
            throw new InvalidValueException("'" + spec + "': port " + p + " is out of range (1-65535)");
        }
        return p;
    }

    public PortMapping withHostPort(int port) {
        return new PortMapping(hostIp, port, containerPort, protocol);
    }

    /** "0.0.0.0:8080" (or "[::]:8080") as {@code docker port} prints the host side. */
    public String hostSide() {
        return hostIp != null && hostIp.isV6() ? "[" + hostIp + "]:" + hostPort : hostAddress() + ":" + hostPort;
    }

    /** The host address as Docker names it: "0.0.0.0" for all, "::" for the userland proxy's IPv6 side. */
    public String hostAddress() {
        return hostIp == null ? "0.0.0.0" : hostIp.toString();
    }

    /** The same port on [::], as Docker adds it for every 0.0.0.0 binding when the userland proxy serves IPv6 too. */
    public PortMapping onAllV6() {
        return new PortMapping(IpAddress.parse("::"), hostPort, containerPort, protocol);
    }

    /** {@code docker port} style: "80/tcp -> 0.0.0.0:8080". */
    @Override
    public String toString() {
        return containerPort + "/" + protocol + " -> " + hostSide();
    }
}
