package netgroovy.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import netgroovy.kernel.Address;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.Link;
import netgroovy.kernel.Route;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * One network namespace of a {@link MemoryKernel}: its links (kind, master, state, MAC, MTU,
 * veth peer, STP, hairpin), addresses, routes, sysctls and iptables. Connected routes follow the
 * addresses of links that are up; a link going down, leaving or losing its last IPv4 address
 * takes its routes with it; a veth's peer dies with it. Refusals carry the kernel's errno.
 */
final class MemoryNamespace {
    private static final int ESRCH = 3;
    private static final int EBUSY = 16;
    private static final int EEXIST = 17;
    private static final int ENODEV = 19;
    private static final int EINVAL = 22;
    private static final int EADDRNOTAVAIL = 99;
    private static final int ENETDOWN = 100;
    private static final int ENETUNREACH = 101;

    final String label;
    final int nsId;
    final Map<String, String> sysctls = new TreeMap<>();
    final MemoryFirewall firewall = new MemoryFirewall();
    private final Map<String, MemLink> links = new LinkedHashMap<>();
    private final List<Addr> addresses = new ArrayList<>();
    private final List<StaticRoute> routes = new ArrayList<>();
    /** The kernel's other namespaces, where a veth's peer is born or a link moves to. */
    private final Function<Where, MemoryNamespace> namespaces;
    private final Supplier<Mac> macs;
    private int nextIndex = 1;

    /** {@code lo} as a new namespace has it: down, no address (the host's is made up by its kernel). */
    MemoryNamespace(String label, int nsId, Function<Where, MemoryNamespace> namespaces, Supplier<Mac> macs) {
        this.label = label;
        this.nsId = nsId;
        this.namespaces = namespaces;
        this.macs = macs;
        MemLink lo = add("lo", "");
        lo.mtu = 65536;
        lo.mac = Mac.of(new byte[6]);
    }

    /** Everything in here, one fact a line, in a fixed order. */
    void describe(StringBuilder b, Map<String, String> sysctlDefaults) {
        b.append("[").append(label).append("]\n");
        for (MemLink l : sorted()) {
            b.append("link ").append(l.name).append(l.kind.isEmpty() ? "" : " " + l.kind)
                    .append(l.up ? " up" : " down").append(" mtu ").append(l.mtu).append(" mac ").append(l.mac)
                    .append(l.master == null ? "" : " master " + l.master.name)
                    .append(l.peer == null ? "" : " peer " + l.peer.name + (l.peer.space == this ? "" : "@" + l.peer.space.label))
                    .append(l.stp ? " stp" : "").append(l.hairpin ? " hairpin" : "").append('\n');
        }
        for (Address a : addressList()) {
            b.append("addr ").append(a.cidr()).append(" dev ").append(a.linkName()).append(" scope ").append(a.scope()).append('\n');
        }
        for (Route r : routeList()) {
            b.append("route ").append(r.describe()).append('\n');
        }
        sysctls.forEach((k, v) -> {
            if (!v.equals(sysctlDefaults.getOrDefault(k, "0"))) { // one set back to its default is as if never set
                b.append("sysctl ").append(k).append(" = ").append(v).append('\n');
            }
        });
        firewall.text(true).lines().forEach(l -> b.append("iptables ").append(l).append('\n'));
    }

    /** The namespace goes: each of its links with it, and so the peers of its veths elsewhere. */
    void destroy() {
        for (MemLink l : new ArrayList<>(links.values())) {
            remove(l);
        }
    }

    private String in() {
        return label.equals("host") ? "" : " in " + label;
    }

    private MemLink add(String name, String kind) {
        if (links.containsKey(name)) {
            throw KernelException.of("cannot create " + (kind.isEmpty() ? "link" : kind) + " " + name + in(), EEXIST);
        }
        MemLink l = new MemLink(this, nextIndex++, name, kind);
        l.mac = macs.get();
        links.put(name, l);
        return l;
    }

    private MemLink existing(IfName name) {
        MemLink l = links.get(name.name());
        if (l == null) {
            throw new KernelException("link " + name + " does not exist" + in(), ENODEV);
        }
        return l;
    }

    private List<MemLink> sorted() {
        return links.values().stream().sorted(Comparator.comparingInt(l -> l.index)).toList();
    }

    /** Takes a link out of this namespace: its addresses and routes go, its ports leave it, a veth's peer dies with it. */
    private void remove(MemLink l) {
        detach(l);
        links.remove(l.name);
        if (l.peer != null) {
            MemLink p = l.peer;
            l.peer = null;
            p.peer = null;
            p.space.remove(p);
        }
    }

    /** A link leaving (deleted, moved): it loses its addresses, routes, bridge and ports. */
    private void detach(MemLink l) {
        addresses.removeIf(a -> a.link == l);
        dropRoutesThrough(l);
        l.master = null;
        for (MemLink port : links.values()) {
            if (port.master == l) {
                port.master = null;
            }
        }
    }

    private void dropRoutesThrough(MemLink l) {
        routes.removeIf(r -> r.link == l);
    }

    /** The link whose connected subnet holds {@code ip} (an up link with an address there, or an on-link route), or null. */
    private MemLink connected(IpAddress ip) {
        for (Addr a : addresses) {
            if (a.link.up && a.cidr.prefix() < a.cidr.address().bits() && a.cidr.contains(ip)) {
                return a.link;
            }
        }
        for (StaticRoute r : routes) {
            if (r.gateway == null && r.destination != null && r.destination.contains(ip)) {
                return r.link;
            }
        }
        return null;
    }

    private List<Address> addressList() {
        return addresses.stream().sorted(Comparator.comparingInt(a -> a.link.index))
                .map(a -> new Address(a.cidr, a.link.index, a.link.name, scope(a.cidr))).toList();
    }

    private static String scope(Cidr c) {
        return c.isV4() && c.address().toString().startsWith("127.") ? "host" : "global";
    }

    /** The routes an address on an up link brings with it ({@code proto kernel scope link}). */
    private List<Route> connectedRoutes() {
        List<Route> out = new ArrayList<>();
        for (Addr a : addresses) {
            if (a.link.up && a.cidr.prefix() < a.cidr.address().bits() && !a.cidr.address().toString().startsWith("127.")) {
                out.add(new Route(a.cidr.network(), null, a.link.name, a.link.index, "link", "kernel", 254, "unicast",
                        a.cidr.address(), a.cidr.isV4() ? 0 : 256));
            }
        }
        return out;
    }

    private List<Route> routeList() {
        List<Route> out = new ArrayList<>(connectedRoutes());
        for (StaticRoute r : routes) {
            out.add(new Route(r.destination, r.gateway, r.link.name, r.link.index,
                    r.gateway == null && r.family == 2 ? "link" : "global", "boot", 254, "unicast", null, r.family == 2 ? 0 : 1024));
        }
        out.sort(Comparator.comparing((Route r) -> r.destination() != null)
                .thenComparing(r -> r.destination() == null ? "" : r.destination().network().address().toString())
                .thenComparingInt(r -> r.destination() == null ? 0 : r.destination().prefix()));
        return out;
    }

    private static final class MemLink {
        MemoryNamespace space;
        int index;
        String name;
        final String kind;
        MemLink master;
        boolean up;
        Mac mac;
        int mtu = 1500;
        MemLink peer;
        boolean stp;
        boolean hairpin;
        String alias = "";

        MemLink(MemoryNamespace space, int index, String name, String kind) {
            this.space = space;
            this.index = index;
            this.name = name;
            this.kind = kind;
        }

        Link view() {
            int peerIndex = peer == null ? 0 : peer.index;
            int peerNs = peer == null || peer.space == space ? -1 : peer.space.nsId;
            return new Link(index, name, kind, master == null ? 0 : master.index, up, up ? "UP" : "DOWN", mac, mtu, peerIndex, peerNs, hairpin);
        }
    }

    private record Addr(Cidr cidr, MemLink link) {
    }

    private record StaticRoute(Cidr destination, IpAddress gateway, MemLink link, int family) {
    }

    /** {@code ip link}. */
    final Kernel.Links linkTable = new Kernel.Links() {
        public void addBridge(IfName name) {
            add(name.name(), "bridge");
        }

        public void addVeth(IfName a, IfName b, Where peerIn) {
            MemoryNamespace there = peerIn == null ? MemoryNamespace.this : namespaces.apply(peerIn);
            if (links.containsKey(a.name()) || there.links.containsKey(b.name()) || (there == MemoryNamespace.this && a.equals(b))) {
                throw KernelException.of("cannot create veth pair " + a + "/" + b + in(), EEXIST);
            }
            MemLink x = add(a.name(), "veth");
            MemLink y = there.add(b.name(), "veth");
            x.peer = y;
            y.peer = x;
        }

        public void addVeth(IfName a, IfName b, Where peerIn, IfName bridge) {
            MemLink br = existing(bridge);
            if (!br.kind.equals("bridge")) {
                throw KernelException.of("cannot create veth pair " + a + "/" + b + " on " + bridge + in(), EINVAL);
            }
            addVeth(a, b, peerIn);
            links.get(a.name()).master = br; // (as the kernel: the pair is made on the bridge, or not at all)
        }

        public void addDummy(IfName name) {
            add(name.name(), "dummy");
        }

        public void delete(IfName name) {
            remove(existing(name));
        }

        public void setUp(IfName name) {
            MemLink l = existing(name);
            l.up = true;
            if (l.name.equals("lo") && addresses.stream().noneMatch(a -> a.link == l)) {
                addresses.add(new Addr(Cidr.parse("127.0.0.1/8"), l));
            }
        }

        public void setDown(IfName name) {
            MemLink l = existing(name);
            l.up = false;
            dropRoutesThrough(l); // the kernel flushes the routes through a link that goes down
        }

        public void setMaster(IfName name, IfName bridge) {
            MemLink br = existing(bridge);
            MemLink l = existing(name);
            if (!br.kind.equals("bridge") || br == l) {
                throw KernelException.of("cannot attach " + name + " to " + bridge + in(), EINVAL);
            }
            l.master = br;
        }

        public void setNoMaster(IfName name) {
            existing(name).master = null;
        }

        public void rename(IfName name, IfName newName) {
            MemLink l = existing(name);
            String what = "cannot rename " + name + " to " + newName + in();
            if (l.up) {
                throw KernelException.of(what, EBUSY);
            }
            if (links.containsKey(newName.name())) {
                throw KernelException.of(what, EEXIST);
            }
            links.remove(l.name);
            l.name = newName.name();
            links.put(l.name, l);
        }

        public void setMac(IfName name, Mac mac) {
            existing(name).mac = mac;
        }

        public void setMtu(IfName name, int mtu) {
            if (mtu < 68 || mtu > 65535) {
                throw KernelException.of("cannot set the MTU of " + name + " to " + mtu + in(), EINVAL);
            }
            existing(name).mtu = mtu;
        }

        /** As the kernel moves a link: down, without its addresses, routes and bridge, keeping its index if free there. */
        public void moveTo(IfName name, Where target) {
            MemLink l = existing(name);
            MemoryNamespace to = namespaces.apply(target);
            if (to == MemoryNamespace.this) {
                return;
            }
            if (to.links.containsKey(l.name)) {
                throw KernelException.of("cannot move " + name + " into namespace " + target.label() + in(), EEXIST);
            }
            detach(l);
            links.remove(l.name);
            l.up = false;
            l.space = to;
            if (to.links.values().stream().anyMatch(x -> x.index == l.index)) {
                l.index = to.nextIndex;
            }
            to.nextIndex = Math.max(to.nextIndex, l.index + 1);
            to.links.put(l.name, l);
        }

        public void setStp(IfName bridge, boolean on) {
            MemLink l = existing(bridge);
            if (!l.kind.equals("bridge")) {
                throw KernelException.of("cannot set STP on " + bridge + in(), EINVAL);
            }
            l.stp = on;
        }

        public boolean hairpin(IfName port) {
            MemLink l = links.get(port.name());
            return l != null && l.hairpin;
        }

        public void setAlias(IfName name, String alias) {
            existing(name).alias = alias;
        }

        public void setHairpin(IfName port, boolean on) {
            MemLink l = existing(port);
            if (l.master == null) {
                throw new IllegalStateException("ip link set dev " + port + " type bridge_slave hairpin " + (on ? "on" : "off")
                        + " failed: " + port + " is no bridge port");
            }
            l.hairpin = on;
        }

        public List<Link> list() {
            return sorted().stream().map(MemLink::view).toList();
        }

        public Optional<Link> get(IfName name) {
            return Optional.ofNullable(links.get(name.name())).map(MemLink::view);
        }

        public Link require(IfName name) {
            return MemoryNamespace.this.existing(name).view();
        }

        public Optional<Link> byIndex(int index) {
            return links.values().stream().filter(l -> l.index == index).findFirst().map(MemLink::view);
        }
    };

    /** {@code ip addr}. */
    final Kernel.Addresses addressTable = new Kernel.Addresses() {
        public void add(IfName dev, Cidr cidr) {
            MemLink l = existing(dev);
            if (addresses.stream().anyMatch(a -> a.link == l && a.cidr.equals(cidr))) {
                throw KernelException.of("cannot add " + cidr + " to " + dev + in(), EEXIST);
            }
            addresses.add(new Addr(cidr, l));
        }

        public void delete(IfName dev, Cidr cidr) {
            MemLink l = existing(dev);
            if (!addresses.removeIf(a -> a.link == l && a.cidr.equals(cidr))) {
                throw KernelException.of("cannot remove " + cidr + " from " + dev + in(), EADDRNOTAVAIL);
            }
            if (cidr.isV4() && addresses.stream().noneMatch(a -> a.link == l && a.cidr.isV4())) {
                dropRoutesThrough(l); // the kernel flushes a link's IPv4 routes with its last address
            }
        }

        public List<Address> list() {
            return addressList();
        }

        public List<Address> list(IfName dev) {
            existing(dev);
            return addressList().stream().filter(a -> a.linkName().equals(dev.name())).toList();
        }
    };

    /** {@code ip route}, the main table. */
    final Kernel.Routes routeTable = new Kernel.Routes() {
        public void add(Cidr destination, IpAddress gateway, IfName dev) {
            String what = "cannot add route " + RouteOps.text(destination, gateway, dev) + in();
            if (destination == null && gateway == null && dev == null) {
                throw new KernelException("a route needs a destination, a gateway or a device");
            }
            MemLink l = dev == null ? null : existing(dev);
            if (gateway != null) {
                MemLink via = connected(gateway);
                if (via == null || (l != null && via != l)) {
                    throw KernelException.of(what, ENETUNREACH);
                }
                l = via;
            }
            if (!l.up) {
                throw KernelException.of(what, ENETDOWN);
            }
            Cidr dst = destination == null ? null : destination.network();
            int family = dst != null ? dst.family() : gateway != null ? gateway.family() : 2;
            if (routes.stream().anyMatch(r -> Objects.equals(r.destination, dst) && r.family == family)
                    || connectedRoutes().stream().anyMatch(r -> Objects.equals(r.destination(), dst))) {
                throw KernelException.of(what, EEXIST);
            }
            routes.add(new StaticRoute(dst, gateway, l, family));
        }

        public void delete(Cidr destination, IpAddress gateway, IfName dev) {
            Cidr dst = destination == null ? null : destination.network();
            boolean gone = routes.removeIf(r -> Objects.equals(r.destination, dst)
                    && (gateway == null || gateway.equals(r.gateway)) && (dev == null || dev.name().equals(r.link.name)));
            if (!gone) {
                throw KernelException.of("cannot delete route " + RouteOps.text(destination, gateway, dev) + in(), ESRCH);
            }
        }

        public List<Route> list() {
            return routeList();
        }

        public Route get(IpAddress to) {
            return routeList().stream()
                    .filter(r -> r.destination() == null ? r.gateway() == null || r.gateway().family() == to.family()
                            : r.destination().family() == to.family() && r.destination().contains(to))
                    .max(Comparator.comparingInt(r -> r.destination() == null ? -1 : r.destination().prefix()))
                    .orElseThrow(() -> new KernelException("no route to " + to + in(), ENETUNREACH));
        }
    };

    /** The host's {@code lo}, as a booted kernel has it: up, with 127.0.0.1/8. */
    void bootLoopback() {
        linkTable.setUp(IfName.of("lo"));
    }
}
