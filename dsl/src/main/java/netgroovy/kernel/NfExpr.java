package netgroovy.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import netgroovy.kernel.netlink.MessageWriter;

/**
 * One nf_tables rule expression, as the kernel takes it in {@code NFTA_RULE_EXPRESSIONS}: its
 * name and its attributes (linux/netfilter/nf_tables.h). Numbers in nf_tables attributes are
 * big-endian; data (addresses, names, compat info structs) goes as given. Registers are
 * iptables-nft's: everything is loaded into and compared from register 1.
 */
public sealed interface NfExpr {
    int REG_VERDICT = 0, REG_1 = 1;
    int CMP_EQ = 0, CMP_NEQ = 1, CMP_LTE = 3, CMP_GT = 4;
    int META_IIFNAME = 6, META_OIFNAME = 7, META_L4PROTO = 16;
    int PAYLOAD_NETWORK = 1, PAYLOAD_TRANSPORT = 2;
    int VERDICT_DROP = 0, VERDICT_ACCEPT = 1, VERDICT_JUMP = -3, VERDICT_RETURN = -5;

    /** The expression's name (NFTA_EXPR_NAME). */
    String name();

    /** Writes the expression's own attributes (inside NFTA_EXPR_DATA). */
    void data(MessageWriter m);

    /** Loads packet metadata (an interface name, the layer-4 protocol) into register 1. */
    record Meta(int key) implements NfExpr {
        public String name() {
            return "meta";
        }

        public void data(MessageWriter m) {
            m.attr(2, be32(key)).attr(1, be32(REG_1)); // NFTA_META_KEY, NFTA_META_DREG
        }
    }

    /** Loads {@code length} bytes of a header at {@code offset} into register 1. */
    record Payload(int base, int offset, int length) implements NfExpr {
        public String name() {
            return "payload";
        }

        public void data(MessageWriter m) {
            m.attr(1, be32(REG_1)).attr(2, be32(base)).attr(3, be32(offset)).attr(4, be32(length));
        }
    }

    /** Register 1 masked: {@code reg1 = reg1 & mask ^ 0}. */
    record Bitwise(byte[] mask) implements NfExpr {
        public String name() {
            return "bitwise";
        }

        public void data(MessageWriter m) {
            m.attr(1, be32(REG_1)).attr(2, be32(REG_1)).attr(3, be32(mask.length)); // SREG, DREG, LEN
            NfExpr.value(m, 4, mask); // NFTA_BITWISE_MASK
            NfExpr.value(m, 5, new byte[mask.length]); // NFTA_BITWISE_XOR
        }
    }

    /** Compares register 1 with a value; the rule stops here when it does not hold. */
    record Cmp(int op, byte[] value) implements NfExpr {
        public String name() {
            return "cmp";
        }

        public void data(MessageWriter m) {
            m.attr(1, be32(REG_1)).attr(2, be32(op));
            NfExpr.value(m, 3, value); // NFTA_CMP_DATA
        }
    }

    /** Register 1 within (or, {@code invert}, outside) [from, to]. */
    record Range(boolean invert, byte[] from, byte[] to) implements NfExpr {
        public String name() {
            return "range";
        }

        public void data(MessageWriter m) {
            m.attr(1, be32(REG_1)).attr(2, be32(invert ? 1 : 0));
            NfExpr.value(m, 3, from);
            NfExpr.value(m, 4, to);
        }
    }

    /** Counts packets and bytes (iptables-nft puts one before every rule's target). */
    record Counter() implements NfExpr {
        public String name() {
            return "counter";
        }

        public void data(MessageWriter m) {
            m.attr(1, new byte[8]).attr(2, new byte[8]); // NFTA_COUNTER_BYTES, NFTA_COUNTER_PACKETS: 0
        }
    }

    /** An x_tables match run by the kernel's compat layer, with its info struct as iptables fills it. */
    record Match(String match, int revision, byte[] info) implements NfExpr {
        public String name() {
            return "match";
        }

        public void data(MessageWriter m) {
            m.attrString(1, match).attr(2, be32(revision)).attr(3, info);
        }
    }

    /** An x_tables target (DNAT, MASQUERADE ...), likewise. */
    record Target(String target, int revision, byte[] info) implements NfExpr {
        public String name() {
            return "target";
        }

        public void data(MessageWriter m) {
            m.attrString(1, target).attr(2, be32(revision)).attr(3, info);
        }
    }

    /** A verdict: accept, drop, return, or a jump to {@code chain}. */
    record Verdict(int code, String chain) implements NfExpr {
        public String name() {
            return "immediate";
        }

        public void data(MessageWriter m) {
            m.attr(1, be32(REG_VERDICT)); // NFTA_IMMEDIATE_DREG
            int data = m.begin(2 | NESTED); // NFTA_IMMEDIATE_DATA
            int verdict = m.begin(2 | NESTED); // NFTA_DATA_VERDICT
            m.attr(1, be32(code)); // NFTA_VERDICT_CODE
            if (chain != null) {
                m.attrString(2, chain); // NFTA_VERDICT_CHAIN
            }
            m.end(verdict).end(data);
        }
    }

    int NESTED = 0x8000;

    static void value(MessageWriter m, int type, byte[] value) {
        int at = m.begin(type | NESTED);
        m.attr(1, value).end(at); // NFTA_DATA_VALUE
    }

    static byte[] be32(int v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    /** Bytes of a string as a compare value: {@code nul} adds the terminating NUL (a whole interface name). */
    static byte[] text(String s, boolean nul) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return nul ? Arrays.copyOf(b, b.length + 1) : b;
    }
}
