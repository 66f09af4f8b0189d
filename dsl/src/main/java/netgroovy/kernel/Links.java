package netgroovy.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import netgroovy.kernel.netlink.Attributes;
import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.NetlinkSocket;
import netgroovy.kernel.netlink.Nl;
import netgroovy.kernel.netlink.Request;
import netgroovy.value.IfName;
import netgroovy.value.Mac;

/** Verbs on links (RTM_*LINK). Names are checked as {@link IfName}s before anything is sent. */
public final class Links {
    private static final int IFINFO = 16;
    private static final int ENODEV = 19;
    private static final int EXFULL = 54;
    /** What the kernel says when asked to plug a link into one that takes no ports (a veth, a dummy ...). */
    private static final int EOPNOTSUPP = 95;
    /** A bridge port number has 10 bits (BR_MAX_PORTS) and 0 is not used: ports 1 to 1023. */
    private static final int BRIDGE_MAX_PORTS = 1023;
    private final Rtnl rtnl;

    Links(Rtnl rtnl) {
        this.rtnl = rtnl;
    }

    /** Equivalent to: {@code ip link add NAME type bridge} ({@code brctl addbr NAME}). */
    public void addBridge(IfName name) {
        MessageWriter m = create(name);
        int info = m.begin(Nl.IFLA_LINKINFO);
        m.attrString(Nl.IFLA_INFO_KIND, "bridge");
        m.end(info);
        try {
            send("create bridge " + name + rtnl.in(), m);
        } finally {
            rtnl.seen().forget(name.name());
        }
    }

    /**
     * Equivalent to: {@code ip link add A type veth peer name B [netns NS]}. With a namespace the
     * peer is born inside it, which saves a move.
     */
    public void addVeth(IfName a, IfName b, NetNs peerNs) {
        addVeth(a, b, peerNs, 0, null);
    }

    /**
     * Equivalent to: {@code ip link add A [master BRIDGE] type veth peer name B [netns NS]}: end A
     * is born a port of the bridge, still down, which saves the request that plugs it in (the
     * kernel plugs it in as it registers the link). The bridge's index is what the plan has seen
     * of it or one ioctl ({@link #index}), not a look-up of the whole bridge; that it is a bridge,
     * the kernel checks (it refuses a master that takes no ports).
     */
    public void addVeth(IfName a, IfName b, NetNs peerNs, IfName bridge) {
        addVeth(a, b, peerNs, index(bridge), bridge);
    }

    private void addVeth(IfName a, IfName b, NetNs peerNs, int bridgeIndex, IfName bridge) {
        MessageWriter m = create(a, Nl.F_ECHO);
        if (bridge != null) {
            m.attrU32(Nl.IFLA_MASTER, bridgeIndex);
        }
        int info = m.begin(Nl.IFLA_LINKINFO);
        m.attrString(Nl.IFLA_INFO_KIND, "veth");
        int data = m.begin(Nl.IFLA_INFO_DATA);
        int peer = m.begin(Nl.VETH_INFO_PEER);
        m.ifinfo(Nl.AF_UNSPEC, 0, 0, 0);
        m.attrString(Nl.IFLA_IFNAME, b.name());
        if (peerNs != null) {
            m.attrU32(Nl.IFLA_NET_NS_FD, peerNs.fd());
        }
        m.end(peer).end(data).end(info);
        String what = "create veth pair " + a + "/" + b + (bridge == null ? "" : " on bridge " + bridge) + rtnl.in()
                + (peerNs == null ? "" : " (peer in " + peerNs.label() + ")");
        List<Message> echoed;
        try {
            echoed = rtnl.socket().executeEchoed(new Request(what, m));
        } catch (KernelException e) {
            throw bridge == null ? e : refused(e, bridge, what);
        } finally {
            rtnl.seen().forget(a.name(), b.name());
        }
        // The kernel sends back the end it made here: a plan's next look at it (to plug it
        // into a bridge) needs no question, which would wait for the rtnetlink lock again.
        // (It sends it before it plugs it into the bridge: the echo has no master yet.)
        for (Message msg : echoed) {
            if (msg.type() == Nl.RTM_NEWLINK) {
                Link made = decode(msg);
                if (made.name().equals(a.name())) {
                    rtnl.seen().born(bridge == null ? made : made.withMaster(bridgeIndex));
                }
            }
        }
    }

    /** Equivalent to: {@code ip link add NAME type dummy}. */
    public void addDummy(IfName name) {
        MessageWriter m = create(name);
        int info = m.begin(Nl.IFLA_LINKINFO);
        m.attrString(Nl.IFLA_INFO_KIND, "dummy");
        m.end(info);
        try {
            send("create dummy link " + name + rtnl.in(), m);
        } finally {
            rtnl.seen().forget(name.name());
        }
    }

    /** Equivalent to: {@code ip link delete NAME}. Deleting one end of a veth deletes both. */
    public void delete(IfName name) {
        MessageWriter m = new MessageWriter(Nl.RTM_DELLINK, Nl.F_REQUEST | Nl.F_ACK).ifinfo(Nl.AF_UNSPEC, 0, 0, 0);
        m.attrString(Nl.IFLA_IFNAME, name.name());
        try {
            sendTo(name, "delete link " + name + rtnl.in(), m);
        } finally {
            rtnl.seen().forgetAll(); // a veth's peer goes too, wherever it is
        }
    }

    /** Equivalent to: {@code ip link set dev NAME up}. */
    public void setUp(IfName name) {
        changing(name, () -> sendTo(name, "set " + name + " up" + rtnl.in(), byName(name, Nl.IFF_UP, Nl.IFF_UP)), l -> l.withUp(true));
    }

    /**
     * Equivalent to: {@code ip link set dev NAME up alias TEXT}, one request (the kernel sets
     * the alias before it brings the link up; see {@link #setAlias}).
     */
    public void setUp(IfName name, String alias) {
        MessageWriter m = byName(name, Nl.IFF_UP, Nl.IFF_UP);
        m.attr(Nl.IFLA_IFALIAS, alias.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        changing(name, () -> sendTo(name, "set the alias of " + name + " and set it up" + rtnl.in(), m), l -> l.withUp(true));
    }

    /** Equivalent to: {@code ip link set dev NAME down}. */
    public void setDown(IfName name) {
        changing(name, () -> sendTo(name, "set " + name + " down" + rtnl.in(), byName(name, 0, Nl.IFF_UP)), l -> l.withUp(false));
    }

    /** Equivalent to: {@code ip link set dev NAME master BRIDGE} ({@code brctl addif BRIDGE NAME}). */
    public void setMaster(IfName name, IfName bridge) {
        setMaster(name, bridge, false);
    }

    /** Equivalent to: {@code ip link set dev NAME master BRIDGE [up]}, one request. */
    public void setMaster(IfName name, IfName bridge, boolean up) {
        attach(name, bridge, index(bridge), up); // (the bridge's index from what the plan saw, or one ioctl: not the whole bridge)
    }

    /**
     * Plugs a link into a bridge already looked up, and optionally brings it up, in one
     * request. Equivalent to: {@code ip link set dev NAME master BRIDGE [up]}.
     */
    public void attach(IfName name, Link bridge, boolean up) {
        attach(name, IfName.of(bridge.name()), bridge.index(), up);
    }

    private void attach(IfName name, IfName bridge, int index, boolean up) {
        MessageWriter m = byName(name, up ? Nl.IFF_UP : 0, up ? Nl.IFF_UP : 0);
        m.attrU32(Nl.IFLA_MASTER, index);
        changing(name, () -> sendToBridge(name, bridge, "attach " + name + " to " + bridge + (up ? " and set it up" : "") + rtnl.in(), m),
                l -> up ? l.withMaster(index).withUp(true) : l.withMaster(index));
    }

    private void sendToBridge(IfName name, IfName bridge, String what, MessageWriter m) {
        try {
            sendTo(name, what, m);
        } catch (KernelException e) {
            throw refused(e, bridge, what);
        }
    }

    /**
     * {@code e}, or what it means when a bridge refused a port, which the kernel's words do not
     * say: a bridge numbers its ports in 10 bits, from 1, and refuses the 1024th with EXFULL
     * ("Exchange full"); a master that takes no ports (a veth, a dummy) answers EOPNOTSUPP
     * ("Operation not supported"). Whether the master is a bridge is asked only then: a plan
     * plugging ports in looks up no more than the bridge's index.
     */
    private KernelException refused(KernelException e, IfName bridge, String what) {
        if (e.errno() == EXFULL) {
            return new KernelException("cannot " + what + ": bridge " + bridge + " has " + BRIDGE_MAX_PORTS
                    + " ports, the kernel's maximum; use another bridge (or network)", EXFULL);
        }
        if (e.errno() == EOPNOTSUPP) {
            Optional<Link> master = get(bridge);
            if (master.isPresent() && !master.get().isBridge()) {
                return new KernelException("cannot " + what + ": " + bridge + " is a " + master.get().kindName()
                        + ", not a bridge", EOPNOTSUPP);
            }
        }
        return e;
    }

    /** Equivalent to: {@code ip link set dev NAME nomaster} ({@code brctl delif}). */
    public void setNoMaster(IfName name) {
        MessageWriter m = byName(name, 0, 0);
        m.attrU32(Nl.IFLA_MASTER, 0);
        changing(name, () -> sendTo(name, "detach " + name + " from its bridge" + rtnl.in(), m), l -> l.withMaster(0));
    }

    /** Equivalent to: {@code ip link set dev NAME name NEW}. The kernel refuses while the link is up. */
    public void rename(IfName name, IfName newName) {
        int index = index(name);
        MessageWriter m = new MessageWriter(Nl.RTM_NEWLINK, Nl.F_REQUEST | Nl.F_ACK).ifinfo(Nl.AF_UNSPEC, index, 0, 0);
        m.attrString(Nl.IFLA_IFNAME, newName.name());
        try {
            send("rename " + name + " to " + newName + rtnl.in(), m);
        } finally {
            rtnl.seen().forget(name.name(), newName.name());
        }
    }

    /** Equivalent to: {@code ip link set dev NAME address MAC}. */
    public void setMac(IfName name, Mac mac) {
        setMac(name, mac, false);
    }

    /**
     * Equivalent to: {@code ip link set dev NAME address MAC [up]}, one request (the kernel sets
     * the address before it brings the link up).
     */
    public void setMac(IfName name, Mac mac, boolean up) {
        MessageWriter m = byName(name, up ? Nl.IFF_UP : 0, up ? Nl.IFF_UP : 0);
        m.attr(Nl.IFLA_ADDRESS, mac.bytes());
        changing(name, () -> sendTo(name, "set the MAC address of " + name + " to " + mac + (up ? " and set it up" : "") + rtnl.in(), m),
                l -> up ? l.withMac(mac).withUp(true) : l.withMac(mac));
    }

    /** Equivalent to: {@code ip link set dev NAME mtu N}. */
    public void setMtu(IfName name, int mtu) {
        MessageWriter m = byName(name, 0, 0);
        m.attrU32(Nl.IFLA_MTU, mtu);
        changing(name, () -> sendTo(name, "set the MTU of " + name + " to " + mtu + rtnl.in(), m), l -> l.withMtu(mtu));
    }

    /** Equivalent to: {@code ip link set dev NAME netns NS}. */
    public void moveTo(IfName name, NetNs ns) {
        MessageWriter m = byName(name, 0, 0);
        m.attrU32(Nl.IFLA_NET_NS_FD, ns.fd());
        try {
            sendTo(name, "move " + name + " into namespace " + ns.label() + rtnl.in(), m);
        } finally {
            rtnl.seen().forget(name.name());
        }
    }

    /** Equivalent to: {@code ip link set dev NAME netns PID}. */
    public void moveToPid(IfName name, long pid) {
        MessageWriter m = byName(name, 0, 0);
        m.attrU32(Nl.IFLA_NET_NS_PID, (int) pid);
        try {
            sendTo(name, "move " + name + " into the namespace of pid " + pid + rtnl.in(), m);
        } finally {
            rtnl.seen().forget(name.name());
        }
    }

    /** Equivalent to: {@code ip link set dev BRIDGE type bridge stp_state 0|1} ({@code brctl stp}). */
    public void setStp(IfName bridge, boolean on) {
        MessageWriter m = byName(bridge, 0, 0);
        int info = m.begin(Nl.IFLA_LINKINFO);
        m.attrString(Nl.IFLA_INFO_KIND, "bridge");
        int data = m.begin(Nl.IFLA_INFO_DATA);
        m.attrU32(Nl.IFLA_BR_STP_STATE, on ? 1 : 0);
        m.end(data).end(info);
        sendTo(bridge, "set STP " + (on ? "on" : "off") + " on " + bridge + rtnl.in(), m);
    }

    /**
     * Equivalent to: {@code ip link set dev PORT type bridge_slave hairpin on|off}: the bridge
     * may send a frame back out of the port it came in on (what a container needs to reach
     * itself through a published port).
     */
    public void setHairpin(IfName port, boolean on) {
        MessageWriter m = byName(port, 0, 0);
        int info = m.begin(Nl.IFLA_LINKINFO);
        m.attrString(Nl.IFLA_INFO_SLAVE_KIND, "bridge");
        int data = m.begin(Nl.IFLA_INFO_SLAVE_DATA);
        m.attrU8(Nl.IFLA_BRPORT_MODE, on ? 1 : 0);
        m.end(data).end(info);
        changing(port, () -> sendTo(port, "set hairpin mode " + (on ? "on" : "off") + " on " + port + rtnl.in(), m), l -> l.withHairpin(on));
    }

    /** Whether a bridge port is in hairpin mode ({@code ip -d link show dev PORT} says "hairpin on"); false for any other link. */
    public boolean hairpin(IfName port) {
        return require(port).hairpin();
    }

    /**
     * Equivalent to: {@code ip link set NAME alias TEXT} (IFLA_IFALIAS, at most 255 bytes; an
     * empty text removes it). netgroovy marks the links it makes this way, so that what it
     * made can be found again when its state store is gone.
     */
    public void setAlias(IfName name, String alias) {
        MessageWriter m = byName(name, 0, 0);
        m.attr(Nl.IFLA_IFALIAS, alias.getBytes(java.nio.charset.StandardCharsets.UTF_8)); // no NUL: the kernel counts the bytes
        sendTo(name, "set the alias of " + name + rtnl.in(), m);
    }

    /**
     * Equivalent to: {@code ip link set dev PORT alias TEXT type bridge_slave hairpin on}, one
     * request: the mark of a bridge port still down, and its hairpin mode (Docker's, without the
     * userland proxy). On a port that is up, the kernel would announce the change as the link's.
     */
    public void setAliasAndHairpin(IfName port, String alias) {
        MessageWriter m = byName(port, 0, 0);
        m.attr(Nl.IFLA_IFALIAS, alias.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int info = m.begin(Nl.IFLA_LINKINFO);
        m.attrString(Nl.IFLA_INFO_SLAVE_KIND, "bridge");
        int data = m.begin(Nl.IFLA_INFO_SLAVE_DATA);
        m.attrU8(Nl.IFLA_BRPORT_MODE, 1);
        m.end(data).end(info);
        changing(port, () -> sendTo(port, "set the alias of " + port + " and its hairpin mode on" + rtnl.in(), m), l -> l.withHairpin(true));
    }

    /** Every link that has an alias, by name (one dump): {@code ip -j link show}'s ifalias fields. */
    public java.util.Map<String, String> aliases() {
        MessageWriter m = new MessageWriter(Nl.RTM_GETLINK, Nl.F_REQUEST | Nl.F_DUMP).ifinfo(Nl.AF_UNSPEC, 0, 0, 0);
        m.attrU32(Nl.IFLA_EXT_MASK, Nl.RTEXT_FILTER_SKIP_STATS);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Message msg : rtnl.socket().dump("list links" + rtnl.in(), m)) {
            if (msg.type() == Nl.RTM_NEWLINK) {
                Attributes a = msg.attributes(IFINFO);
                String alias = a.string(Nl.IFLA_IFALIAS);
                if (alias != null && !alias.isEmpty()) {
                    out.put(a.string(Nl.IFLA_IFNAME), alias);
                }
            }
        }
        return out;
    }

    /** Equivalent to: {@code ip link show}. */
    public List<Link> list() {
        return rtnl.seen().all(this::dump);
    }

    private List<Link> dump() {
        MessageWriter m = new MessageWriter(Nl.RTM_GETLINK, Nl.F_REQUEST | Nl.F_DUMP).ifinfo(Nl.AF_UNSPEC, 0, 0, 0);
        m.attrU32(Nl.IFLA_EXT_MASK, Nl.RTEXT_FILTER_SKIP_STATS);
        List<Link> out = new ArrayList<>();
        for (Message msg : rtnl.socket().dump("list links" + rtnl.in(), m)) {
            if (msg.type() == Nl.RTM_NEWLINK) {
                out.add(decode(msg));
            }
        }
        return out;
    }

    /** Equivalent to: {@code ip link show dev NAME}; empty when there is no such link. */
    public Optional<Link> get(IfName name) {
        return rtnl.seen().link(name.name(), () -> askAlong(name));
    }

    /**
     * A glance at a link ({@link Glance}: index, up, MAC): what the plan has seen of it, or else
     * three ioctls, without the rtnetlink lock; empty when there is no such link. A link that
     * goes between the ioctls reads as gone.
     */
    public Optional<Glance> glance(IfName name) {
        Optional<Link> known = rtnl.seen().peek(name.name());
        if (known != null) {
            return known.map(Glance::of);
        }
        NetlinkSocket socket = rtnl.socket();
        int index = socket.linkIndex(name.name());
        int flags = index == 0 ? -1 : socket.linkFlags(name.name());
        byte[] hw = flags < 0 ? null : socket.linkHardwareAddress(name.name());
        if (hw == null) {
            return Optional.empty();
        }
        int type = java.nio.ByteBuffer.wrap(hw, 0, 2).order(java.nio.ByteOrder.nativeOrder()).getShort() & 0xffff;
        boolean sixBytes = type == ARPHRD_ETHER || type == ARPHRD_LOOPBACK; // (as decode: a MAC only where there are 6 bytes)
        return Optional.of(new Glance(index, (flags & Nl.IFF_UP) != 0, sixBytes ? Mac.of(java.util.Arrays.copyOfRange(hw, 2, 8)) : null));
    }

    private static final int ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;

    /**
     * The index of a link, for a request that names its link by index (an address, a route):
     * what the plan has seen of it, or else one ioctl by name ({@link NetlinkSocket#linkIndex}),
     * which costs a tenth of asking for the whole link. Equivalent to: {@code if_nametoindex(3)}.
     */
    public int index(IfName name) {
        Optional<Link> known = rtnl.seen().peek(name.name());
        if (known != null) {
            return known.orElseThrow(() -> missing(name)).index();
        }
        int index = rtnl.socket().linkIndex(name.name());
        if (index == 0) {
            throw missing(name);
        }
        return index;
    }

    /**
     * The plan's operations will look these links up while it is applied: the first look-up
     * asks for them all at once ({@link NetlinkSocket#queryEach}). Each look-up takes the
     * kernel's rtnetlink lock, which it waited for 100-300 µs at a time while a thousand
     * containers were being made; asked together, it is waited for once.
     */
    public void expect(java.util.Collection<IfName> names) {
        List<String> plain = new ArrayList<>(names.size());
        for (IfName n : names) {
            plain.add(n.name());
        }
        rtnl.seen().expect(plain);
    }

    /** {@code name}, and the links the plan expects to ask about that are not known yet, in one datagram. */
    private Optional<Link> askAlong(IfName name) {
        List<String> along = rtnl.seen().alsoExpected(name.name());
        if (along.isEmpty()) {
            return ask(name);
        }
        List<Request> requests = new ArrayList<>();
        requests.add(lookUp(name));
        along.forEach(n -> requests.add(lookUp(IfName.of(n))));
        List<netgroovy.kernel.netlink.NetlinkSocket.Answer> answers = rtnl.socket().queryEach(requests);
        for (int i = 1; i < answers.size(); i++) {
            var a = answers.get(i);
            if (a.errno() == 0 || a.errno() == ENODEV) {
                rtnl.seen().learn(along.get(i - 1), a.errno() == 0 ? Optional.of(decode(a.message())) : Optional.empty());
            }
        }
        return found(answers.get(0));
    }

    /** The link an answer to {@link #lookUp} tells of; none when the kernel said there is no such link. */
    private Optional<Link> found(netgroovy.kernel.netlink.NetlinkSocket.Answer a) {
        if (a.errno() == ENODEV) {
            return Optional.empty();
        }
        if (a.errno() != 0) {
            throw a.error();
        }
        return Optional.of(decode(a.message()));
    }

    private Request lookUp(IfName name) {
        MessageWriter m = new MessageWriter(Nl.RTM_GETLINK, Nl.F_REQUEST).ifinfo(Nl.AF_UNSPEC, 0, 0, 0);
        m.attrString(Nl.IFLA_IFNAME, name.name());
        m.attrU32(Nl.IFLA_EXT_MASK, Nl.RTEXT_FILTER_SKIP_STATS); // (counters are never read: the kernel need not sum them per CPU)
        return new Request("look up link " + name + rtnl.in(), m);
    }

    private Optional<Link> ask(IfName name) {
        // (as one of several: a link that is not there is an answer here, not an exception to build)
        return found(rtnl.socket().queryEach(List.of(lookUp(name))).get(0));
    }

    /** The link, or an error that says it does not exist. */
    public Link require(IfName name) {
        return get(name).orElseThrow(() -> missing(name));
    }

    /** The link with this index: one the plan has seen (a port's bridge, looked up by the plan), or else from a dump of them all. */
    public Optional<Link> byIndex(int index) {
        Link seen = rtnl.seen().withIndex(index);
        if (seen != null) {
            return Optional.of(seen);
        }
        for (Link l : list()) {
            if (l.index() == index) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /**
     * Builds a request with several link changes at once and sends them in one datagram;
     * used where many links change together (benchmarks, bulk plans).
     */
    public List<KernelException> sendAll(List<Request> requests) {
        return rtnl.socket().executeAll(requests);
    }

    /** A change whose effect on the link's record is known exactly: what was seen is kept in step (or forgotten, if it failed). */
    private void changing(IfName name, Runnable write, java.util.function.UnaryOperator<Link> how) {
        try {
            write.run();
        } catch (RuntimeException e) {
            rtnl.seen().forget(name.name());
            throw e;
        }
        rtnl.seen().changed(name.name(), how);
    }

    private KernelException missing(IfName name) {
        return new KernelException("link " + name + " does not exist" + (rtnl.in().isEmpty() ? "" : rtnl.in()), ENODEV);
    }

    private MessageWriter create(IfName name) {
        return create(name, 0);
    }

    private MessageWriter create(IfName name, int moreFlags) {
        MessageWriter m = new MessageWriter(Nl.RTM_NEWLINK, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_EXCL | moreFlags)
                .ifinfo(Nl.AF_UNSPEC, 0, 0, 0);
        m.attrString(Nl.IFLA_IFNAME, name.name());
        return m;
    }

    /** A change addressed by name (ifi_index 0 + IFLA_IFNAME), which spares a look-up. */
    private MessageWriter byName(IfName name, int flags, int change) {
        MessageWriter m = new MessageWriter(Nl.RTM_NEWLINK, Nl.F_REQUEST | Nl.F_ACK).ifinfo(Nl.AF_UNSPEC, 0, flags, change);
        m.attrString(Nl.IFLA_IFNAME, name.name());
        return m;
    }

    private void send(String what, MessageWriter m) {
        rtnl.socket().execute(new Request(what, m));
    }

    /** Like send, but "No such device" becomes "link NAME does not exist". */
    private void sendTo(IfName name, String what, MessageWriter m) {
        try {
            send(what, m);
        } catch (KernelException e) {
            if (e.errno() == ENODEV) {
                throw new KernelException("cannot " + what + ": link " + name + " does not exist" + rtnl.in(), ENODEV);
            }
            throw e;
        }
    }

    static Link decode(Message msg) {
        int index = msg.i32(4);
        int flags = msg.i32(8);
        Attributes a = msg.attributes(IFINFO);
        Attributes info = a.nested(Nl.IFLA_LINKINFO);
        String kind = info.string(Nl.IFLA_INFO_KIND);
        byte[] mac = a.bytes(Nl.IFLA_ADDRESS);
        boolean veth = "veth".equals(kind);
        return new Link(index, a.string(Nl.IFLA_IFNAME), kind == null ? "" : kind,
                a.u32(Nl.IFLA_MASTER, 0), (flags & Nl.IFF_UP) != 0,
                Link.operState(a.u8(Nl.IFLA_OPERSTATE, 0)),
                mac != null && mac.length == 6 ? Mac.of(mac) : null,
                a.u32(Nl.IFLA_MTU, 0),
                veth ? a.u32(Nl.IFLA_LINK, 0) : 0,
                a.u32(Nl.IFLA_LINK_NETNSID, -1),
                "bridge".equals(info.string(Nl.IFLA_INFO_SLAVE_KIND)) && info.nested(Nl.IFLA_INFO_SLAVE_DATA).u8(Nl.IFLA_BRPORT_MODE, 0) == 1);
    }
}
