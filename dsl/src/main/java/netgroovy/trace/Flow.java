package netgroovy.trace;

import java.util.Locale;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;

/**
 * One flow to follow: protocol, destination address and (for tcp/udp) port. Written the way
 * {@code connect} takes it: {@code '203.0.113.2:80'} (tcp), {@code '203.0.113.2:53/udp'},
 * {@code '203.0.113.2'} (icmp echo), {@code '[2001:db8::2]:80'}.
 */
public record Flow(String protocol, IpAddress destination, int port) {
    public Flow {
        if (!protocol.equals("icmp") && (port < 1 || port > 65535)) {
            throw new InvalidValueException(protocol + " needs a port (1-65535), like '203.0.113.2:80'");
        }
    }

    /**
     * Parses a target; {@code protocol} (may be null) overrides what the text implies.
     * {@code resolve} turns a name ("c2") into its address.
     */
    public static Flow parse(String text, String protocol, java.util.function.Function<String, IpAddress> resolve) {
        String t = text.strip();
        String proto = null;
        int slash = t.lastIndexOf('/');
        if (slash > 0 && t.substring(slash + 1).matches("[a-zA-Z]+")) {
            proto = t.substring(slash + 1).toLowerCase(Locale.ROOT);
            t = t.substring(0, slash);
        }
        String host = t;
        Integer port = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new InvalidValueException("'" + text + "': missing ']' after the IPv6 address");
            }
            host = t.substring(1, close);
            if (t.length() > close + 1) {
                port = port(t.substring(close + 2), text);
            }
        } else if (t.chars().filter(c -> c == ':').count() == 1) {
            host = t.substring(0, t.indexOf(':'));
            port = port(t.substring(t.indexOf(':') + 1), text);
        }
        if (protocol != null) {
            proto = protocol.toLowerCase(Locale.ROOT);
        }
        if (proto == null) {
            proto = port == null ? "icmp" : "tcp";
        }
        if (!java.util.List.of("tcp", "udp", "icmp").contains(proto)) {
            throw new InvalidValueException("'" + text + "': protocol must be tcp, udp or icmp, not '" + proto + "'");
        }
        IpAddress address = host.matches("[0-9.]+") || host.contains(":") ? IpAddress.parse(host) : resolve.apply(host);
        if (proto.equals("icmp") && port != null) {
            throw new InvalidValueException("'" + text + "': icmp has no port");
        }
        return new Flow(proto, address, port == null ? 0 : port);
    }

    private static int port(String text, String whole) {
        if (!text.matches("\\d{1,5}")) {
            throw new InvalidValueException("'" + whole + "': '" + text + "' is not a port number");
        }
        return Integer.parseInt(text);
    }

    /** "tcp 203.0.113.2:80", "icmp 203.0.113.2". */
    @Override
    public String toString() {
        String a = destination.isV6() && port > 0 ? "[" + destination + "]" : destination.toString();
        return protocol + " " + a + (port > 0 ? ":" + port : "");
    }
}
