package netgroovy.kernel.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One received netlink message: header fields and its payload (family header + attributes). */
public record Message(int type, int flags, int seq, ByteBuffer payload) {

    /** Splits a datagram into the messages it carries (they keep {@code data}: it must not be reused). */
    static java.util.List<Message> split(byte[] data) {
        java.util.List<Message> out = new java.util.ArrayList<>();
        int length = data.length;
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        int at = 0;
        while (at + Nl.HEADER <= length) {
            int len = b.getInt(at);
            if (len < Nl.HEADER || at + len > length) {
                break;
            }
            int type = b.getShort(at + 4) & 0xffff;
            int flags = b.getShort(at + 6) & 0xffff;
            int seq = b.getInt(at + 8);
            ByteBuffer payload = ByteBuffer.wrap(data, at + Nl.HEADER, len - Nl.HEADER)
                    .slice().order(ByteOrder.nativeOrder());
            out.add(new Message(type, flags, seq, payload));
            at += Nl.align(len);
        }
        return out;
    }

    public int u8(int offset) {
        return payload.get(offset) & 0xff;
    }

    public int u16(int offset) {
        return payload.getShort(offset) & 0xffff;
    }

    public int i32(int offset) {
        return payload.getInt(offset);
    }

    /** The attributes that follow a family header of {@code headerLength} bytes. */
    public Attributes attributes(int headerLength) {
        return Attributes.parse(payload, Nl.align(headerLength), payload.limit());
    }
}
