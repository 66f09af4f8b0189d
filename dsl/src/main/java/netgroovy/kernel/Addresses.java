package netgroovy.kernel;

import java.util.ArrayList;
import java.util.List;
import netgroovy.kernel.netlink.Attributes;
import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.Nl;
import netgroovy.kernel.netlink.Request;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;

/** Verbs on interface addresses (RTM_*ADDR), IPv4 and IPv6. */
public final class Addresses {
    private static final int IFADDR = 8;
    private final Rtnl rtnl;

    Addresses(Rtnl rtnl) {
        this.rtnl = rtnl;
    }

    /**
     * Equivalent to: {@code ip addr add CIDR [brd +] dev NAME} (IPv4 gets its broadcast address,
     * as Docker's netlink library sets it; IPv6 is added {@code nodad}, usable at once).
     */
    public void add(IfName dev, Cidr cidr) {
        try {
            rtnl.socket().execute(new Request("add " + cidr + " to " + dev + rtnl.in(),
                    message(Nl.RTM_NEWADDR, Nl.F_CREATE | Nl.F_EXCL, dev, cidr)));
        } finally {
            rtnl.seen().forgetAddresses();
        }
    }

    /** Equivalent to: {@code ip addr del CIDR dev NAME}. */
    public void delete(IfName dev, Cidr cidr) {
        try {
            rtnl.socket().execute(new Request("remove " + cidr + " from " + dev + rtnl.in(),
                    message(Nl.RTM_DELADDR, 0, dev, cidr)));
        } finally {
            rtnl.seen().forgetAddresses();
        }
    }

    /** Equivalent to: {@code ip addr show}. */
    public List<Address> list() {
        List<Address> found = rtnl.seen().addresses(this::dump);
        java.util.Map<Integer, String> names = new java.util.HashMap<>();
        for (Link l : rtnl.links().list()) {
            names.put(l.index(), l.name());
        }
        return found.stream().map(a -> a.on(names.getOrDefault(a.linkIndex(), a.linkName()))).toList();
    }

    /**
     * The addresses, their links named by index only ("if7"): naming them is the callers', who
     * may know the one link they want. IPv4's, then IPv6's, as {@code ip addr} lists them. Asked
     * family by family: a dump of every family at once (AF_UNSPEC) waits for the rtnetlink lock,
     * held for milliseconds by the kernel's own work on links just made and namespaces just
     * deleted; each family's dump is answered without it (Linux 6.9 and later).
     */
    private List<Address> dump() {
        List<Address> out = new ArrayList<>();
        dump(Nl.AF_INET, out);
        dump(Nl.AF_INET6, out);
        return out;
    }

    private void dump(int family, List<Address> out) {
        MessageWriter m = new MessageWriter(Nl.RTM_GETADDR, Nl.F_REQUEST | Nl.F_DUMP).u8(family).u8(0).u8(0).u8(0).u32(0);
        for (Message msg : rtnl.socket().dump("list addresses" + rtnl.in(), m)) {
            if (msg.type() != Nl.RTM_NEWADDR) {
                continue;
            }
            int prefix = msg.u8(1);
            int scope = msg.u8(3);
            int index = msg.i32(4);
            Attributes a = msg.attributes(IFADDR);
            byte[] local = a.has(Nl.IFA_LOCAL) ? a.bytes(Nl.IFA_LOCAL) : a.bytes(Nl.IFA_ADDRESS);
            out.add(new Address(new Cidr(IpAddress.of(local), prefix), index, "if" + index, scopeName(scope)));
        }
    }

    /** Addresses on one link. Equivalent to: {@code ip addr show dev NAME}. */
    public List<Address> list(IfName dev) {
        int index = rtnl.links().index(dev);
        return rtnl.seen().addresses(this::dump).stream().filter(a -> a.linkIndex() == index).map(a -> a.on(dev.name())).toList();
    }

    private MessageWriter message(int type, int flags, IfName dev, Cidr cidr) {
        int index = rtnl.links().index(dev);
        int scope = cidr.address().isV4() && cidr.address().bytes()[0] == 127 ? Nl.RT_SCOPE_HOST : Nl.RT_SCOPE_UNIVERSE;
        MessageWriter m = new MessageWriter(type, Nl.F_REQUEST | Nl.F_ACK | flags)
                .u8(cidr.family()).u8(cidr.prefix()).u8(0).u8(scope).u32(index);
        byte[] addr = cidr.address().bytes();
        m.attr(Nl.IFA_LOCAL, addr);
        m.attr(Nl.IFA_ADDRESS, addr);
        if (type == Nl.RTM_NEWADDR) {
            if (cidr.isV4() && cidr.prefix() < 31) {
                m.attr(Nl.IFA_BROADCAST, broadcast(cidr));
            }
            if (!cidr.isV4()) {
                m.attrU32(Nl.IFA_FLAGS, Nl.IFA_F_NODAD);
            }
        }
        return m;
    }

    static byte[] broadcast(Cidr cidr) {
        byte[] b = cidr.address().bytes();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, cidr.prefix() - i * 8));
            b[i] |= (byte) (0xff >>> keep);
        }
        return b;
    }

    static String scopeName(int scope) {
        return switch (scope) {
            case Nl.RT_SCOPE_UNIVERSE -> "global";
            case 200 -> "site";
            case Nl.RT_SCOPE_LINK -> "link";
            case Nl.RT_SCOPE_HOST -> "host";
            case 255 -> "nowhere";
            default -> String.valueOf(scope);
        };
    }
}
