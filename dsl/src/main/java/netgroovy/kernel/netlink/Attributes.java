package netgroovy.kernel.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Attributes of a received message, by type; nested ones are parsed on demand. */
public final class Attributes {
    private static final int TYPE_MASK = 0x3fff; // drops NLA_F_NESTED and NLA_F_NET_BYTEORDER
    private final Map<Integer, ByteBuffer> byType = new HashMap<>();

    private Attributes() {
    }

    static Attributes parse(ByteBuffer b, int from, int to) {
        Attributes a = new Attributes();
        int at = from;
        while (at + 4 <= to) {
            int len = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & TYPE_MASK;
            if (len < 4 || at + len > to) {
                break;
            }
            ByteBuffer value = b.duplicate().position(at + 4).limit(at + len).slice().order(ByteOrder.nativeOrder());
            a.byType.putIfAbsent(type, value);
            at += Nl.align(len);
        }
        return a;
    }

    public boolean has(int type) {
        return byType.containsKey(type);
    }

    public byte[] bytes(int type) {
        ByteBuffer v = byType.get(type);
        if (v == null) {
            return null;
        }
        byte[] out = new byte[v.remaining()];
        v.duplicate().get(out);
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
        ByteBuffer v = byType.get(type);
        return v == null || v.remaining() < 4 ? otherwise : v.getInt(0);
    }

    public int u8(int type, int otherwise) {
        ByteBuffer v = byType.get(type);
        return v == null || v.remaining() < 1 ? otherwise : v.get(0) & 0xff;
    }

    public Attributes nested(int type) {
        ByteBuffer v = byType.get(type);
        return v == null ? new Attributes() : parse(v, 0, v.limit());
    }

    /** A nested attribute that starts with a fixed header (VETH_INFO_PEER carries an ifinfomsg). */
    public ByteBuffer raw(int type) {
        ByteBuffer v = byType.get(type);
        return v == null ? null : v.duplicate().order(ByteOrder.nativeOrder());
    }
}
