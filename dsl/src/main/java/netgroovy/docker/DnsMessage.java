package netgroovy.docker;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The few parts of the DNS wire format (RFC 1035) the embedded server needs: a query's header
 * and its one question, and replies built from it (addresses, a name for PTR, or an error).
 * Anything else in a query (EDNS records, more questions) is left unread: the reply carries
 * just the question and its answers, as a plain DNS server's would.
 */
public record DnsMessage(int id, int flags, String name, int type, int qclass, byte[] question) {
    public static final int A = 1, PTR = 12, AAAA = 28;
    public static final int NOERROR = 0, FORMERR = 1, SERVFAIL = 2, NXDOMAIN = 3, NOTIMP = 4, REFUSED = 5;
    private static final int QR = 0x8000, AA = 0x0400, RD = 0x0100, RA = 0x0080;

    /** The query in {@code b}; an {@link IllegalArgumentException} when it is not one DNS question. */
    public static DnsMessage parse(byte[] b, int length) {
        if (length < 12) {
            throw new IllegalArgumentException("shorter than a DNS header");
        }
        int id = u16(b, 0), flags = u16(b, 2), questions = u16(b, 4);
        if ((flags & QR) != 0 || questions != 1) {
            throw new IllegalArgumentException("not a query with one question");
        }
        StringBuilder name = new StringBuilder();
        int p = 12;
        while (true) {
            if (p >= length) {
                throw new IllegalArgumentException("the name runs past the end");
            }
            int n = b[p] & 0xff;
            p++;
            if (n == 0) {
                break;
            }
            if (n > 63 || p + n > length) {
                throw new IllegalArgumentException("a bad label (compression is not expected in a question)");
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(b, p, n, StandardCharsets.US_ASCII));
            p += n;
        }
        if (p + 4 > length) {
            throw new IllegalArgumentException("the question has no type and class");
        }
        byte[] question = java.util.Arrays.copyOfRange(b, 12, p + 4);
        return new DnsMessage(id, flags, name.toString().toLowerCase(Locale.ROOT), u16(b, p), u16(b, p + 2), question);
    }

    /** The opcode (0: a standard query). */
    public int opcode() {
        return (flags >> 11) & 0xf;
    }

    /** A reply with these addresses (A or AAAA, as the question asks; none is NOERROR without answers). */
    public byte[] addresses(List<InetAddress> addresses, int ttl) {
        int count = 0;
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        for (InetAddress a : addresses) {
            byte[] raw = a.getAddress();
            if ((type == A) != (raw.length == 4)) {
                continue;
            }
            record(answers, ttl, raw);
            count++;
        }
        return reply(NOERROR, count, answers.toByteArray());
    }

    /** A reply naming {@code target} (a PTR answer), or NOERROR without answers when null. */
    public byte[] pointer(String target, int ttl) {
        if (target == null) {
            return reply(NOERROR, 0, new byte[0]);
        }
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        record(answers, ttl, encodeName(target));
        return reply(NOERROR, 1, answers.toByteArray());
    }

    /** A reply with only the question and {@code rcode} (SERVFAIL, NXDOMAIN, REFUSED ...). */
    public byte[] error(int rcode) {
        return reply(rcode, 0, new byte[0]);
    }

    /** One resource record for the question's name (a pointer to it at offset 12), type and class. */
    private void record(ByteArrayOutputStream out, int ttl, byte[] rdata) {
        out.write(0xc0);
        out.write(12);
        u16(out, type);
        u16(out, qclass);
        u16(out, ttl >>> 16);
        u16(out, ttl & 0xffff);
        u16(out, rdata.length);
        out.write(rdata, 0, rdata.length);
    }

    private byte[] reply(int rcode, int answers, byte[] records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, id);
        // Recursion is available: what the server does not know it asks the upstream servers for.
        u16(out, QR | (flags & 0x7800) | (rcode == NOERROR && answers > 0 ? AA : 0) | (flags & RD) | RA | rcode);
        u16(out, 1);
        u16(out, answers);
        u16(out, 0);
        u16(out, 0);
        out.write(question, 0, question.length);
        out.write(records, 0, records.length);
        return out.toByteArray();
    }

    /** A query for {@code name} and {@code type} (what a client sends; tests and the upstream check use it). */
    public static byte[] query(int id, String name, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, id);
        u16(out, RD);
        u16(out, 1);
        u16(out, 0);
        u16(out, 0);
        u16(out, 0);
        byte[] n = encodeName(name);
        out.write(n, 0, n.length);
        u16(out, type);
        u16(out, 1);
        return out.toByteArray();
    }

    static byte[] encodeName(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            out.write(l.length);
            out.write(l, 0, l.length);
        }
        out.write(0);
        return out.toByteArray();
    }

    /** The ID of a message (a reply is matched to its query by it). */
    public static int id(byte[] b) {
        return u16(b, 0);
    }

    /** The response code of a reply. */
    public static int rcode(byte[] b) {
        return u16(b, 2) & 0xf;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8 & 0xff);
        out.write(v & 0xff);
    }
}
