package netgroovy.kernel.netlink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message: the 16-byte header, a fixed family header (ifinfomsg,
 * ifaddrmsg, rtmsg ...) and attributes, nested ones included, all in host byte order.
 * The length and sequence fields are filled in by {@link #finish(int)}.
 */
public final class MessageWriter {
    private byte[] buf = new byte[256];
    private int pos;

    public MessageWriter(int type, int flags) {
        pos = Nl.HEADER;
        putU16At(4, type);
        putU16At(6, flags);
    }

    public MessageWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public MessageWriter u16(int v) {
        ensure(2);
        putU16At(pos, v);
        pos += 2;
        return this;
    }

    public MessageWriter u32(int v) {
        ensure(4);
        putU32At(pos, v);
        pos += 4;
        return this;
    }

    public MessageWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    /** ifinfomsg: family, type, index, flags, change. */
    public MessageWriter ifinfo(int family, int index, int flags, int change) {
        return u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    public MessageWriter attr(int type, byte[] payload) {
        int start = pos;
        u16(4 + payload.length).u16(type).bytes(payload);
        padTo(Nl.align(pos - start) + start);
        return this;
    }

    public MessageWriter attrU32(int type, int v) {
        return attr(type, le32(v));
    }

    public MessageWriter attrU8(int type, int v) {
        return attr(type, new byte[] {(byte) v});
    }

    /** A NUL-terminated string attribute (names, kinds). */
    public MessageWriter attrString(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return attr(type, Arrays.copyOf(b, b.length + 1));
    }

    /** Starts a nested attribute; close it with {@link #end(int)}. */
    public int begin(int type) {
        int start = pos;
        u16(0).u16(type);
        return start;
    }

    public MessageWriter end(int start) {
        putU16At(start, pos - start);
        return this;
    }

    /** The finished message with its length and sequence number set. */
    public byte[] finish(int seq) {
        putU32At(0, pos);
        putU32At(8, seq);
        return Arrays.copyOf(buf, pos);
    }

    public static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    private void padTo(int target) {
        ensure(target - pos);
        while (pos < target) {
            buf[pos++] = 0;
        }
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    private void putU16At(int at, int v) {
        buf[at] = (byte) v;
        buf[at + 1] = (byte) (v >> 8);
    }

    private void putU32At(int at, int v) {
        buf[at] = (byte) v;
        buf[at + 1] = (byte) (v >> 8);
        buf[at + 2] = (byte) (v >> 16);
        buf[at + 3] = (byte) (v >> 24);
    }
}
