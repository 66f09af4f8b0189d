package netgroovy.plan;

import java.util.Optional;
import netgroovy.kernel.Link;
import netgroovy.value.IfName;
import netgroovy.value.Mac;

/** Operations on links: create, delete, up/down, master, rename, MAC, MTU, namespace, STP. */
public final class LinkOps {
    private LinkOps() {
    }

    static Kernel.Links links(Kernel k, Where w) {
        return k.links(w);
    }

    static Optional<Link> find(Kernel k, Where w, IfName name) {
        return links(k, w).get(name);
    }

    /**
     * Waits until a link that goes with a namespace deleted earlier in the plan has gone from
     * here: a container's host veth, which the kernel removes once it has destroyed the
     * namespace, a moment after the deletion returned (longer on a busy machine). The statement
     * then ends with it gone, as Docker's {@code rm} ends with its veth deleted. Still there
     * after 5 s, it is deleted outright.
     */
    public record GoneWith(Where where, IfName name, String namespace) implements Op {
        private static final long WITHIN_NANOS = 5_000_000_000L;

        public boolean isRemoval() {
            return true;
        }

        public String command() {
            return "# " + name + Ops.in(where) + " goes with namespace " + namespace;
        }

        public State check(Kernel k) {
            return find(k, where, name).isPresent() ? State.TODO : State.DONE;
        }

        public void apply(Kernel k) {
            long deadline = System.nanoTime() + WITHIN_NANOS;
            k.remember(false); // each look asks the kernel again
            try {
                while (find(k, where, name).isPresent()) {
                    if (System.nanoTime() > deadline) {
                        try {
                            links(k, where).delete(name);
                        } catch (RuntimeException e) {
                            if (!Ops.isGone(e)) {
                                throw e;
                            }
                        }
                        return;
                    }
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                k.remember(true);
            }
        }

        public void undo(Kernel k) {
            // gone with its namespace: the namespace's undo makes an empty one, without it
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /** {@code ip link add NAME type bridge}. */
    public record CreateBridge(Where where, IfName name) implements Op {
        public String command() {
            return where.ip() + "link add " + name + " type bridge";
        }

        public void lookups(java.util.function.BiConsumer<Where, IfName> link) {
            link.accept(where, name);
        }

        public State check(Kernel k) {
            Optional<Link> l = find(k, where, name);
            if (l.isEmpty()) {
                return State.TODO;
            }
            return l.get().isBridge() ? State.DONE
                    : State.conflict(name + Ops.in(where) + " already exists and is a " + l.get().kindName() + ", not a bridge");
        }

        public void apply(Kernel k) {
            links(k, where).addBridge(name);
        }

        public java.util.List<String> leftovers() {
            return where.isHost() ? java.util.List.of("link " + name) : java.util.List.of();
        }

        public void undo(Kernel k) {
            links(k, where).delete(name);
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return "bridge " + name + Ops.in(where);
        }
    }

    /** {@code ip link add A [master BRIDGE] type veth peer name B [netns NS]}: with a master, A is born its port (down). */
    public record CreateVeth(Where where, IfName a, IfName b, Where peerIn, IfName master) implements Op {
        public CreateVeth(Where where, IfName a, IfName b, Where peerIn) {
            this(where, a, b, peerIn, null);
        }

        public java.util.List<String> leftovers() {
            return where.isHost() ? java.util.List.of("link " + a) : java.util.List.of();
        }

        public String command() {
            return where.ip() + "link add " + a + (master == null ? "" : " master " + master) + " type veth peer name " + b
                    + (peerIn == null || peerIn.equals(where) ? "" : " netns " + peerIn.netnsArg());
        }

        public void lookups(java.util.function.BiConsumer<Where, IfName> link) {
            link.accept(where, a); // (the master's index is one ioctl when the pair is made)
        }

        public State check(Kernel k) {
            if (links(k, where).glance(a).isEmpty()) {
                return State.TODO; // (told without the rtnetlink lock: see Glance)
            }
            Optional<Link> l = find(k, where, a);
            if (l.isEmpty()) {
                return State.TODO;
            }
            if (!l.get().isVeth()) {
                return State.conflict(a + Ops.in(where) + " already exists and is a " + l.get().kindName() + ", not a veth");
            }
            k.settle(where.label(), b.name());
            return State.DONE;
        }

        public void apply(Kernel k) {
            if (master == null) {
                links(k, where).addVeth(a, b, peerIn);
            } else {
                links(k, where).addVeth(a, b, peerIn, master);
            }
        }

        public void undo(Kernel k) {
            links(k, where).delete(a);
        }

        public java.util.List<String> diesWith() {
            // Both ends go when either does: the namespace either end was born in takes the pair.
            return where.isHost() ? Ops.diesWith(peerIn) : Ops.diesWith(where);
        }

        public boolean gone(Kernel k) {
            if (where.isHost()) {
                return find(k, where, a).isEmpty();
            }
            return peerIn == null || !peerIn.isHost() || find(k, peerIn, b).isEmpty();
        }

        public String subject() {
            return "veth pair " + a + "/" + b + Ops.in(where);
        }

        public java.util.List<String> onLinks() {
            return java.util.List.of(Ops.link(where, a), Ops.link(peerIn == null ? where : peerIn, b));
        }
    }

    /** {@code ip link delete NAME}. */
    public static final class Delete implements Op {
        public boolean isRemoval() {
            return true;
        }

        private final Where where;
        private final IfName name;
        /** What the link was, kept so that undo can make it again. */
        private Link was;
        private IfName peer;
        private java.util.List<netgroovy.value.Cidr> addresses = java.util.List.of();
        private IfName master;

        public Delete(Where where, IfName name) {
            this.where = where;
            this.name = name;
        }

        public String command() {
            return where.ip() + "link delete " + name;
        }

        public State check(Kernel k) {
            return find(k, where, name).isPresent() ? State.TODO : State.DONE;
        }

        public void apply(Kernel k) {
            Kernel.Links links = links(k, where);
            var there = links.get(name);
            if (there.isEmpty()) {
                return; // gone meanwhile (a veth whose namespace went is removed by the kernel a moment later)
            }
            try {
                was = there.get();
                master = was.master() == 0 ? null : links.byIndex(was.master()).map(l -> IfName.of(l.name())).orElse(null);
                peer = was.isVeth() && was.peerNsId() < 0 ? links.byIndex(was.peerIndex()).map(l -> IfName.of(l.name())).orElse(null) : null;
                addresses = k.addresses(where).list(name).stream()
                        .filter(a -> "global".equals(a.scope())).map(netgroovy.kernel.Address::cidr).toList();
                links.delete(name);
            } catch (RuntimeException e) {
                if (!Ops.isGone(e)) {
                    throw e;
                }
                // It went by itself between the look and the delete (its namespace was deleted
                // just before in the same plan: the kernel takes the veth a moment later): nothing to undo.
                was = null;
            }
        }

        /**
         * Makes the link again as it was: a bridge or dummy with its MTU, MAC, addresses,
         * master and state; a veth pair whose both ends lived here. A veth whose peer lived in
         * another namespace cannot be made again as it was, and says so.
         */
        public void undo(Kernel k) {
            if (was == null) {
                return;
            }
            Kernel.Links links = links(k, where);
            switch (was.kind()) {
                case "bridge" -> links.addBridge(name);
                case "dummy" -> links.addDummy(name);
                case "veth" -> {
                    if (peer == null) {
                        throw new netgroovy.kernel.KernelException("cannot make " + name + Ops.in(where)
                                + " again: its veth peer was in another namespace");
                    }
                    links.addVeth(name, peer, null);
                }
                default -> throw new netgroovy.kernel.KernelException("cannot make " + name + Ops.in(where)
                        + " again: netgroovy does not make links of kind '" + was.kind() + "'");
            }
            if (was.mtu() > 0) {
                links.setMtu(name, was.mtu());
            }
            if (was.mac() != null && !was.isBridge()) {
                links.setMac(name, was.mac());
            }
            for (netgroovy.value.Cidr c : addresses) {
                k.addresses(where).add(name, c);
            }
            if (master != null) {
                links.setMaster(name, master);
            }
            if (was.up()) {
                links.setUp(name);
            }
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /**
     * {@code ip link set dev NAME alias TEXT}: netgroovy's mark (see model/Marks) on
     * a link the same plan has just made, written before the plan brings the link up. The
     * kernel announces an alias set on a link that is up as a change of the link, and the host's
     * IPv6 answers that by walking its whole routing table, which holds a route for every port
     * there: ~150 µs per mark among 1000 ports, ~20 µs on a link still down. The text is asked
     * for when the mark is written (or printed), once the statement has planned everything.
     * Nothing to undo: undoing the plan deletes the link (or the namespace it is in).
     *
     * <p>With {@code up}, the same request brings the link up ({@code ip link set dev NAME up
     * alias TEXT}): a new namespace's {@code lo} is brought up with its mark (the namespace's, or
     * its container's), one request where there were two. A null text then means no mark: the
     * link is only brought up.
     *
     * <p>{@link #andHairpin}: the mark of a bridge port the plan has just made (on its bridge,
     * still down), and its hairpin mode on, in one request ({@code ip link set dev NAME alias
     * TEXT type bridge_slave hairpin on}): a container's host end, as Docker without the
     * userland proxy has it. In hairpin mode a frame may leave by the port it came in, which is
     * how a container reaches itself through its own published port (the DNAT turns the frame
     * round on the bridge).
     */
    public static final class Mark implements Op {
        private final Where where;
        private final IfName name;
        private final java.util.function.Supplier<String> text;
        private final boolean up;
        private final boolean hairpin;

        public Mark(Where where, IfName name, java.util.function.Supplier<String> text) {
            this(where, name, text, false);
        }

        public Mark(Where where, IfName name, java.util.function.Supplier<String> text, boolean up) {
            this(where, name, text, up, false);
        }

        private Mark(Where where, IfName name, java.util.function.Supplier<String> text, boolean up, boolean hairpin) {
            this.where = where;
            this.name = name;
            this.text = text;
            this.up = up;
            this.hairpin = hairpin;
        }

        /** The mark of a port made on its bridge by the same plan, still down, with its hairpin mode on (see above). */
        public static Mark andHairpin(Where where, IfName port, java.util.function.Supplier<String> text) {
            return new Mark(where, port, text, false, true);
        }

        public java.util.List<String> onLinks() {
            return java.util.List.of(Ops.link(where, name));
        }

        public String command() {
            String t = text.get();
            return where.ip() + "link set dev " + name + (up ? " up" : "") + (t == null ? "" : " alias '" + t + "'")
                    + (hairpin ? " type bridge_slave hairpin on" : "");
        }

        public void apply(Kernel k) {
            String t = text.get();
            if (hairpin) {
                links(k, where).setAliasAndHairpin(name, t); // (a port's mark always has a text)
            } else if (t == null) {
                if (up) {
                    links(k, where).setUp(name);
                }
            } else if (up) {
                links(k, where).setUp(name, t);
            } else {
                links(k, where).setAlias(name, t);
            }
        }

        public void undo(Kernel k) {
            // the link goes with the plan's undoing: its veth (or bridge) is deleted
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /** {@code ip link set dev NAME up|down}. */
    public record SetUp(Where where, IfName name, boolean up) implements Op {
        public java.util.List<String> onLinks() {
            return java.util.List.of(Ops.link(where, name));
        }

        public String command() {
            return where.ip() + "link set dev " + name + (up ? " up" : " down");
        }

        public State check(Kernel k) {
            // (a glance: whether it is there and up, told by ioctls without the rtnetlink lock)
            Optional<netgroovy.kernel.Glance> l = links(k, where).glance(name);
            return l.isPresent() && l.get().up() == up ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            if (up) {
                links(k, where).setUp(name);
            } else {
                links(k, where).setDown(name);
            }
        }

        public void undo(Kernel k) {
            if (up) {
                links(k, where).setDown(name);
            } else {
                links(k, where).setUp(name);
            }
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /**
     * {@code ip link set dev NAME master BRIDGE [up]}. Plugging a port in and bringing it up is
     * one request, as {@code ip} sends it: each request waits its turn for the kernel's
     * rtnetlink lock, which the kernel's own work on a port just brought up holds often.
     */
    public static final class SetMaster implements Op {
        public java.util.List<String> onLinks() {
            return java.util.List.of(Ops.link(where, name));
        }

        private final Where where;
        private final IfName name;
        private final IfName bridge;
        private final boolean up;
        /** The bridge it was a port of before (null: none), which undo gives it back to. */
        private IfName before;
        private boolean wasUp;

        public SetMaster(Where where, IfName name, IfName bridge) {
            this(where, name, bridge, false);
        }

        public SetMaster(Where where, IfName name, IfName bridge, boolean up) {
            this.where = where;
            this.name = name;
            this.bridge = bridge;
            this.up = up;
        }

        /** The same, also bringing the link up. */
        public SetMaster up() {
            return new SetMaster(where, name, bridge, true);
        }

        public String command() {
            return where.ip() + "link set dev " + name + " master " + bridge + (up ? " up" : "");
        }

        public void lookups(java.util.function.BiConsumer<Where, IfName> link) {
            link.accept(where, name);
        }

        /**
         * The port is looked up; of the bridge, only its index is asked (a glance): a bridge's
         * whole answer is long (all its options), and whether it is a bridge at all matters
         * only when the kernel refuses it as a master, which the kernel layer then says
         * ({@code Links.refused}).
         */
        public State check(Kernel k) {
            Optional<Link> l = find(k, where, name);
            if (l.isEmpty() || l.get().master() == 0 || (up && !l.get().up())) {
                return State.TODO;
            }
            Optional<netgroovy.kernel.Glance> br = links(k, where).glance(bridge);
            return br.isPresent() && l.get().master() == br.get().index() ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            Kernel.Links links = links(k, where);
            Optional<Link> l = links.get(name); // a missing link: setMaster says so, naming both
            int old = l.map(Link::master).orElse(0);
            wasUp = l.map(Link::up).orElse(false);
            before = old == 0 ? null : links.byIndex(old).map(b -> IfName.of(b.name())).orElse(null);
            try {
                links.setMaster(name, bridge, up);
            } catch (netgroovy.kernel.KernelException e) {
                if (up && !wasUp && l.isPresent()) {
                    try {
                        links.setDown(name); // (the kernel brings it up before it looks at the master, and does not undo that)
                    } catch (netgroovy.kernel.KernelException down) {
                        e.addSuppressed(down);
                    }
                }
                throw e;
            }
        }

        public void undo(Kernel k) {
            if (up && !wasUp) {
                links(k, where).setDown(name);
            }
            if (before == null) {
                links(k, where).setNoMaster(name);
            } else {
                links(k, where).setMaster(name, before);
            }
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /** {@code ip link set dev NAME nomaster}. */
    public record SetNoMaster(Where where, IfName name) implements Op {
        public java.util.List<String> onLinks() {
            return java.util.List.of(Ops.link(where, name));
        }

        public String command() {
            return where.ip() + "link set dev " + name + " nomaster";
        }

        public State check(Kernel k) {
            Optional<Link> l = find(k, where, name);
            return l.isPresent() && l.get().master() == 0 ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            links(k, where).setNoMaster(name);
        }

        public void undo(Kernel k) {
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /** {@code ip link set dev NAME name NEW} (taken down for the rename if it was up, then up again). */
    public record Rename(Where where, IfName name, IfName newName) implements Op {
        public String command() {
            return where.ip() + "link set dev " + name + " name " + newName;
        }

        public State check(Kernel k) {
            if (find(k, where, name).isEmpty() && find(k, where, newName).isPresent()) {
                return State.DONE;
            }
            return State.TODO;
        }

        public void apply(Kernel k) {
            rename(k, name, newName);
        }

        public void undo(Kernel k) {
            rename(k, newName, name);
        }

        private void rename(Kernel k, IfName from, IfName to) {
            Kernel.Links l = links(k, where);
            boolean wasUp = l.require(from).up();
            if (wasUp) {
                l.setDown(from);
            }
            l.rename(from, to);
            if (wasUp) {
                l.setUp(to);
            }
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /** {@code ip link set dev NAME address MAC [up]}: one request, as {@link SetMaster} is. */
    public static final class SetMac implements Op {
        public java.util.List<String> onLinks() {
            return java.util.List.of(Ops.link(where, name));
        }

        private final Where where;
        private final IfName name;
        private final Mac mac;
        private final boolean up;
        private Mac before;
        private boolean wasUp;
        /** The link as this step's check glanced at it, just before it is applied. */
        private netgroovy.kernel.Glance checked;

        public SetMac(Where where, IfName name, Mac mac) {
            this(where, name, mac, false);
        }

        public SetMac(Where where, IfName name, Mac mac, boolean up) {
            this.where = where;
            this.name = name;
            this.mac = mac;
            this.up = up;
        }

        /** The same, also bringing the link up. */
        public SetMac up() {
            return new SetMac(where, name, mac, true);
        }

        public String command() {
            return where.ip() + "link set dev " + name + " address " + mac + (up ? " up" : "");
        }

        public State check(Kernel k) {
            // (a glance: the MAC and IFF_UP without the rtnetlink lock, which a busy bridge's work holds for long)
            Optional<netgroovy.kernel.Glance> l = links(k, where).glance(name);
            checked = l.orElse(null);
            return l.isPresent() && mac.equals(l.get().mac()) && (!up || l.get().up()) ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            Kernel.Links links = links(k, where);
            netgroovy.kernel.Glance l = checked != null ? checked // (what its check saw a moment ago: nothing runs between the two)
                    : links.glance(name).orElseGet(() -> netgroovy.kernel.Glance.of(links.require(name))); // (a missing link: require says so)
            before = l.mac();
            wasUp = l.up();
            links.setMac(name, mac, up);
        }

        public void undo(Kernel k) {
            if (up && !wasUp) {
                links(k, where).setDown(name);
            }
            if (before != null) {
                links(k, where).setMac(name, before);
            }
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /** {@code ip link set dev NAME mtu N}. */
    public static final class SetMtu implements Op {
        public java.util.List<String> onLinks() {
            return java.util.List.of(Ops.link(where, name));
        }

        private final Where where;
        private final IfName name;
        private final int mtu;
        private int before;

        public SetMtu(Where where, IfName name, int mtu) {
            this.where = where;
            this.name = name;
            this.mtu = mtu;
        }

        public String command() {
            return where.ip() + "link set dev " + name + " mtu " + mtu;
        }

        public void lookups(java.util.function.BiConsumer<Where, IfName> link) {
            link.accept(where, name);
        }

        public State check(Kernel k) {
            Optional<Link> l = find(k, where, name);
            return l.isPresent() && l.get().mtu() == mtu ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            before = links(k, where).require(name).mtu();
            links(k, where).setMtu(name, mtu);
        }

        public void undo(Kernel k) {
            if (before > 0) {
                links(k, where).setMtu(name, before);
            }
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /** {@code ip link set dev NAME netns NS}. */
    public record MoveTo(Where where, IfName name, Where target) implements Op {
        public String command() {
            return where.ip() + "link set dev " + name + " netns " + target.netnsArg();
        }

        public State check(Kernel k) {
            if (find(k, where, name).isEmpty()
                    && (find(k, target, name).isPresent() || k.isSettled(where.label(), name.name()))) {
                return State.DONE;
            }
            return State.TODO;
        }

        public void apply(Kernel k) {
            links(k, where).moveTo(name, target);
        }

        public void undo(Kernel k) {
            links(k, target).moveTo(name, where);
        }

        public String subject() {
            return name + Ops.in(where);
        }
    }

    /** {@code ip link set dev BRIDGE type bridge stp_state 0|1}. */
    public record SetStp(Where where, IfName bridge, boolean on) implements Op {
        public String command() {
            return where.ip() + "link set dev " + bridge + " type bridge stp_state " + (on ? 1 : 0);
        }

        public void apply(Kernel k) {
            links(k, where).setStp(bridge, on);
        }

        public void undo(Kernel k) {
            links(k, where).setStp(bridge, !on);
        }

        public java.util.List<String> diesWith() {
            return Ops.diesWith(where);
        }

        public String subject() {
            return "bridge " + bridge + Ops.in(where);
        }
    }
}
