package netgroovy.value;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address. Parsing accepts only literals: a host name is refused rather
 * than looked up, so reading a script never sends a DNS query.
 */
public final class IpAddress implements Comparable<IpAddress> {
    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static IpAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidValueException("IP address is empty");
        }
        String t = text.trim();
        if (t.indexOf(':') >= 0) {
            return new IpAddress(parseV6(t));
        }
        return new IpAddress(parseV4(t));
    }

    public static IpAddress of(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new InvalidValueException("an IP address has 4 or 16 bytes, not " + bytes.length);
        }
        return new IpAddress(bytes.clone());
    }

    private static byte[] parseV4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidValueException("'" + t + "' is not an IPv4 address (expected four numbers like 10.0.0.1)");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (!isSmallNumber(p)) {
                throw new InvalidValueException("'" + t + "' is not an IPv4 address ('" + p + "' is not a number 0-255)");
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new InvalidValueException("'" + t + "' is not an IPv4 address (" + v + " is larger than 255)");
            }
            b[i] = (byte) v;
        }
        return b;
    }

    /**
     * One to three decimal digits (ASCII only: {@code Character.isDigit} takes other scripts'
     * digits too, which {@code Integer.parseInt} also reads, but no address is written so).
     * A loop, not a stream: under C1 the stream cost a script's endpoint microseconds.
     */
    static boolean isSmallNumber(String p) {
        if (p.isEmpty() || p.length() > 3) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static byte[] parseV6(String t) {
        if (!t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new InvalidValueException("'" + t + "' is not an IPv6 address");
        }
        try {
            // A string made only of hex digits, ':' and '.' is parsed as a literal, never resolved.
            InetAddress a = InetAddress.getByName(t);
            byte[] b = a.getAddress();
            if (b.length == 4) { // "::ffff:1.2.3.4" is folded to IPv4 by Java; keep it IPv6
                byte[] v6 = new byte[16];
                v6[10] = (byte) 0xff;
                v6[11] = (byte) 0xff;
                System.arraycopy(b, 0, v6, 12, 4);
                return v6;
            }
            return b;
        } catch (UnknownHostException e) {
            throw new InvalidValueException("'" + t + "' is not an IPv6 address");
        }
    }

    public boolean isV4() {
        return bytes.length == 4;
    }

    public boolean isV6() {
        return bytes.length == 16;
    }

    /** Address family as the kernel names it: AF_INET (2) or AF_INET6 (10). */
    public int family() {
        return isV4() ? 2 : 10;
    }

    public int bits() {
        return bytes.length * 8;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** This address with all bits after the first {@code prefix} cleared. */
    public IpAddress masked(int prefix) {
        byte[] b = bytes.clone();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        return new IpAddress(b);
    }

    /** This address plus {@code n} (used to hand out addresses within a subnet). */
    public IpAddress plus(long n) {
        byte[] b = bytes.clone();
        long carry = n;
        for (int i = b.length - 1; i >= 0 && carry != 0; i--) {
            long v = (b[i] & 0xff) + carry;
            b[i] = (byte) v;
            carry = v >> 8;
        }
        return new IpAddress(b);
    }

    @Override
    public int compareTo(IpAddress o) {
        if (bytes.length != o.bytes.length) {
            return Integer.compare(bytes.length, o.bytes.length);
        }
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress a && Arrays.equals(bytes, a.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        if (isV4()) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        try {
            // Inet6Address prints the full form; compress the longest zero run like iproute2 does.
            return compressV6(Inet6Address.getByAddress(null, bytes, -1).getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String compressV6(String full) {
        String[] groups = full.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) j++;
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }
}
