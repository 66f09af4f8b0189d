package netgroovy.plan;

import java.util.Objects;
import netgroovy.kernel.Route;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;

/** Operations on routes of the main table. */
public final class RouteOps {
    private RouteOps() {
    }

    static String text(Cidr dst, IpAddress via, IfName dev) {
        return (dst == null ? "default" : dst.isHostRoute() ? dst.address().toString() : dst.network().toString())
                + (via == null ? "" : " via " + via)
                + (dev == null ? "" : " dev " + dev);
    }

    static boolean same(Route r, Cidr dst, IpAddress via, IfName dev) {
        return sameButLink(r, dst, via) && (dev == null || dev.name().equals(r.device()));
    }

    /** As {@link #same}, the link given by its index (0: any). */
    static boolean same(Route r, Cidr dst, IpAddress via, int devIndex) {
        return sameButLink(r, dst, via) && (devIndex == 0 || r.deviceIndex() == devIndex);
    }

    private static boolean sameButLink(Route r, Cidr dst, IpAddress via) {
        int family = dst != null ? dst.family() : via != null ? via.family() : 2;
        boolean sameDst = dst == null ? r.destination() == null
                : r.destination() != null && r.destination().equals(dst.network());
        if (dst == null && r.destination() == null && family != (r.gateway() == null ? family : r.gateway().family())) {
            return false;
        }
        return sameDst && Objects.equals(r.gateway(), via);
    }

    /** {@code ip route add DEST [via GW] [dev NAME]}. */
    public record Add(Where where, Cidr destination, IpAddress via, IfName dev) implements Op {
        public String command() {
            String family = (destination != null && !destination.isV4()) || (via != null && !via.isV4()) ? "-6 " : "";
            return where.ip() + family + "route add " + text(destination, via, dev);
        }

        public State check(Kernel k) {
            return k.routes(where).has(destination, via, dev) ? State.DONE : State.TODO;
        }

        public void lookups(java.util.function.BiConsumer<Where, IfName> link) {
            if (dev != null) {
                link.accept(where, dev);
            }
        }

        public void apply(Kernel k) {
            k.routes(where).add(destination, via, dev);
        }

        public boolean checkedByKernel() {
            return true;
        }

        public void undo(Kernel k) {
            k.routes(where).delete(destination, via, dev);
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return "route " + text(destination, via, dev) + Ops.in(where);
        }
    }

    /** {@code ip route del DEST [via GW] [dev NAME]}. */
    public record Delete(Where where, Cidr destination, IpAddress via, IfName dev) implements Op {
        public boolean isRemoval() {
            return true;
        }

        public String command() {
            return where.ip() + "route del " + text(destination, via, dev);
        }

        public State check(Kernel k) {
            return k.routes(where).has(destination, via, dev) ? State.TODO : State.DONE;
        }

        public void apply(Kernel k) {
            k.routes(where).delete(destination, via, dev);
        }

        public void undo(Kernel k) {
            k.routes(where).add(destination, via, dev);
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return "route " + text(destination, via, dev) + Ops.in(where);
        }
    }
}
