package netgroovy.firewall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import netgroovy.kernel.NfExpr;
import netgroovy.kernel.NfRules;

/**
 * An iptables rule line ({@code -A CHAIN ...}) as iptables-nft 1.8.9 writes it into nf_tables:
 * the same expressions, in the same order, with the same compat info structs, so that
 * {@code iptables-save}, {@code iptables -D} and {@code nft list ruleset} see exactly the rule
 * iptables-restore would have written (iptables/nft-ipv4.c {@code nft_ipv4_add}, nft-shared.c,
 * nft.c {@code add_match}, and the extensions' parsers). What it does not fully understand it
 * does not encode ({@link #encode} gives null): the line then goes to iptables-restore.
 *
 * <p>Understood: {@code [!] -s/-d ADDR[/LEN]}, {@code [!] -i/-o NAME[+]}, {@code -p tcp|udp|sctp|icmp},
 * {@code -m tcp|udp|sctp --dport/--sport N[:M]}, {@code -m comment --comment TEXT},
 * {@code -m addrtype [!] --src-type/--dst-type TYPES}, {@code -m conntrack [!] --ctstate STATES};
 * targets ACCEPT, DROP, RETURN, a jump to a chain of the same table, {@code DNAT --to-destination
 * IP[:PORT[-PORT]]} and {@code MASQUERADE}. Every rule gets iptables-nft's counter before its target.
 */
public final class NftEncoding {
    private static final int TCP = 6, UDP = 17, SCTP = 132, ICMP = 1;
    private static final Map<String, Integer> PROTOCOLS = Map.of("tcp", TCP, "udp", UDP, "sctp", SCTP, "icmp", ICMP);
    private static final List<String> ADDRESS_TYPES = List.of("UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST",
            "MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE");
    // xt_conntrack.h: XT_CONNTRACK_STATE_BIT(ctinfo) = 1 << (ctinfo % IP_CT_IS_REPLY + 1), and the extras.
    private static final Map<String, Integer> CT_STATES = Map.of("INVALID", 1, "ESTABLISHED", 2, "RELATED", 4, "NEW", 8,
            "SNAT", 64, "DNAT", 128, "UNTRACKED", 256);
    private static final int COMMENT_SIZE = 256;

    private NftEncoding() {
    }

    /**
     * The rule as iptables-nft would write it to {@code table}, or null when the line is anything
     * but an {@code -A} this encoder fully understands, or names a chain that {@code chainExists}
     * (table, chain) denies.
     */
    public static NfRules.Rule encode(String table, String line, BiPredicate<String, String> chainExists) {
        List<String> w = words(line);
        if (w == null || w.size() < 2 || !w.get(0).equals("-A") || !chainExists.test(table, w.get(1))) {
            return null;
        }
        try {
            return new Parse(table, w, chainExists).rule(line);
        } catch (Unknown e) {
            return null;
        }
    }

    /** Something the encoder does not take: iptables-restore gets the line. */
    private static final class Unknown extends RuntimeException {
        Unknown() {
            super(null, null, false, false);
        }
    }

    /** One line's words, parsed as iptables' command line and turned into expressions. */
    private static final class Parse {
        final String table;
        final List<String> w;
        final BiPredicate<String, String> chainExists;
        int at = 2;
        String in, out;
        boolean inNot, outNot;
        int protocol;
        byte[] src, srcMask, dst, dstMask;
        boolean srcNot, dstNot;
        final List<NfExpr> matches = new ArrayList<>();
        NfExpr target;

        Parse(String table, List<String> w, BiPredicate<String, String> chainExists) {
            this.table = table;
            this.w = w;
            this.chainExists = chainExists;
        }

        NfRules.Rule rule(String line) {
            while (at < w.size()) {
                boolean not = w.get(at).equals("!");
                if (not) {
                    at++;
                }
                String opt = next();
                switch (opt) {
                    case "-s", "--source" -> {
                        require(src == null);
                        byte[][] a = cidr(next());
                        src = a[0];
                        srcMask = a[1];
                        srcNot = not;
                    }
                    case "-d", "--destination" -> {
                        require(dst == null);
                        byte[][] a = cidr(next());
                        dst = a[0];
                        dstMask = a[1];
                        dstNot = not;
                    }
                    case "-i", "--in-interface" -> {
                        require(in == null);
                        in = ifname(next());
                        inNot = not;
                    }
                    case "-o", "--out-interface" -> {
                        require(out == null);
                        out = ifname(next());
                        outNot = not;
                    }
                    case "-p", "--protocol" -> {
                        require(!not && protocol == 0);
                        Integer p = PROTOCOLS.get(next());
                        require(p != null);
                        protocol = p;
                    }
                    case "-m", "--match" -> {
                        require(!not && target == null);
                        match(next());
                    }
                    case "-j", "--jump" -> {
                        require(!not && target == null);
                        target(next());
                    }
                    default -> throw new Unknown();
                }
            }
            require(target != null);
            List<NfExpr> e = new ArrayList<>();
            if (in != null) {
                iface(e, NfExpr.META_IIFNAME, in, inNot);
            }
            if (out != null) {
                iface(e, NfExpr.META_OIFNAME, out, outNot);
            }
            if (protocol != 0) {
                e.add(new NfExpr.Meta(NfExpr.META_L4PROTO));
                e.add(new NfExpr.Cmp(NfExpr.CMP_EQ, new byte[] {(byte) protocol}));
            }
            if (src != null) {
                address(e, 12, src, srcMask, srcNot);
            }
            if (dst != null) {
                address(e, 16, dst, dstMask, dstNot);
            }
            e.addAll(matches);
            e.add(new NfExpr.Counter());
            e.add(target);
            return new NfRules.Rule(table, w.get(1), e, protocol, false, "append '-t " + table + " " + line + "'");
        }

        private String next() {
            require(at < w.size());
            return w.get(at++);
        }

        /** The next word when it is one of the match's options (possibly after a "!"), else null. */
        private String option(List<String> known, boolean[] not) {
            if (at >= w.size()) {
                return null;
            }
            int i = at;
            not[0] = w.get(i).equals("!");
            if (not[0]) {
                i++;
            }
            if (i >= w.size() || !known.contains(w.get(i))) {
                return null;
            }
            at = i + 1;
            return w.get(i);
        }

        private void match(String name) {
            boolean[] not = new boolean[1];
            switch (name) {
                case "tcp", "udp", "sctp" -> {
                    int p = PROTOCOLS.get(name);
                    require(protocol == p); // iptables: "TCP match requires '-p tcp'"
                    int[] sport = null, dport = null;
                    String o;
                    while ((o = option(List.of("--sport", "--source-port", "--dport", "--destination-port"), not)) != null) {
                        require(!not[0]);
                        if (o.equals("--dport") || o.equals("--destination-port")) {
                            require(dport == null);
                            dport = ports(next(), name.equals("sctp"));
                        } else {
                            require(sport == null);
                            sport = ports(next(), name.equals("sctp"));
                        }
                    }
                    require(sport != null || dport != null);
                    if (name.equals("sctp")) {
                        matches.add(new NfExpr.Match("sctp", 0, sctpInfo(sport, dport)));
                    } else {
                        ports(sport == null ? new int[] {0, 0xffff} : sport, dport == null ? new int[] {0, 0xffff} : dport);
                    }
                }
                case "comment" -> {
                    require(option(List.of("--comment"), not) != null && !not[0]);
                    byte[] text = next().getBytes(StandardCharsets.UTF_8);
                    require(text.length < COMMENT_SIZE && option(List.of("--comment"), not) == null);
                    byte[] info = new byte[COMMENT_SIZE];
                    System.arraycopy(text, 0, info, 0, text.length);
                    matches.add(new NfExpr.Match("comment", 0, info));
                }
                case "addrtype" -> {
                    // struct xt_addrtype_info_v1 { u16 source; u16 dest; u32 flags; }, host byte order
                    int source = 0, dest = 0, flags = 0;
                    String o;
                    while ((o = option(List.of("--src-type", "--dst-type"), not)) != null) {
                        int types = addressTypes(next());
                        if (o.equals("--src-type")) {
                            require(source == 0);
                            source = types;
                            flags |= not[0] ? 1 : 0;
                        } else {
                            require(dest == 0);
                            dest = types;
                            flags |= not[0] ? 2 : 0;
                        }
                    }
                    require(source != 0 || dest != 0);
                    matches.add(new NfExpr.Match("addrtype", 1, host(8).putShort((short) source).putShort((short) dest)
                            .putInt(flags).array()));
                }
                case "conntrack" -> {
                    // struct xt_conntrack_mtinfo3 (168 bytes with XT_ALIGN): only --ctstate is taken
                    require(option(List.of("--ctstate"), not) != null);
                    int states = 0;
                    for (String s : next().split(",", -1)) {
                        Integer bit = CT_STATES.get(s);
                        require(bit != null);
                        states |= bit;
                    }
                    require(option(List.of("--ctstate"), new boolean[1]) == null);
                    ByteBuffer info = host(168);
                    info.putShort(146, (short) 1); // match_flags: XT_CONNTRACK_STATE
                    info.putShort(148, (short) (not[0] ? 1 : 0)); // invert_flags
                    info.putShort(150, (short) states); // state_mask
                    matches.add(new NfExpr.Match("conntrack", 3, info.array()));
                }
                default -> throw new Unknown();
            }
        }

        private void target(String name) {
            switch (name) {
                case "ACCEPT" -> target = new NfExpr.Verdict(NfExpr.VERDICT_ACCEPT, null);
                case "DROP" -> target = new NfExpr.Verdict(NfExpr.VERDICT_DROP, null);
                case "RETURN" -> target = new NfExpr.Verdict(NfExpr.VERDICT_RETURN, null);
                case "MASQUERADE" -> {
                    // struct nf_nat_ipv4_multi_range_compat { rangesize = 1; range[1] zero } (24 bytes with XT_ALIGN)
                    target = new NfExpr.Target("MASQUERADE", 0, host(24).putInt(1).array());
                }
                case "DNAT" -> {
                    require(next().equals("--to-destination"));
                    target = new NfExpr.Target("DNAT", 2, natRange(next()));
                }
                default -> {
                    // A user chain of this table (iptables refuses chain names that are targets' names).
                    require(name.matches("[A-Za-z0-9_.-]+") && !name.startsWith("-") && chainExists.test(table, name));
                    target = new NfExpr.Verdict(NfExpr.VERDICT_JUMP, name);
                }
            }
            require(at == w.size()); // no target options left unread
        }

        /** struct nf_nat_range2 (48 bytes with XT_ALIGN) of {@code IP[:PORT[-PORT]]}, as libxt_NAT's parse_to fills it. */
        private byte[] natRange(String to) {
            String ip = to, ports = null;
            int colon = to.indexOf(':');
            if (colon >= 0) {
                ip = to.substring(0, colon);
                ports = to.substring(colon + 1);
            }
            byte[] addr = ipv4(ip);
            int flags = 1; // NF_NAT_RANGE_MAP_IPS
            int lo = 0, hi = 0;
            if (ports != null) {
                require(protocol == TCP || protocol == UDP || protocol == SCTP);
                flags |= 2; // NF_NAT_RANGE_PROTO_SPECIFIED
                String[] p = ports.split("-", -1);
                require(p.length <= 2);
                lo = port(p[0]);
                hi = p.length == 2 ? port(p[1]) : lo;
                require(hi >= lo);
            }
            ByteBuffer b = host(48).putInt(flags);
            b.put(4, addr).put(20, addr);
            b.order(ByteOrder.BIG_ENDIAN).putShort(36, (short) lo).putShort(38, (short) hi);
            return b.array();
        }

        /** struct xt_sctp_info (296 bytes with XT_ALIGN), as libxt_sctp fills it for --sport/--dport. */
        private static byte[] sctpInfo(int[] sport, int[] dport) {
            ByteBuffer b = host(296);
            if (dport != null) {
                b.putShort(0, (short) dport[0]).putShort(2, (short) dport[1]);
            }
            if (sport != null) {
                b.putShort(4, (short) sport[0]).putShort(6, (short) sport[1]);
            }
            for (int i = 0; i < 4; i++) {
                b.put(268 + 3 * i, (byte) 0xff); // flag_info[i].chunktype = -1 (sctp_init)
            }
            b.putInt(284, (sport != null ? 1 : 0) | (dport != null ? 2 : 0)); // flags: XT_SCTP_SRC_PORTS, XT_SCTP_DEST_PORTS
            return b.array();
        }

        /** nft.c add_nft_tcpudp: both single ports in one 4-byte compare, else each alone. */
        private void ports(int[] src, int[] dst) {
            if (src[0] != 0 && src[0] == src[1] && dst[0] != 0 && dst[0] == dst[1]) {
                matches.add(new NfExpr.Payload(NfExpr.PAYLOAD_TRANSPORT, 0, 4));
                matches.add(new NfExpr.Cmp(NfExpr.CMP_EQ, ByteBuffer.allocate(4).putShort((short) src[0]).putShort((short) dst[0]).array()));
                return;
            }
            if (src[0] != 0 || src[1] < 0xffff) {
                matches.add(new NfExpr.Payload(NfExpr.PAYLOAD_TRANSPORT, 0, 2));
                portRange(src);
            }
            if (dst[0] != 0 || dst[1] < 0xffff) {
                matches.add(new NfExpr.Payload(NfExpr.PAYLOAD_TRANSPORT, 2, 2));
                portRange(dst);
            }
        }

        /** nft.c expr_gen_range_cmp16. */
        private void portRange(int[] p) {
            if (p[0] == p[1]) {
                matches.add(new NfExpr.Cmp(NfExpr.CMP_EQ, be16(p[0])));
            } else if (p[0] == 0 && p[1] < 0xffff) {
                matches.add(new NfExpr.Cmp(NfExpr.CMP_LTE, be16(p[1])));
            } else {
                matches.add(new NfExpr.Range(false, be16(p[0]), be16(p[1])));
            }
        }

        /** N or N:M (either end may be left out), as libxt_tcp/udp/sctp parse them. */
        private int[] ports(String s, boolean sctp) {
            int colon = s.indexOf(':');
            if (colon < 0) {
                int p = port(s);
                return new int[] {p, p};
            }
            String a = s.substring(0, colon), b = s.substring(colon + 1);
            int lo = a.isEmpty() ? 0 : port(a), hi = b.isEmpty() ? 0xffff : port(b);
            require(lo <= hi && !(sctp && a.isEmpty() && b.isEmpty()));
            return new int[] {lo, hi};
        }

        private static int port(String s) {
            require(s.matches("\\d{1,5}"));
            int p = Integer.parseInt(s);
            require(p <= 0xffff);
            return p;
        }

        private static int addressTypes(String list) {
            int mask = 0;
            for (String t : list.split(",", -1)) {
                int i = ADDRESS_TYPES.indexOf(t.toUpperCase(java.util.Locale.ROOT));
                require(i >= 0);
                mask |= 1 << i;
            }
            return mask;
        }

        /** nft-shared.c add_iniface/add_outiface: the name with its NUL, or a prefix for NAME+. */
        private static void iface(List<NfExpr> e, int key, String name, boolean not) {
            e.add(new NfExpr.Meta(key));
            boolean prefix = name.endsWith("+");
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            byte[] value = prefix ? java.util.Arrays.copyOf(b, b.length - 1) : java.util.Arrays.copyOf(b, b.length + 1);
            e.add(new NfExpr.Cmp(not ? NfExpr.CMP_NEQ : NfExpr.CMP_EQ, value));
        }

        /** nft-shared.c add_addr: the whole bytes of the prefix compared, a mask only where it cuts a byte. */
        private static void address(List<NfExpr> e, int offset, byte[] addr, byte[] mask, boolean not) {
            int whole = 0;
            while (whole < 4 && mask[whole] == (byte) 0xff) {
                whole++;
            }
            boolean bitwise = whole < 4 && mask[whole] != 0;
            int len = bitwise ? 4 : whole;
            e.add(new NfExpr.Payload(NfExpr.PAYLOAD_NETWORK, offset, len));
            if (bitwise) {
                e.add(new NfExpr.Bitwise(mask));
            }
            e.add(new NfExpr.Cmp(not ? NfExpr.CMP_NEQ : NfExpr.CMP_EQ, java.util.Arrays.copyOf(addr, len)));
        }

        private static String ifname(String name) {
            // IFNAMSIZ 16 with the NUL; a lone "+" (any interface) is encoded oddly by iptables-nft: left to it.
            require(!name.isEmpty() && name.length() <= 15 && !name.equals("+") && name.matches("[^\\s/\"']+")
                    && name.indexOf('+') == (name.endsWith("+") ? name.length() - 1 : -1));
            return name;
        }

        /** ADDR or ADDR/LEN (LEN 1..32): the address masked as iptables masks it, and the mask. */
        private static byte[][] cidr(String s) {
            int slash = s.indexOf('/');
            byte[] addr = ipv4(slash < 0 ? s : s.substring(0, slash));
            int len = 32;
            if (slash >= 0) {
                String l = s.substring(slash + 1);
                require(l.matches("\\d{1,2}"));
                len = Integer.parseInt(l);
                require(len >= 1 && len <= 32);
            }
            int m = (int) (0xffffffffL << (32 - len));
            byte[] mask = ByteBuffer.allocate(4).putInt(m).array();
            for (int i = 0; i < 4; i++) {
                addr[i] &= mask[i];
            }
            return new byte[][] {addr, mask};
        }

        private static byte[] ipv4(String s) {
            String[] p = s.split("\\.", -1);
            require(p.length == 4);
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                require(p[i].matches("\\d{1,3}") && Integer.parseInt(p[i]) <= 255);
                b[i] = (byte) Integer.parseInt(p[i]);
            }
            return b;
        }

        private static byte[] be16(int v) {
            return new byte[] {(byte) (v >> 8), (byte) v};
        }

        private static ByteBuffer host(int size) {
            return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        }

        private static void require(boolean ok) {
            if (!ok) {
                throw new Unknown();
            }
        }
    }

    /**
     * A restore line's words, split as iptables-restore splits them (xshared.c add_param_to_argv):
     * spaces separate words; inside double quotes a backslash takes the next character as it is.
     * Null for a line it would read differently (a quote left open).
     */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean open = false, escaped = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (open) {
                if (escaped) {
                    word.append(c);
                    escaped = false;
                    continue;
                } else if (c == '\\') {
                    escaped = true;
                    continue;
                } else if (c != '"') {
                    word.append(c);
                    continue;
                }
                open = false;
            } else if (c == '"') {
                open = true;
                continue;
            }
            if (c == '"' || c == ' ' || c == '\t' || c == '\n') {
                if (c != '"' && word.length() == 0) {
                    continue;
                }
                out.add(word.toString());
                word.setLength(0);
                continue;
            }
            word.append(c);
        }
        if (open) {
            return null;
        }
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }
}
