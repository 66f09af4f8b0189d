package netgroovy.value;

import java.util.HexFormat;

/** A 48-bit Ethernet (MAC) address, written as six pairs of hex digits separated by ':'. */
public final class Mac {
    private static final HexFormat COLONS = HexFormat.ofDelimiter(":");
    private final byte[] bytes;
    /** The text, made when first asked for (a container's MAC is written into its record at every statement that touches it). */
    private String text;

    private Mac(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Mac parse(String text) {
        byte[] b = text == null || text.length() != 17 ? null : new byte[6];
        for (int i = 0; b != null && i < 6; i++) { // (by hand, not a regular expression: under C1 that was the costliest parse of a script's endpoint)
            int hi = hex(text.charAt(3 * i));
            int lo = hex(text.charAt(3 * i + 1));
            if (hi < 0 || lo < 0 || (i < 5 && text.charAt(3 * i + 2) != ':')) {
                b = null;
            } else {
                b[i] = (byte) (hi << 4 | lo);
            }
        }
        if (b == null) {
            throw new InvalidValueException("'" + text + "' is not a MAC address (expected six hex pairs like 12:34:56:78:9a:bc)");
        }
        Mac mac = new Mac(b);
        if ((mac.bytes[0] & 1) != 0) {
            throw new InvalidValueException("'" + text + "' is a multicast MAC address; an interface needs a unicast one (first byte even)");
        }
        return mac;
    }

    /** An ASCII hex digit's value, or -1 ({@code Character.digit} also reads other scripts' digits). */
    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    public static Mac of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new InvalidValueException("a MAC address has 6 bytes, not " + bytes.length);
        }
        return new Mac(bytes.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mac m && java.util.Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = COLONS.formatHex(bytes);
            text = t;
        }
        return t;
    }
}
