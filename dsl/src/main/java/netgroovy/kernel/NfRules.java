package netgroovy.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netgroovy.kernel.netlink.Attributes;
import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.NetlinkSocket;
import netgroovy.kernel.netlink.Nl;
import netgroovy.kernel.netlink.Request;

/**
 * Appends and deletes rules in the nf_tables tables of the namespace this was opened in (family
 * ip, the tables iptables-nft keeps), all of them in ONE transaction: an nfnetlink batch
 * ({@code NFNL_MSG_BATCH_BEGIN}, one {@code NFT_MSG_NEWRULE} or {@code NFT_MSG_DELRULE} per
 * change, {@code NFNL_MSG_BATCH_END}), which the kernel commits whole or not at all, whatever the
 * number of tables, and raises the ruleset generation by one. It costs microseconds per rule:
 * unlike {@code iptables-restore} it reads nothing of the rules already there. A rule is deleted
 * by its handle, the number the kernel gave it when it was made (handed back here for every
 * rule appended, or read with {@link #list}); handles are never given twice in a table, so a
 * stale one deletes nothing but is refused.
 */
public final class NfRules implements AutoCloseable {
    private static final int NFNL_SUBSYS_NFTABLES = 10, NFT_MSG_NEWRULE = 6, NFT_MSG_GETRULE = 7, NFT_MSG_DELRULE = 8;
    /** NLM_F_ECHO: the kernel sends the rule it made back, with its handle. */
    private static final int F_ECHO = 0x8;
    private static final int NFNL_MSG_BATCH_BEGIN = 16, NFNL_MSG_BATCH_END = 17;
    private static final int NFPROTO_IPV4 = 2;
    private static final int NFTA_RULE_TABLE = 1, NFTA_RULE_CHAIN = 2, NFTA_RULE_HANDLE = 3, NFTA_RULE_EXPRESSIONS = 4,
            NFTA_RULE_COMPAT = 5, NFTA_RULE_USERDATA = 7;
    private static final int NFTA_LIST_ELEM = 1, NFTA_EXPR_NAME = 1, NFTA_EXPR_DATA = 2;
    private static final int NFTA_RULE_COMPAT_PROTO = 1, NFTA_RULE_COMPAT_FLAGS = 2, NFT_RULE_COMPAT_F_INV = 2;
    private final NetlinkSocket socket;

    /** One change of a transaction, and the words that name it in an error. */
    public sealed interface Change {
        String table();

        String chain();

        String what();
    }

    /**
     * One rule to append: where, its expressions in order, the layer-4 protocol iptables gave it
     * ({@code -p}; 0 for none), which x_tables matches are checked against, and the words that
     * name it in an error.
     */
    public record Rule(String table, String chain, List<NfExpr> expressions, int protocol, boolean protocolInverted,
                       String what) implements Change {
        public Rule {
            expressions = List.copyOf(expressions);
        }
    }

    /** Deletes the rule with this handle (what {@code iptables -D} sends once it has found the rule). */
    public record Delete(String table, String chain, long handle, String what) implements Change {
    }

    /** Deletes every rule of a chain ({@code iptables -F CHAIN}). */
    public record Flush(String table, String chain, String what) implements Change {
    }

    /** A rule as the kernel lists it: its chain, handle, and its expressions and user data as the kernel encodes them. */
    public record Listed(String chain, long handle, byte[] expressions, byte[] userdata) {
    }

    private NfRules(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opened in the calling thread's namespace. */
    public static NfRules open() {
        return new NfRules(NetlinkSocket.netfilter());
    }

    /**
     * Appends the rules in one transaction: all of them, or (the kernel refused one) none, and
     * then the exception names the first rule refused and why.
     */
    public void append(List<Rule> rules) {
        commit(List.copyOf(rules));
    }

    /**
     * Makes the changes, in order, in one transaction: all of them, or (the kernel refused one)
     * none, and then the exception names the first change refused and why. Each change asks for
     * an acknowledgement, so a change the kernel took is known to be taken. Returns the handle
     * of each rule appended, in order (the kernel echoes each rule it made).
     */
    public long[] commit(List<Change> changes) {
        if (changes.isEmpty()) {
            return new long[0];
        }
        List<Request> batch = new ArrayList<>(changes.size() + 2);
        batch.add(new Request("begin a transaction", batchMessage(NFNL_MSG_BATCH_BEGIN)));
        int[] appendAt = new int[changes.size() + 2]; // message -> which append it is (+1), 0 for others
        int appends = 0;
        for (Change c : changes) {
            if (c instanceof Rule) {
                appendAt[batch.size()] = ++appends;
            }
            batch.add(new Request(c.what(), message(c)));
        }
        batch.add(new Request("end a transaction", batchMessage(NFNL_MSG_BATCH_END)));
        long[] handles = new long[appends];
        java.util.Arrays.fill(handles, -1);
        List<KernelException> errors = socket.transaction(batch, (i, m) -> {
            if ((m.type() & 0xff) == NFT_MSG_NEWRULE && appendAt[i] > 0) {
                handles[appendAt[i] - 1] = handle(m.attributes(4).bytes(NFTA_RULE_HANDLE));
            }
        });
        for (KernelException e : errors) {
            if (e != null) {
                throw e;
            }
        }
        return handles;
    }

    /** Every rule of a table (family ip), in chain order, as the kernel holds it. */
    public List<Listed> list(String table) {
        return list(table, null);
    }

    /**
     * Every rule of one chain (all chains: null), in chain order, as the kernel holds it. It costs
     * what the chain holds: some 7 ms per 1000 rules of Docker's shapes (measured with 10 000).
     */
    public List<Listed> list(String table, String chain) {
        MessageWriter m = new MessageWriter(NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETRULE, Nl.F_REQUEST | Nl.F_DUMP)
                .u8(NFPROTO_IPV4).u8(0).u16(0);
        m.attrString(NFTA_RULE_TABLE, table);
        if (chain != null) {
            m.attrString(NFTA_RULE_CHAIN, chain);
        }
        List<Listed> out = new ArrayList<>();
        for (Message answer : socket.dump("list the rules of " + (chain == null ? "" : "chain " + chain + " of ") + "table " + table, m)) {
            Attributes a = answer.attributes(4);
            if (!table.equals(a.string(NFTA_RULE_TABLE)) || chain != null && !chain.equals(a.string(NFTA_RULE_CHAIN))) {
                continue; // older kernels ignore the filter in a dump
            }
            out.add(new Listed(a.string(NFTA_RULE_CHAIN), handle(a.bytes(NFTA_RULE_HANDLE)), a.bytes(NFTA_RULE_EXPRESSIONS),
                    a.bytes(NFTA_RULE_USERDATA)));
        }
        return out;
    }

    /** A handle attribute (a big-endian u64); -1 when there is none. */
    private static long handle(byte[] b) {
        if (b == null) {
            return -1;
        }
        long h = 0;
        for (byte x : b) {
            h = h << 8 | (x & 0xff);
        }
        return h;
    }

    /**
     * Whether a listed rule is this rule: the same expressions in the same order, each with the
     * attributes this rule gives it, byte for byte as the kernel encodes them. The kernel's own
     * extras are not compared (the operation a bitwise expression dumps, a counter's values and
     * padding: what it counted since). So iptables-nft's {@code -D} decides too, after turning
     * both into its own form.
     */
    public static boolean same(Listed listed, Rule rule) {
        if (listed.expressions() == null) {
            return false;
        }
        MessageWriter m = new MessageWriter(0, 0);
        writeExpressions(m, rule.expressions());
        byte[] ours = m.finish(0);
        List<Map<Integer, byte[]>> theirs = expressions(listed.expressions(), 0, listed.expressions().length);
        List<Map<Integer, byte[]>> mine = expressions(ours, Nl.HEADER + 4, ours.length);
        if (theirs.size() != mine.size()) {
            return false;
        }
        for (int i = 0; i < mine.size(); i++) {
            String name = new String(mine.get(i).get(NFTA_EXPR_NAME), java.nio.charset.StandardCharsets.UTF_8);
            if (!java.util.Arrays.equals(mine.get(i).get(NFTA_EXPR_NAME), theirs.get(i).get(NFTA_EXPR_NAME))) {
                return false;
            }
            if (name.equals("counter\0")) {
                continue;
            }
            if (!within(mine.get(i).get(NFTA_EXPR_DATA), theirs.get(i).get(NFTA_EXPR_DATA))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every attribute of {@code mine} is in {@code theirs} with the same value; nested
     * ones compared the same way (the kernel writes nested headers without NLA_F_NESTED).
     */
    private static boolean within(byte[] mine, byte[] theirs) {
        if (mine == null || theirs == null) {
            return mine == theirs;
        }
        Map<Integer, byte[]> t = attributes(theirs);
        for (var a : attributes(mine).entrySet()) {
            byte[] v = t.get(a.getKey());
            if (v == null || !java.util.Arrays.equals(a.getValue(), v)
                    && !(nested(a.getValue()) && nested(v) && within(a.getValue(), v))) {
                return false;
            }
        }
        return true;
    }

    /** Whether bytes read whole as attributes (a nested attribute's value), not as a plain value. */
    private static boolean nested(byte[] b) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder());
        int at = 0;
        while (at + 4 <= b.length) {
            int len = buf.getShort(at) & 0xffff;
            if (len < 4 || at + len > b.length) {
                return false;
            }
            at += Nl.align(len);
        }
        return at == b.length && b.length > 0;
    }

    /** Each expression of an NFTA_RULE_EXPRESSIONS list, as its attributes (name, data). */
    private static List<Map<Integer, byte[]>> expressions(byte[] list, int from, int to) {
        List<Map<Integer, byte[]>> out = new ArrayList<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(list).order(java.nio.ByteOrder.nativeOrder());
        int at = from;
        while (at + 4 <= to) {
            int len = b.getShort(at) & 0xffff;
            if (len < 4 || at + len > to) {
                break;
            }
            out.add(attributes(list, at + 4, at + len)); // one NFTA_LIST_ELEM
            at += Nl.align(len);
        }
        return out;
    }

    private static Map<Integer, byte[]> attributes(byte[] b) {
        return b == null ? Map.of() : attributes(b, 0, b.length);
    }

    /** The attributes between two offsets, by type (without the nested and byte order flags), in order. */
    private static Map<Integer, byte[]> attributes(byte[] data, int from, int to) {
        Map<Integer, byte[]> out = new java.util.LinkedHashMap<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.nativeOrder());
        int at = from;
        while (at + 4 <= to) {
            int len = b.getShort(at) & 0xffff;
            if (len < 4 || at + len > to) {
                break;
            }
            int type = b.getShort(at + 2) & 0x3fff;
            out.put(type, java.util.Arrays.copyOfRange(data, at + 4, at + len));
            at += Nl.align(len);
        }
        return out;
    }

    private static MessageWriter batchMessage(int type) {
        // nfgenmsg: AF_UNSPEC, NFNETLINK_V0, res_id = the subsystem, big-endian
        return new MessageWriter(type, Nl.F_REQUEST).u8(0).u8(0).u8(0).u8(NFNL_SUBSYS_NFTABLES);
    }

    private static MessageWriter message(Change c) {
        if (c instanceof Rule r) {
            return newRule(r);
        }
        MessageWriter m = delRule(c.table(), c.chain());
        return c instanceof Delete d ? m.attr(NFTA_RULE_HANDLE, be64(d.handle())) : m;
    }

    private static MessageWriter delRule(String table, String chain) {
        MessageWriter m = new MessageWriter(NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_DELRULE, Nl.F_REQUEST | Nl.F_ACK)
                .u8(NFPROTO_IPV4).u8(0).u16(0);
        return m.attrString(NFTA_RULE_TABLE, table).attrString(NFTA_RULE_CHAIN, chain);
    }

    private static byte[] be64(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }

    private static MessageWriter newRule(Rule r) {
        MessageWriter m = new MessageWriter(NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE,
                Nl.F_REQUEST | Nl.F_CREATE | Nl.F_APPEND | Nl.F_ACK | F_ECHO).u8(NFPROTO_IPV4).u8(0).u16(0);
        m.attrString(NFTA_RULE_TABLE, r.table()).attrString(NFTA_RULE_CHAIN, r.chain());
        writeExpressions(m, r.expressions());
        // iptables-nft sets these on every rule: x_tables matches (tcp, sctp ...) check the protocol against them.
        int compat = m.begin(NFTA_RULE_COMPAT | NfExpr.NESTED);
        m.attr(NFTA_RULE_COMPAT_PROTO, NfExpr.be32(r.protocol()))
                .attr(NFTA_RULE_COMPAT_FLAGS, NfExpr.be32(r.protocolInverted() ? NFT_RULE_COMPAT_F_INV : 0));
        m.end(compat);
        return m;
    }

    private static void writeExpressions(MessageWriter m, List<NfExpr> expressions) {
        int list = m.begin(NFTA_RULE_EXPRESSIONS | NfExpr.NESTED);
        for (NfExpr e : expressions) {
            int elem = m.begin(NFTA_LIST_ELEM | NfExpr.NESTED);
            m.attrString(NFTA_EXPR_NAME, e.name());
            int data = m.begin(NFTA_EXPR_DATA | NfExpr.NESTED);
            e.data(m);
            m.end(data).end(elem);
        }
        m.end(list);
    }

    @Override
    public void close() {
        socket.close();
    }
}
