package netgroovy.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import netgroovy.kernel.netlink.Attributes;
import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.Nl;
import netgroovy.kernel.netlink.Request;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;

/** Verbs on routes (RTM_*ROUTE) in the main table, IPv4 and IPv6, and route look-up. */
public final class Routes {
    private static final int RTMSG = 12;
    private final Rtnl rtnl;

    Routes(Rtnl rtnl) {
        this.rtnl = rtnl;
    }

    /**
     * Equivalent to: {@code ip route add DEST [via GATEWAY] [dev NAME]}. DEST null is the
     * default route. Without a gateway the route is on-link ({@code scope link}); a /32 (or
     * /128) without a gateway is a host route, as in a point-to-point link.
     */
    public void add(Cidr destination, IpAddress gateway, IfName dev) {
        try {
            rtnl.socket().execute(new Request("add route " + text(destination, gateway, dev) + rtnl.in(),
                    message(Nl.RTM_NEWROUTE, Nl.F_CREATE | Nl.F_EXCL, destination, gateway, dev)));
        } finally {
            rtnl.seen().forgetRoutes();
        }
    }

    /** Equivalent to: {@code ip route del DEST [via GATEWAY] [dev NAME]}. */
    public void delete(Cidr destination, IpAddress gateway, IfName dev) {
        try {
            rtnl.socket().execute(new Request("delete route " + text(destination, gateway, dev) + rtnl.in(),
                    message(Nl.RTM_DELROUTE, 0, destination, gateway, dev)));
        } finally {
            rtnl.seen().forgetRoutes();
        }
    }

    /** Routes of the main table. Equivalent to: {@code ip route show} and {@code ip -6 route show}. */
    public List<Route> list() {
        List<Route> found = byIndex();
        if (found.stream().noneMatch(r -> r.deviceIndex() != 0)) {
            return found;
        }
        Map<Integer, String> names = linkNames();
        return found.stream().map(r -> r.deviceIndex() == 0 ? r : r.via(names.getOrDefault(r.deviceIndex(), r.device()))).toList();
    }

    /**
     * The main table's routes with their links named by index only ("if7"): what a check that
     * knows the index of the one link it means needs, without a dump of every link to name them.
     */
    public List<Route> byIndex() {
        return rtnl.seen().routes(this::dump);
    }

    private List<Route> dump() {
        List<Route> out = new ArrayList<>();
        Map<Integer, String> names = Map.of();
        for (int family : new int[] {Nl.AF_INET, Nl.AF_INET6}) {
            MessageWriter m = new MessageWriter(Nl.RTM_GETROUTE, Nl.F_REQUEST | Nl.F_DUMP)
                    .u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
            for (Message msg : rtnl.socket().dump("list routes" + rtnl.in(), m)) {
                if (msg.type() == Nl.RTM_NEWROUTE) {
                    Route r = decode(msg, names);
                    if (r.table() == Nl.RT_TABLE_MAIN) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** Which route the kernel takes to reach {@code to}. Equivalent to: {@code ip route get ADDRESS}. */
    public Route get(IpAddress to) {
        MessageWriter m = new MessageWriter(Nl.RTM_GETROUTE, Nl.F_REQUEST)
                .u8(to.family()).u8(to.bits()).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
        m.attr(Nl.RTA_DST, to.bytes());
        List<Message> answer = rtnl.socket().query(new Request("find a route to " + to + rtnl.in(), m));
        if (answer.isEmpty()) {
            throw new KernelException("no route to " + to + rtnl.in());
        }
        return decode(answer.get(0), linkNames());
    }

    private Map<Integer, String> linkNames() {
        return rtnl.links().list().stream().collect(Collectors.toMap(Link::index, Link::name, (a, b) -> a));
    }

    private MessageWriter message(int type, int flags, Cidr destination, IpAddress gateway, IfName dev) {
        int family = destination != null ? destination.family() : gateway != null ? gateway.family() : Nl.AF_INET;
        if (destination != null && gateway != null && destination.family() != gateway.family()) {
            throw new KernelException("route to " + destination + " via " + gateway + ": the gateway is not of the same IP version");
        }
        int prefix = destination == null ? 0 : destination.prefix();
        int scope = gateway == null && dev != null ? Nl.RT_SCOPE_LINK : Nl.RT_SCOPE_UNIVERSE;
        if (family == Nl.AF_INET6) {
            scope = Nl.RT_SCOPE_UNIVERSE; // IPv6 routes are always universe-scoped
        }
        MessageWriter m = new MessageWriter(type, Nl.F_REQUEST | Nl.F_ACK | flags)
                .u8(family).u8(prefix).u8(0).u8(0)
                .u8(Nl.RT_TABLE_MAIN).u8(type == Nl.RTM_DELROUTE ? 0 : Nl.RTPROT_BOOT)
                .u8(type == Nl.RTM_DELROUTE ? 255 : scope).u8(Nl.RTN_UNICAST).u32(0);
        if (destination != null) {
            m.attr(Nl.RTA_DST, destination.network().address().bytes());
        }
        if (gateway != null) {
            m.attr(Nl.RTA_GATEWAY, gateway.bytes());
        }
        if (dev != null) {
            m.attrU32(Nl.RTA_OIF, rtnl.links().index(dev));
        }
        if (destination == null && gateway == null && dev == null) {
            throw new KernelException("a route needs a destination, a gateway or a device");
        }
        return m;
    }

    private static String text(Cidr destination, IpAddress gateway, IfName dev) {
        return (destination == null ? "default" : destination.toString())
                + (gateway == null ? "" : " via " + gateway)
                + (dev == null ? "" : " dev " + dev);
    }

    static Route decode(Message msg, Map<Integer, String> names) {
        int prefix = msg.u8(1);
        int table = msg.u8(4);
        int protocol = msg.u8(5);
        int scope = msg.u8(6);
        int type = msg.u8(7);
        Attributes a = msg.attributes(RTMSG);
        table = a.u32(Nl.RTA_TABLE, table);
        byte[] dst = a.bytes(Nl.RTA_DST);
        Cidr destination = dst == null ? null : new Cidr(IpAddress.of(dst), prefix);
        byte[] gw = a.bytes(Nl.RTA_GATEWAY);
        byte[] src = a.bytes(Nl.RTA_PREFSRC);
        int oif = a.u32(Nl.RTA_OIF, 0);
        Function<Integer, String> name = i -> i == 0 ? null : names.getOrDefault(i, "if" + i);
        return new Route(destination, gw == null ? null : IpAddress.of(gw), name.apply(oif), oif,
                Addresses.scopeName(scope), protocolName(protocol), table, typeName(type),
                src == null ? null : IpAddress.of(src), a.u32(Nl.RTA_PRIORITY, 0));
    }

    static String protocolName(int p) {
        return switch (p) {
            case 0 -> "unspec";
            case 1 -> "redirect";
            case Nl.RTPROT_KERNEL -> "kernel";
            case Nl.RTPROT_BOOT -> "boot";
            case Nl.RTPROT_STATIC -> "static";
            case 16 -> "dhcp";
            case 9 -> "ra";
            default -> String.valueOf(p);
        };
    }

    static String typeName(int t) {
        return switch (t) {
            case Nl.RTN_UNICAST -> "unicast";
            case Nl.RTN_LOCAL -> "local";
            case 3 -> "broadcast";
            case 4 -> "anycast";
            case 5 -> "multicast";
            case 6 -> "blackhole";
            case 7 -> "unreachable";
            case 8 -> "prohibit";
            default -> String.valueOf(t);
        };
    }
}
