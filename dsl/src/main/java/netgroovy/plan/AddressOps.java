package netgroovy.plan;

import java.util.List;
import netgroovy.kernel.Address;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;

/** Operations on interface addresses. */
public final class AddressOps {
    private AddressOps() {
    }

    /**
     * {@code ip addr add CIDR dev NAME}. When {@code sole} is set (a bridge's cidr), another
     * address of the same IP version already on the link is a conflict, not something to add to.
     */
    public record Add(Where where, IfName dev, Cidr cidr, boolean sole) implements Op {
        public String command() {
            return where.ip() + "addr add " + cidr + " dev " + dev;
        }

        public void lookups(java.util.function.BiConsumer<Where, IfName> link) {
            link.accept(where, dev); // (its index, for the request)
        }

        public State check(Kernel k) {
            if (LinkOps.find(k, where, dev).isEmpty()) {
                return State.TODO; // made earlier in this same plan; the kernel will say if not
            }
            List<Address> on = k.addresses(where).list(dev);
            if (on.stream().anyMatch(a -> a.cidr().equals(cidr))) {
                return State.DONE;
            }
            if (sole) {
                for (Address a : on) {
                    if (a.cidr().family() == cidr.family() && "global".equals(a.scope())) {
                        return State.conflict(dev + Ops.in(where) + " already has " + a.cidr() + "; this asks for "
                                + cidr + " (remove the old one first, or use another name)");
                    }
                }
            }
            return State.TODO;
        }

        public void apply(Kernel k) {
            k.addresses(where).add(dev, cidr);
        }

        /** (A bridge's sole address needs asking first: another address of its family is a conflict the kernel would not refuse.) */
        public boolean checkedByKernel() {
            return !sole;
        }

        public void undo(Kernel k) {
            k.addresses(where).delete(dev, cidr);
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return dev + Ops.in(where);
        }
    }

    /** {@code ip addr del CIDR dev NAME}. */
    public record Delete(Where where, IfName dev, Cidr cidr) implements Op {
        public boolean isRemoval() {
            return true;
        }

        public String command() {
            return where.ip() + "addr del " + cidr + " dev " + dev;
        }

        public State check(Kernel k) {
            boolean present = k.addresses(where).list(dev).stream().anyMatch(a -> a.cidr().equals(cidr));
            return present ? State.TODO : State.DONE;
        }

        public void apply(Kernel k) {
            k.addresses(where).delete(dev, cidr);
        }

        public void undo(Kernel k) {
            k.addresses(where).add(dev, cidr);
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return dev + Ops.in(where);
        }
    }
}
