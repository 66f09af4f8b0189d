package netgroovy.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import netgroovy.firewall.Iptables;
import netgroovy.kernel.Address;
import netgroovy.kernel.ExecResult;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.Link;
import netgroovy.kernel.Route;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * A system in memory that answers what operations ask as the kernel would, so plans can be
 * applied, checked and undone without root or namespaces: namespaces; links with their kind,
 * master, state, MAC, MTU and veth peer; addresses; routes (the connected ones follow the
 * addresses of links that are up); sysctls; iptables ({@link MemoryFirewall}); UTS
 * namespaces; files. It refuses what the kernel refuses where a plan could get it wrong
 * (a name taken, a link missing, renaming a link that is up, a gateway out of reach, a route
 * through a link that is down), with the errno the kernel gives. {@link #state()} prints all
 * of it, so a test can compare two moments.
 */
public final class MemoryKernel implements Kernel {
    private static final int ENOENT = 2;
    private static final int ESRCH = 3;
    private static final int EBUSY = 16;
    private static final int EEXIST = 17;
    private static final int ENODEV = 19;
    private static final int EINVAL = 22;
    private static final int ENETDOWN = 100;
    private static final int ENETUNREACH = 101;
    private static final int EADDRNOTAVAIL = 99;
    /** Values a fresh namespace has; any other key reads as "0" until written. */
    private static final Map<String, String> SYSCTL_DEFAULTS = Map.of(
            "net.ipv4.ip_local_port_range", "32768\t60999",
            "net.ipv4.conf.all.forwarding", "0",
            "net.ipv4.ip_forward", "0");

    /** Namespaces by label ("host", "c1", "pid 42"); the host's always exists. */
    private final Map<String, Space> spaces = new TreeMap<>();
    private final Map<String, String> uts = new TreeMap<>();
    private final Map<Path, String> files = new TreeMap<>();
    private final Set<Path> directories = new TreeSet<>();
    private final Set<String> settled = new HashSet<>();
    private int nextNsId;
    private int nextMac;

    public MemoryKernel() {
        Space host = new Space("host");
        spaces.put(host.label, host);
        MemLink lo = host.add("lo", "");
        lo.up = true;
        lo.mtu = 65536;
        lo.mac = Mac.of(new byte[6]);
        host.addresses.add(new Addr(Cidr.parse("127.0.0.1/8"), lo));
    }

    /** Everything this system holds, one fact a line, in a fixed order: equal strings, equal systems. */
    public String state() {
        StringBuilder b = new StringBuilder();
        for (Space s : ordered()) {
            b.append("[").append(s.label).append("]\n");
            for (MemLink l : s.sorted()) {
                b.append("link ").append(l.name).append(l.kind.isEmpty() ? "" : " " + l.kind)
                        .append(l.up ? " up" : " down").append(" mtu ").append(l.mtu).append(" mac ").append(l.mac)
                        .append(l.master == null ? "" : " master " + l.master.name)
                        .append(l.peer == null ? "" : " peer " + l.peer.name + (l.peer.space == s ? "" : "@" + l.peer.space.label))
                        .append(l.stp ? " stp" : "").append(l.hairpin ? " hairpin" : "").append('\n');
            }
            for (Address a : s.addressList()) {
                b.append("addr ").append(a.cidr()).append(" dev ").append(a.linkName()).append(" scope ").append(a.scope()).append('\n');
            }
            for (Route r : s.routeList()) {
                b.append("route ").append(r.describe()).append('\n');
            }
            s.sysctls.forEach((k, v) -> {
                if (!v.equals(SYSCTL_DEFAULTS.getOrDefault(k, "0"))) { // one set back to its default is as if never set
                    b.append("sysctl ").append(k).append(" = ").append(v).append('\n');
                }
            });
            s.firewall.text(true).lines().forEach(l -> b.append("iptables ").append(l).append('\n'));
        }
        uts.forEach((name, host) -> b.append("uts ").append(name).append(" hostname ").append(host).append('\n'));
        directories.forEach(d -> b.append("dir ").append(d).append('\n'));
        files.forEach((f, text) -> b.append("file ").append(f).append(": ").append(text.replace("\n", "\\n")).append('\n'));
        return b.toString();
    }

    private List<Space> ordered() {
        List<Space> out = new ArrayList<>(spaces.values());
        out.sort(Comparator.comparing((Space s) -> !s.label.equals("host")).thenComparing(s -> s.label));
        return out;
    }

    private Space space(Where w) {
        Space s = spaces.get(w.label());
        if (s == null) {
            if (w.kind() == Where.Kind.PID) { // a process's namespace: there as long as we look at it
                s = new Space(w.label());
                spaces.put(s.label, s);
                return s;
            }
            throw new KernelException("network namespace '" + w.name() + "' does not exist (see: ip netns list)", ENOENT);
        }
        return s;
    }

    @Override
    public Kernel.Links links(Where where) {
        return new MemLinks(where);
    }

    @Override
    public Kernel.Addresses addresses(Where where) {
        return new Kernel.Addresses() {
            public void add(IfName dev, Cidr cidr) {
                Space s = space(where);
                MemLink l = s.require(dev);
                if (s.addresses.stream().anyMatch(a -> a.link == l && a.cidr.equals(cidr))) {
                    throw KernelException.of("cannot add " + cidr + " to " + dev + in(where), EEXIST);
                }
                s.addresses.add(new Addr(cidr, l));
            }

            public void delete(IfName dev, Cidr cidr) {
                Space s = space(where);
                MemLink l = s.require(dev);
                if (!s.addresses.removeIf(a -> a.link == l && a.cidr.equals(cidr))) {
                    throw KernelException.of("cannot remove " + cidr + " from " + dev + in(where), EADDRNOTAVAIL);
                }
                s.routes.removeIf(r -> r.source != null && r.source.equals(cidr.address()));
                if (cidr.isV4() && s.addresses.stream().noneMatch(a -> a.link == l && a.cidr.isV4())) {
                    s.dropRoutesThrough(l); // the kernel flushes a link's IPv4 routes with its last address
                }
            }

            public List<Address> list() {
                return space(where).addressList();
            }

            public List<Address> list(IfName dev) {
                space(where).require(dev);
                return list().stream().filter(a -> a.linkName().equals(dev.name())).toList();
            }
        };
    }

    @Override
    public Kernel.Routes routes(Where where) {
        return new Kernel.Routes() {
            public void add(Cidr destination, IpAddress gateway, IfName dev) {
                Space s = space(where);
                String what = "cannot add route " + RouteOps.text(destination, gateway, dev) + in(where);
                if (destination == null && gateway == null && dev == null) {
                    throw new KernelException("a route needs a destination, a gateway or a device");
                }
                MemLink l = dev == null ? null : s.require(dev);
                if (gateway != null) {
                    MemLink via = s.connected(gateway);
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
                if (s.routes.stream().anyMatch(r -> java.util.Objects.equals(r.destination, dst) && r.family() == family)
                        || s.connectedRoutes().stream().anyMatch(r -> java.util.Objects.equals(r.destination(), dst))) {
                    throw KernelException.of(what, EEXIST);
                }
                s.routes.add(new StaticRoute(dst, gateway, l, null, family));
            }

            public void delete(Cidr destination, IpAddress gateway, IfName dev) {
                Space s = space(where);
                Cidr dst = destination == null ? null : destination.network();
                boolean gone = s.routes.removeIf(r -> java.util.Objects.equals(r.destination, dst)
                        && (gateway == null || gateway.equals(r.gateway)) && (dev == null || dev.name().equals(r.link.name)));
                if (!gone) {
                    throw KernelException.of("cannot delete route " + RouteOps.text(destination, gateway, dev) + in(where), ESRCH);
                }
            }

            public List<Route> list() {
                return space(where).routeList();
            }

            public Route get(IpAddress to) {
                return space(where).routeList().stream()
                        .filter(r -> r.destination() == null ? r.gateway() == null || r.gateway().family() == to.family()
                                : r.destination().family() == to.family() && r.destination().contains(to))
                        .max(Comparator.comparingInt(r -> r.destination() == null ? -1 : r.destination().prefix()))
                        .orElseThrow(() -> new KernelException("no route to " + to + in(where), ENETUNREACH));
            }
        };
    }

    @Override
    public Kernel.Namespaces namespaces() {
        return new Kernel.Namespaces() {
            public boolean exists(String name) {
                return spaces.containsKey(name) && !name.equals("host");
            }

            public List<String> list() {
                return spaces.keySet().stream().filter(n -> !n.equals("host") && !n.startsWith("pid ")).toList();
            }

            public void create(String name) {
                if (spaces.containsKey(name)) {
                    throw new KernelException("network namespace '" + name + "' already exists", EEXIST);
                }
                Space s = new Space(name);
                spaces.put(name, s);
                MemLink lo = s.add("lo", "");
                lo.mtu = 65536;
                lo.mac = Mac.of(new byte[6]);
            }

            public void delete(String name) {
                Space s = spaces.get(name);
                if (s == null || name.equals("host")) {
                    throw new KernelException("network namespace '" + name + "' does not exist (see: ip netns list)", ENOENT);
                }
                for (MemLink l : new ArrayList<>(s.links.values())) {
                    s.remove(l); // and a veth's peer elsewhere goes with it
                }
                spaces.remove(name);
            }

            public boolean hasUts(String name) {
                return uts.containsKey(name);
            }

            public void createUts(String name, String hostname) {
                if (uts.containsKey(name)) {
                    throw new KernelException("a UTS namespace for '" + name + "' exists already", EEXIST);
                }
                uts.put(name, hostname);
            }

            public void deleteUts(String name) {
                uts.remove(name);
            }
        };
    }

    @Override
    public String sysctl(Where where, String key) {
        return space(where).sysctls.getOrDefault(sysctlKey(key), SYSCTL_DEFAULTS.getOrDefault(sysctlKey(key), "0"));
    }

    /** "net/ipv4/ip_forward" and "net.ipv4.ip_forward" are the same file. */
    private static String sysctlKey(String key) {
        return key.replace('/', '.');
    }

    @Override
    public void setSysctl(Where where, String key, String value) {
        space(where).sysctls.put(sysctlKey(key), value.strip());
    }

    @Override
    public Kernel.Firewall firewall(Where where) {
        return new Kernel.Firewall() {
            public Iptables.Saved save() {
                return space(where).firewall.save();
            }

            public void restore(Map<String, List<String>> linesByTable) {
                space(where).firewall.restore(linesByTable);
            }

            public String policy(String chain) {
                return space(where).firewall.policy(chain);
            }

            public void setPolicy(String chain, String policy) {
                space(where).firewall.setPolicy(chain, policy);
            }
        };
    }

    @Override
    public Kernel.Files files() {
        return new Kernel.Files() {
            public String read(Path file) {
                return files.get(file);
            }

            public void write(Path file, String text) {
                createDirectories(file.getParent());
                files.put(file, text);
            }

            public boolean isDirectory(Path dir) {
                return directories.contains(dir);
            }

            public void createDirectories(Path dir) {
                for (Path d = dir; d != null && d.getParent() != null; d = d.getParent()) {
                    directories.add(d);
                }
            }

            public List<Path> list(Path dir) {
                List<Path> out = new ArrayList<>();
                files.keySet().stream().filter(f -> dir.equals(f.getParent())).forEach(out::add);
                directories.stream().filter(d -> dir.equals(d.getParent())).forEach(out::add);
                out.sort(null);
                return out;
            }

            public void delete(Path path) {
                if (directories.contains(path) && !list(path).isEmpty()) {
                    throw new KernelException("cannot remove " + path + ": directory not empty");
                }
                files.remove(path);
                directories.remove(path);
            }
        };
    }

    /** There are no processes here: only {@code iptables-save} answers (the firewall views use it). */
    @Override
    public ExecResult exec(Where where, List<String> argv, Duration timeout) {
        if (argv.equals(List.of("iptables-save"))) {
            return new ExecResult(0, space(where).firewall.text(), "", false);
        }
        return new ExecResult(127, "", "the in-memory kernel runs no processes (" + String.join(" ", argv) + ")\n", false);
    }

    @Override
    public void inside(Where where, Runnable work) {
        space(where);
        work.run();
    }

    @Override
    public void settle(String where, String name) {
        settled.add(where + "/" + name);
    }

    @Override
    public boolean isSettled(String where, String name) {
        return settled.contains(where + "/" + name);
    }

    @Override
    public void forget(Where where) {
    }

    @Override
    public void releaseNamespaces() {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "an in-memory kernel";
    }

    private static String in(Where w) {
        return w.isHost() ? "" : " in " + w.label();
    }

    private Mac newMac() {
        int n = ++nextMac;
        return Mac.of(new byte[] {2, 0, 0, 0, (byte) (n >> 8), (byte) n});
    }

    /** One network namespace. */
    private final class Space {
        final String label;
        final int nsId = nextNsId++;
        final Map<String, MemLink> links = new LinkedHashMap<>();
        final List<Addr> addresses = new ArrayList<>();
        final List<StaticRoute> routes = new ArrayList<>();
        final Map<String, String> sysctls = new TreeMap<>();
        final MemoryFirewall firewall = new MemoryFirewall();
        int nextIndex = 1;

        Space(String label) {
            this.label = label;
        }

        MemLink add(String name, String kind) {
            if (links.containsKey(name)) {
                throw KernelException.of("cannot create " + (kind.isEmpty() ? "link" : kind) + " " + name + (label.equals("host") ? "" : " in " + label), EEXIST);
            }
            MemLink l = new MemLink(this, nextIndex++, name, kind);
            l.mac = newMac();
            links.put(name, l);
            return l;
        }

        MemLink require(IfName name) {
            MemLink l = links.get(name.name());
            if (l == null) {
                throw new KernelException("link " + name + " does not exist" + (label.equals("host") ? "" : " in " + label), ENODEV);
            }
            return l;
        }

        List<MemLink> sorted() {
            return links.values().stream().sorted(Comparator.comparingInt(l -> l.index)).toList();
        }

        /** Takes a link out of this namespace: its addresses and routes go, its ports leave it, a veth's peer dies with it. */
        void remove(MemLink l) {
            detach(l);
            links.remove(l.name);
            for (MemLink port : links.values()) {
                if (port.master == l) {
                    port.master = null;
                }
            }
            if (l.peer != null) {
                MemLink p = l.peer;
                l.peer = null;
                p.peer = null;
                p.space.remove(p);
            }
        }

        /** A link leaving (deleted, moved): it loses its addresses, routes and bridge. */
        void detach(MemLink l) {
            addresses.removeIf(a -> a.link == l);
            dropRoutesThrough(l);
            l.master = null;
        }

        void dropRoutesThrough(MemLink l) {
            routes.removeIf(r -> r.link == l);
        }

        /** The link whose connected subnet holds {@code ip} (an up link with an address there), or null. */
        MemLink connected(IpAddress ip) {
            for (Addr a : addresses) {
                if (a.link.up && a.cidr.prefix() < a.cidr.address().bits() && a.cidr.contains(ip)) {
                    return a.link;
                }
            }
            for (StaticRoute r : routes) { // an on-link route makes its destination reachable too
                if (r.gateway == null && r.destination != null && r.destination.contains(ip)) {
                    return r.link;
                }
            }
            return null;
        }

        List<Address> addressList() {
            return addresses.stream().sorted(Comparator.comparingInt(a -> a.link.index))
                    .map(a -> new Address(a.cidr, a.link.index, a.link.name, scope(a.cidr))).toList();
        }

        /** The routes an address on an up link brings with it ({@code proto kernel scope link}). */
        List<Route> connectedRoutes() {
            List<Route> out = new ArrayList<>();
            for (Addr a : addresses) {
                if (a.link.up && a.cidr.prefix() < a.cidr.address().bits() && !a.cidr.address().toString().startsWith("127.")) {
                    out.add(new Route(a.cidr.network(), null, a.link.name, a.link.index, "link", "kernel", 254, "unicast",
                            a.cidr.address(), a.cidr.isV4() ? 0 : 256));
                }
            }
            return out;
        }

        List<Route> routeList() {
            List<Route> out = new ArrayList<>(connectedRoutes());
            for (StaticRoute r : routes) {
                out.add(new Route(r.destination, r.gateway, r.link.name, r.link.index,
                        r.gateway == null && r.family == 2 ? "link" : "global", "boot", 254, "unicast", r.source, r.family == 2 ? 0 : 1024));
            }
            out.sort(Comparator.comparing((Route r) -> r.destination() != null)
                    .thenComparing(r -> r.destination() == null ? "" : r.destination().network().address().toString())
                    .thenComparingInt(r -> r.destination() == null ? 0 : r.destination().prefix()));
            return out;
        }
    }

    private static String scope(Cidr c) {
        return c.isV4() && c.address().toString().startsWith("127.") ? "host" : "global";
    }

    private static final class MemLink {
        Space space;
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

        MemLink(Space space, int index, String name, String kind) {
            this.space = space;
            this.index = index;
            this.name = name;
            this.kind = kind;
        }

        Link view() {
            int peerIndex = peer == null ? 0 : peer.index;
            int peerNs = peer == null || peer.space == space ? -1 : peer.space.nsId;
            return new Link(index, name, kind, master == null ? 0 : master.index, up, up ? "UP" : "DOWN", mac, mtu, peerIndex, peerNs);
        }
    }

    private record Addr(Cidr cidr, MemLink link) {
    }

    private record StaticRoute(Cidr destination, IpAddress gateway, MemLink link, IpAddress source, int family) {
    }

    /** One namespace's links, as {@code ip link} changes them. */
    private final class MemLinks implements Kernel.Links {
        private final Where where;

        MemLinks(Where where) {
            this.where = where;
        }

        private Space s() {
            return space(where);
        }

        public void addBridge(IfName name) {
            s().add(name.name(), "bridge");
        }

        public void addVeth(IfName a, IfName b, Where peerIn) {
            Space here = s();
            Space there = peerIn == null ? here : space(peerIn);
            if (here.links.containsKey(a.name()) || there.links.containsKey(b.name()) || (here == there && a.equals(b))) {
                throw KernelException.of("cannot create veth pair " + a + "/" + b + in(where), EEXIST);
            }
            MemLink x = here.add(a.name(), "veth");
            MemLink y = there.add(b.name(), "veth");
            x.peer = y;
            y.peer = x;
        }

        public void addDummy(IfName name) {
            s().add(name.name(), "dummy");
        }

        public void delete(IfName name) {
            Space s = s();
            s.remove(s.require(name));
        }

        public void setUp(IfName name) {
            MemLink l = s().require(name);
            l.up = true;
            if (l.name.equals("lo") && s().addresses.stream().noneMatch(a -> a.link == l)) {
                s().addresses.add(new Addr(Cidr.parse("127.0.0.1/8"), l));
            }
        }

        public void setDown(IfName name) {
            MemLink l = s().require(name);
            l.up = false;
            s().dropRoutesThrough(l); // the kernel flushes the routes through a link that goes down
        }

        public void setMaster(IfName name, IfName bridge) {
            Space s = s();
            MemLink br = s.require(bridge);
            MemLink l = s.require(name);
            if (!br.kind.equals("bridge") || br == l) {
                throw KernelException.of("cannot attach " + name + " to " + bridge + in(where), EINVAL);
            }
            l.master = br;
        }

        public void setNoMaster(IfName name) {
            s().require(name).master = null;
        }

        public void rename(IfName name, IfName newName) {
            Space s = s();
            MemLink l = s.require(name);
            String what = "cannot rename " + name + " to " + newName + in(where);
            if (l.up) {
                throw KernelException.of(what, EBUSY);
            }
            if (s.links.containsKey(newName.name())) {
                throw KernelException.of(what, EEXIST);
            }
            s.links.remove(l.name);
            l.name = newName.name();
            s.links.put(l.name, l);
        }

        public void setMac(IfName name, Mac mac) {
            s().require(name).mac = mac;
        }

        public void setMtu(IfName name, int mtu) {
            if (mtu < 68 || mtu > 65535) {
                throw KernelException.of("cannot set the MTU of " + name + " to " + mtu + in(where), EINVAL);
            }
            s().require(name).mtu = mtu;
        }

        public void moveTo(IfName name, Where target) {
            Space from = s();
            MemLink l = from.require(name);
            Space to = space(target);
            if (to == from) {
                return;
            }
            if (to.links.containsKey(l.name)) {
                throw KernelException.of("cannot move " + name + " into namespace " + target.label() + in(where), EEXIST);
            }
            from.detach(l);
            from.links.remove(l.name);
            for (MemLink port : from.links.values()) {
                if (port.master == l) {
                    port.master = null;
                }
            }
            l.up = false;
            l.space = to;
            if (to.links.values().stream().anyMatch(x -> x.index == l.index)) {
                l.index = to.nextIndex;
            }
            to.nextIndex = Math.max(to.nextIndex, l.index + 1);
            to.links.put(l.name, l);
        }

        public void setStp(IfName bridge, boolean on) {
            MemLink l = s().require(bridge);
            if (!l.kind.equals("bridge")) {
                throw KernelException.of("cannot set STP on " + bridge + in(where), EINVAL);
            }
            l.stp = on;
        }

        public boolean hairpin(IfName port) {
            MemLink l = s().links.get(port.name());
            return l != null && l.hairpin;
        }

        public void setHairpin(IfName port, boolean on) {
            MemLink l = s().require(port);
            if (l.master == null) {
                throw new IllegalStateException("ip link set dev " + port + " type bridge_slave hairpin " + (on ? "on" : "off")
                        + " failed: " + port + " is no bridge port");
            }
            l.hairpin = on;
        }

        public List<Link> list() {
            return s().sorted().stream().map(MemLink::view).toList();
        }

        public Optional<Link> get(IfName name) {
            return Optional.ofNullable(s().links.get(name.name())).map(MemLink::view);
        }

        public Link require(IfName name) {
            return s().require(name).view();
        }

        public Optional<Link> byIndex(int index) {
            return s().links.values().stream().filter(l -> l.index == index).findFirst().map(MemLink::view);
        }
    }
}
