package netgroovy.kernel.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Attributes of a received message, by type; nested ones are parsed on demand. Parsing only
 * notes where each attribute's value lies (a link's message has some fifty, of which a reader
 * wants a handful): a value is cut out of the message when it is asked for.
 */
public final class Attributes {
    private static final int TYPE_MASK = 0x3fff; // drops NLA_F_NESTED and NLA_F_NET_BYTEORDER
    /** Types below this are noted in arrays; the rare higher ones in a map. */
    private static final int DIRECT = 128;
    private static final Attributes NONE = new Attributes(ByteBuffer.allocate(0));
    private final ByteBuffer b;
    /** For each type: where its value starts, plus one (0: absent); and its length. */
    private int[] start = new int[0], length = new int[0];
    private Map<Integer, int[]> high;

    private Attributes(ByteBuffer b) {
        this.b = b;
    }

    static Attributes parse(ByteBuffer b, int from, int to) {
        Attributes a = new Attributes(b);
        int at = from;
        while (at + 4 <= to) {
            int len = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & TYPE_MASK;
            if (len < 4 || at + len > to) {
                break;
            }
            a.note(type, at + 4, len - 4);
            at += Nl.align(len);
        }
        return a;
    }

    private void note(int type, int from, int len) {
        if (type >= DIRECT) {
            if (high == null) {
                high = new HashMap<>();
            }
            high.putIfAbsent(type, new int[] {from, len});
            return;
        }
        if (type >= start.length) {
            int size = Math.max(type + 1, Math.min(DIRECT, start.length * 2));
            start = java.util.Arrays.copyOf(start, size);
            length = java.util.Arrays.copyOf(length, size);
        }
        if (start[type] == 0) { // the first one counts, as before
            start[type] = from + 1;
            length[type] = len;
        }
    }

    /** Where the value of an attribute starts in the message; -1 when it has none. */
    private int at(int type) {
        if (type < start.length) {
            return start[type] - 1;
        }
        int[] h = high == null ? null : high.get(type);
        return h == null ? -1 : h[0];
    }

    private int length(int type) {
        return type < length.length ? length[type] : high.get(type)[1];
    }

    public boolean has(int type) {
        return at(type) >= 0;
    }

    public byte[] bytes(int type) {
        int at = at(type);
        if (at < 0) {
            return null;
        }
        byte[] out = new byte[length(type)];
        b.get(at, out);
        return out;
    }

    public String string(int type) {
        byte[] b = bytes(type);
        if (b == null) {
            return null;
        }
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** A 32-bit attribute, or {@code otherwise} when absent. */
    public int u32(int type, int otherwise) {
        int at = at(type);
        return at < 0 || length(type) < 4 ? otherwise : b.getInt(at);
    }

    public int u8(int type, int otherwise) {
        int at = at(type);
        return at < 0 || length(type) < 1 ? otherwise : b.get(at) & 0xff;
    }

    public Attributes nested(int type) {
        int at = at(type);
        return at < 0 ? NONE : parse(b, at, at + length(type));
    }

    /** A nested attribute that starts with a fixed header (VETH_INFO_PEER carries an ifinfomsg). */
    public ByteBuffer raw(int type) {
        int at = at(type);
        return at < 0 ? null : b.duplicate().position(at).limit(at + length(type)).slice().order(ByteOrder.nativeOrder());
    }
}
