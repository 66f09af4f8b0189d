package netgroovy.value;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** A 48-bit Ethernet (MAC) address, written as six pairs of hex digits separated by ':'. */
public final class Mac {
    private static final Pattern FORM = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final HexFormat COLONS = HexFormat.ofDelimiter(":");
    private final byte[] bytes;
    /** The text, made when first asked for (a container's MAC is written into its record at every statement that touches it). */
    private String text;

    private Mac(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Mac parse(String text) {
        if (text == null || !FORM.matcher(text).matches()) {
            throw new InvalidValueException("'" + text + "' is not a MAC address (expected six hex pairs like 12:34:56:78:9a:bc)");
        }
        Mac mac = new Mac(COLONS.parseHex(text));
        if ((mac.bytes[0] & 1) != 0) {
            throw new InvalidValueException("'" + text + "' is a multicast MAC address; an interface needs a unicast one (first byte even)");
        }
        return mac;
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
