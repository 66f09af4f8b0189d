package netgroovy.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import netgroovy.kernel.netlink.Attributes;
import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.Nl;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/** The neighbour table (RTM_GETNEIGH). */
public final class Neighbours {
    private static final int NDMSG = 12;
    private final Rtnl rtnl;

    Neighbours(Rtnl rtnl) {
        this.rtnl = rtnl;
    }

    /** Equivalent to: {@code ip neigh show}. */
    public List<Neighbour> list() {
        Map<Integer, String> names = rtnl.links().list().stream()
                .collect(Collectors.toMap(Link::index, Link::name, (a, b) -> a));
        MessageWriter m = new MessageWriter(Nl.RTM_GETNEIGH, Nl.F_REQUEST | Nl.F_DUMP)
                .u8(Nl.AF_UNSPEC).u8(0).u16(0).u32(0).u16(0).u8(0).u8(0);
        List<Neighbour> out = new ArrayList<>();
        for (Message msg : rtnl.socket().dump("list neighbours" + rtnl.in(), m)) {
            if (msg.type() != Nl.RTM_NEWNEIGH) {
                continue;
            }
            int family = msg.u8(0);
            if (family != Nl.AF_INET && family != Nl.AF_INET6) {
                continue;
            }
            int index = msg.i32(4);
            int state = msg.u16(8);
            Attributes a = msg.attributes(NDMSG);
            byte[] dst = a.bytes(Nl.NDA_DST);
            byte[] ll = a.bytes(Nl.NDA_LLADDR);
            if (dst == null) {
                continue;
            }
            out.add(new Neighbour(IpAddress.of(dst), ll != null && ll.length == 6 ? Mac.of(ll) : null,
                    names.getOrDefault(index, "if" + index), stateName(state)));
        }
        return out;
    }

    static String stateName(int s) {
        if ((s & 0x80) != 0) return "PERMANENT";
        if ((s & 0x40) != 0) return "NOARP";
        if ((s & 0x02) != 0) return "REACHABLE";
        if ((s & 0x04) != 0) return "STALE";
        if ((s & 0x08) != 0) return "DELAY";
        if ((s & 0x10) != 0) return "PROBE";
        if ((s & 0x20) != 0) return "FAILED";
        if ((s & 0x01) != 0) return "INCOMPLETE";
        return "NONE";
    }
}
