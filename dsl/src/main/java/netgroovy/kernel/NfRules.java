package netgroovy.kernel;

import java.util.ArrayList;
import java.util.List;
import netgroovy.kernel.netlink.Attributes;
import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.NetlinkSocket;
import netgroovy.kernel.netlink.Nl;
import netgroovy.kernel.netlink.Request;

/**
 * Appends rules to the nf_tables tables of the namespace this was opened in (family ip, the
 * tables iptables-nft keeps), all of them in ONE transaction: an nfnetlink batch
 * ({@code NFNL_MSG_BATCH_BEGIN}, one {@code NFT_MSG_NEWRULE} per rule, {@code NFNL_MSG_BATCH_END}),
 * which the kernel commits whole or not at all, whatever the number of tables, and raises the
 * ruleset generation by one. It costs microseconds per rule: unlike {@code iptables-restore} it
 * reads nothing of the rules already there.
 */
public final class NfRules implements AutoCloseable {
    private static final int NFNL_SUBSYS_NFTABLES = 10, NFT_MSG_NEWRULE = 6, NFT_MSG_GETRULE = 7;
    private static final int NFNL_MSG_BATCH_BEGIN = 16, NFNL_MSG_BATCH_END = 17;
    private static final int NFPROTO_IPV4 = 2;
    private static final int NFTA_RULE_TABLE = 1, NFTA_RULE_CHAIN = 2, NFTA_RULE_HANDLE = 3, NFTA_RULE_EXPRESSIONS = 4,
            NFTA_RULE_COMPAT = 5, NFTA_RULE_USERDATA = 7;
    private static final int NFTA_LIST_ELEM = 1, NFTA_EXPR_NAME = 1, NFTA_EXPR_DATA = 2;
    private static final int NFTA_RULE_COMPAT_PROTO = 1, NFTA_RULE_COMPAT_FLAGS = 2, NFT_RULE_COMPAT_F_INV = 2;
    private final NetlinkSocket socket;

    /**
     * One rule to append: where, its expressions in order, the layer-4 protocol iptables gave it
     * ({@code -p}; 0 for none), which x_tables matches are checked against, and the words that
     * name it in an error.
     */
    public record Rule(String table, String chain, List<NfExpr> expressions, int protocol, boolean protocolInverted,
                       String what) {
        public Rule {
            expressions = List.copyOf(expressions);
        }
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
     * then the exception names the first rule refused and why. Each rule asks for an
     * acknowledgement, so a rule the kernel took is known to be taken.
     */
    public void append(List<Rule> rules) {
        if (rules.isEmpty()) {
            return;
        }
        List<Request> batch = new ArrayList<>(rules.size() + 2);
        batch.add(new Request("begin a transaction", batchMessage(NFNL_MSG_BATCH_BEGIN)));
        for (Rule r : rules) {
            batch.add(new Request(r.what(), newRule(r)));
        }
        batch.add(new Request("end a transaction", batchMessage(NFNL_MSG_BATCH_END)));
        List<KernelException> errors = socket.transaction(batch);
        for (KernelException e : errors) {
            if (e != null) {
                throw e;
            }
        }
    }

    /** Every rule of a table (family ip), in chain order, as the kernel holds it. */
    public List<Listed> list(String table) {
        MessageWriter m = new MessageWriter(NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETRULE, Nl.F_REQUEST | Nl.F_DUMP)
                .u8(NFPROTO_IPV4).u8(0).u16(0);
        m.attrString(NFTA_RULE_TABLE, table);
        List<Listed> out = new ArrayList<>();
        for (Message answer : socket.dump("list the rules of table " + table, m)) {
            Attributes a = answer.attributes(4);
            if (!table.equals(a.string(NFTA_RULE_TABLE))) {
                continue; // older kernels ignore the filter in a dump
            }
            byte[] handle = a.bytes(NFTA_RULE_HANDLE);
            long h = 0;
            for (byte b : handle == null ? new byte[0] : handle) {
                h = h << 8 | (b & 0xff);
            }
            out.add(new Listed(a.string(NFTA_RULE_CHAIN), h, a.bytes(NFTA_RULE_EXPRESSIONS), a.bytes(NFTA_RULE_USERDATA)));
        }
        return out;
    }

    private static MessageWriter batchMessage(int type) {
        // nfgenmsg: AF_UNSPEC, NFNETLINK_V0, res_id = the subsystem, big-endian
        return new MessageWriter(type, Nl.F_REQUEST).u8(0).u8(0).u8(0).u8(NFNL_SUBSYS_NFTABLES);
    }

    private static MessageWriter newRule(Rule r) {
        MessageWriter m = new MessageWriter(NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE,
                Nl.F_REQUEST | Nl.F_CREATE | Nl.F_APPEND | Nl.F_ACK).u8(NFPROTO_IPV4).u8(0).u16(0);
        m.attrString(NFTA_RULE_TABLE, r.table()).attrString(NFTA_RULE_CHAIN, r.chain());
        int list = m.begin(NFTA_RULE_EXPRESSIONS | NfExpr.NESTED);
        for (NfExpr e : r.expressions()) {
            int elem = m.begin(NFTA_LIST_ELEM | NfExpr.NESTED);
            m.attrString(NFTA_EXPR_NAME, e.name());
            int data = m.begin(NFTA_EXPR_DATA | NfExpr.NESTED);
            e.data(m);
            m.end(data).end(elem);
        }
        m.end(list);
        // iptables-nft sets these on every rule: x_tables matches (tcp, sctp ...) check the protocol against them.
        int compat = m.begin(NFTA_RULE_COMPAT | NfExpr.NESTED);
        m.attr(NFTA_RULE_COMPAT_PROTO, NfExpr.be32(r.protocol()))
                .attr(NFTA_RULE_COMPAT_FLAGS, NfExpr.be32(r.protocolInverted() ? NFT_RULE_COMPAT_F_INV : 0));
        m.end(compat);
        return m;
    }

    @Override
    public void close() {
        socket.close();
    }
}
