package netgroovy.docker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.model.World;
import netgroovy.plan.AddressOps;
import netgroovy.plan.LinkOps;
import netgroovy.plan.RouteOps;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * A Docker daemon on one host: {@code dockerd} (its bridge and options), {@code docker run}
 * (Docker's five steps, addresses, MAC, the /etc files, links, modes), {@code docker network}
 * (create, connect, disconnect, rm, prune, ls, inspect), {@code docker rm}, {@code inspect},
 * {@code ps}. It plans through its {@link Host}, in that host's namespace and world, so the
 * same daemon runs in the sandbox's own namespace or in a lab host's. Options come checked
 * for their names (the caller's business); their values are checked here.
 */
public final class Daemon {
    private final Host host;
    private final DockerFirewall firewall;

    public Daemon(Host host) {
        this.host = host;
        this.firewall = new DockerFirewall(host);
    }

    /** Docker's rules on this host: publish, links, the bridges' rules. */
    public DockerFirewall firewall() {
        return firewall;
    }

    public Host host() {
        return host;
    }

    private World state() {
        return host.world();
    }

    private Where where() {
        return host.where();
    }

    /** The daemon: docker0 (or -b BRIDGE) with bip, fixedCidr, mtu, icc, ipForward, iptables, dns, and its resolver for user networks. */
    public void dockerd(Map<String, Object> o) {
        String resolver = resolver(o.get("resolver"));
        if (!where().isHost() && (resolver.equals(World.EMBEDDED) || Boolean.TRUE.equals(o.get("userlandProxy")))) {
            // Both serve from netgroovy's own process, in the namespace it lives in: the sandbox's, not a lab host's.
            throw new InvalidValueException("dockerd on " + where().label() + ": " + (resolver.equals(World.EMBEDDED) ? "resolver: 'embedded'" : "userlandProxy: true")
                    + " works only on the sandbox's own host (netgroovy serves it from its own namespace); on a lab host say it without");
        }
        if (strings(o.get("dns")).stream().anyMatch(d -> d.equals(World.EMBEDDED) || d.equals(World.HOSTS))) {
            throw new InvalidValueException("dockerd dns: takes nameserver addresses (Docker's --dns); for names from the embedded DNS server say resolver: '"
                    + World.EMBEDDED + "' (or '" + World.HOSTS + "' for /etc/hosts)");
        }
        if (o.containsKey("portRange")) {
            netgroovy.firewall.PortRange.parse(o.get("portRange").toString()); // checked before anything is done
        }
        if (o.containsKey("bridge") && o.containsKey("bip")) {
            // Docker refuses the pair too: -b takes the bridge's own address, --bip sets docker0's.
            throw new InvalidValueException("bridge: and bip: cannot be said together (Docker's -b and --bip are mutually exclusive): "
                    + "give the bridge its address yourself (bridge '" + o.get("bridge") + "' cidr '...')");
        }
        if (Boolean.TRUE.equals(o.get("ipv6"))) {
            v6Subnet(o.get("fixedCidrV6")); // options are checked before anything else
        }
        if (state().networks.containsKey("bridge")) {
            if (spec(o).equals(state().specs.get("dockerd"))) {
                return; // said again, as a re-run of a script says it: nothing to do
            }
            throw new InvalidValueException("dockerd has already run with other options (" + state().specs.get("dockerd")
                    + ", bridge network on " + state().networks.get("bridge").bridge() + "); teardown removes what it made");
        }
        state().specs.put("dockerd", spec(o));
        // Docker's default is the userland proxy; netgroovy's is --userland-proxy=false (README: Docker profile).
        state().userlandProxy = Boolean.TRUE.equals(o.get("userlandProxy"));
        boolean iptables = !Boolean.FALSE.equals(o.get("iptables"));
        boolean icc = !Boolean.FALSE.equals(o.get("icc"));
        String bridge = o.containsKey("bridge") ? o.get("bridge").toString() : "docker0";
        if (o.containsKey("bridge")) {
            // Made earlier in this statement (still planned), or there in the kernel.
            if (host.live() && !host.plansBridge(bridge)
                    && host.kernel().links(where()).get(IfName.of(bridge)).isEmpty()) {
                throw new InvalidValueException("bridge " + bridge + " does not exist; make it first (bridge '" + bridge
                        + "' cidr '...'), as Docker's -b expects");
            }
        }
        // -b BRIDGE without --bip: Docker takes the bridge's own address and subnet (seed 002).
        Cidr bip = o.containsKey("bip") ? Cidr.parse(o.get("bip").toString())
                : o.containsKey("bridge") ? bridgeAddress(bridge) : Cidr.parse("172.17.0.1/16");
        Cidr pool = o.containsKey("fixedCidr") ? Cidr.parse(o.get("fixedCidr").toString()) : null;
        Ipam ipam = new Ipam(bip, pool, bip.address());
        if (!o.containsKey("bridge")) {
            host.bridge(bridge, bip.toString(), o.containsKey("mtu") ? ((Number) o.get("mtu")).intValue() : 0);
        }
        noRouterAdvertisements(bridge);
        if (!iptables) {
            state().iptables = false;
            if (!Boolean.FALSE.equals(o.get("ipForward"))) {
                firewall.ipForward(true); // Docker's --ip-forward is on by default, rules or not
            }
        }
        if (iptables && !Boolean.FALSE.equals(o.get("ipForward"))) {
            // Before forwarding is turned on: Docker drops in FORWARD what it does not accept.
            host.add(new netgroovy.plan.ForwardPolicyOp(where()));
        }
        if (iptables) {
            firewall.firewall(icc, true, bridge);
        }
        if (o.containsKey("portRange")) {
            state().portRange = o.get("portRange").toString();
        }
        if (o.containsKey("mtu")) {
            state().mtu = ((Number) o.get("mtu")).intValue(); // the containers' veths get it too, as Docker's --mtu
        }
        if (o.containsKey("ipForward")) {
            firewall.ipForward(Boolean.TRUE.equals(o.get("ipForward")));
        }
        state().dns = List.copyOf(strings(o.get("dns")));
        state().dnsSearch = List.copyOf(strings(o.get("dnsSearch")));
        if (o.containsKey("ip")) {
            state().defaultHostIp = IpAddress.parse(o.get("ip").toString());
        }

        Cidr v6 = Boolean.TRUE.equals(o.get("ipv6")) ? ipv6(bridge, o.get("fixedCidrV6")) : null;
        if (v6 == null && o.containsKey("fixedCidrV6")) {
            throw new InvalidValueException("fixedCidrV6 needs ipv6: true");
        }
        state().networks.put("bridge", new Network("bridge", bridge, ipam, icc, false, v6));
        if (!resolver.equals(state().resolver)) {
            state().resolver = resolver;
            // Containers on user networks made before the daemon was: their files follow, and the server starts for them.
            for (Container c : state().containers.values()) {
                if (DnsNames.served(c)) {
                    host.add(new WriteEtcFiles(c.name, hosts(c), c.hostname, resolv(c)));
                    serveNames(c);
                }
            }
        }
    }

    /** {@code resolver:} of dockerd, checked: how containers on user networks find each other's names. */
    private static String resolver(Object o) {
        String r = o == null ? World.HOSTS : o.toString();
        if (!r.equals(World.HOSTS) && !r.equals(World.EMBEDDED)) {
            throw new InvalidValueException("dockerd resolver: '" + r + "' is not a resolver; say 'embedded' (Docker >= 1.10: a DNS server at "
                    + netgroovy.docker.EmbeddedDns.ADDRESS + " in each container on a user network) or 'hosts' (the seeds' era: /etc/hosts lists the members)");
        }
        return r;
    }

    private boolean embedded() {
        return state().resolver.equals(World.EMBEDDED);
    }

    /** In embedded mode, the DNS server starts answering in {@code c} when it is on a user network. */
    private void serveNames(Container c) {
        if (embedded() && DnsNames.served(c)) {
            host.add(new DnsOps.Serve(host.embeddedDns(), c.name));
        }
    }

    /** The IPv4 address of a bridge that exists (or that this statement makes), as -b without --bip uses it. */
    private Cidr bridgeAddress(String bridge) {
        String planned = state().bridgeCidrs.get(bridge);
        if (planned != null) {
            return Cidr.parse(planned);
        }
        if (host.live()) {
            for (netgroovy.kernel.Address a : host.kernel().addresses(where()).list(IfName.of(bridge))) {
                if (a.cidr().isV4() && "global".equals(a.scope())) {
                    return a.cidr();
                }
            }
        }
        throw new InvalidValueException("bridge " + bridge + " has no IPv4 address; give it one (bridge '" + bridge
                + "' cidr '...') or say bip:, as Docker's -b needs");
    }

    /**
     * Docker 20.10 turns router advertisements off on every bridge it makes, and on the default
     * bridge also when it was there already ({@code -b}): libnetwork's setupDefaultSysctl
     * writes {@code net.ipv6.conf.BRIDGE.accept_ra=0}, with or without --ipv6, so that no RA
     * from a container configures the host. Skipped, as Docker skips it, when the kernel has no IPv6.
     */
    private void noRouterAdvertisements(String bridge) {
        if (!host.live() || java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/sys/net/ipv6/conf/all"))) {
            host.add(new netgroovy.plan.SysctlOp(where(), "net/ipv6/conf/" + bridge + "/accept_ra", "0"));
        }
    }

    /**
     * Docker's --ipv6: the bridge gets fe80::1 and the subnet's first address, and the host
     * forwards IPv6. Docker leaves the host's own accept_ra alone (its guide advises
     * accept_ra=2 on the uplink, which is the host's business, not the daemon's).
     */
    private Cidr ipv6(String bridge, Object subnet) {
        Cidr v6 = v6Subnet(subnet);
        IfName br = IfName.of(bridge);
        host.add(new AddressOps.Add(where(), br, Cidr.parse("fe80::1/64"), false));
        host.add(new AddressOps.Add(where(), br, new Cidr(v6.address().plus(1), v6.prefix()), false));
        host.add(new netgroovy.plan.SysctlOp(where(), "net.ipv6.conf.default.forwarding", "1")); // both, as libnetwork's setupIPv6Forwarding
        host.add(new netgroovy.plan.SysctlOp(where(), "net.ipv6.conf.all.forwarding", "1"));
        return v6;
    }

    /** fixedCidrV6, checked: an IPv6 subnet of at least /80. */
    private static Cidr v6Subnet(Object subnet) {
        if (subnet == null) {
            throw new InvalidValueException("ipv6: true needs fixedCidrV6, like fixedCidrV6: '2001:db8:1::/64'");
        }
        Cidr v6 = Cidr.parse(subnet.toString()).network();
        if (v6.isV4()) {
            throw new InvalidValueException("fixedCidrV6 " + subnet + " is not an IPv6 subnet");
        }
        if (v6.prefix() > 80) {
            throw new InvalidValueException("fixedCidrV6 " + v6 + " is too small: Docker needs at least a /80, "
                    + "as a container's host part is its 48-bit MAC");
        }
        return v6;
    }

    /** A container, as {@code docker run} wires one. */
    public Container container(Map<String, Object> o, String name) {
        if (state().containers.containsKey(name)) {
            if (spec(o).equals(state().specs.get("container " + name))) {
                return state().containers.get(name); // a re-run: it is there as asked
            }
            if (state().specs.get("container " + name) == null) {
                // Rebuilt from the kernel, where its options had no room (see Marks): taken as what it was made with.
                state().specs.put("container " + name, spec(o));
                return state().containers.get(name);
            }
            throw new InvalidValueException("container " + name + " exists already, made with other options ("
                    + state().specs.get("container " + name) + "); rm '" + name + "' first, or give another name");
        }
        state().specs.put("container " + name, spec(o));
        String net = String.valueOf(o.getOrDefault("net", "bridge"));
        Container c;
        if (net.equals("host")) {
            // The host's own namespace: the sandbox's (null, as netgroovy has always kept it) or the lab host's.
            c = new Container(name, "host", where().isHost() ? null : where().name());
            c.hostname = hostHostname();
        } else if (net.startsWith("container:")) {
            Container other = require(net.substring("container:".length()));
            c = new Container(name, "container", other.namespace);
            c.ip = other.ip;
            c.mac = other.mac;
            c.network = other.network;
            c.hostname = other.hostname; // it lives in the other's network and UTS namespaces
        } else {
            c = new Container(name, net.equals("none") ? "none" : "bridge", name);
            c.hostname = String.valueOf(o.getOrDefault("hostname", c.shortId()));
            host.namespace(name);
            host.add(new UtsOps.Create(name, c.hostname));
        }
        if (o.containsKey("hostname") && !c.hostname.equals(String.valueOf(o.get("hostname")))) {
            throw new InvalidValueException("container " + name + " uses network mode " + c.mode
                    + ", which shares the hostname of another; hostname: cannot be given (as in Docker)");
        }
        if (c.mode.equals("bridge")) {
            if (!state().networks.containsKey(net)) {
                if (!net.equals("bridge")) {
                    throw new InvalidValueException("no network '" + net + "' (networks: " + String.join(", ", networkNames()) + ")");
                }
                dockerd(Map.of());
            }
            wire(c, state().networks.get(net), o);
        }
        for (String l : strings(o.get("link"))) {
            String[] parts = l.split(":", 2);
            Container target = require(parts[0]);
            c.links.put(parts.length > 1 ? parts[1] : parts[0], target.name);
            state().linked(target.name);
        }
        for (String p : strings(o.get("expose"))) {
            firewall.expose(name, List.of(p));
            for (netgroovy.firewall.PortMapping m : netgroovy.firewall.PortMapping.parse(p)) { // a range is one port each
                c.exposed.add(m.containerPort() + "/" + m.protocol());
            }
        }
        // Docker counts the container ports of -p as exposed too (links see them).
        for (String spec : strings(o.get("publish"))) {
            for (netgroovy.firewall.PortMapping m : netgroovy.firewall.PortMapping.parse(spec)) {
                String p = m.containerPort() + "/" + m.protocol();
                if (!c.exposed.contains(p)) {
                    c.exposed.add(p);
                    firewall.expose(name, List.of(p));
                }
            }
        }
        c.env.putAll(environmentOption(o.get("env")));
        if (!c.mode.equals("host") && !c.mode.equals("container")) {
            c.dns = o.containsKey("dns") ? strings(o.get("dns")) : null;
            c.dnsSearch = o.containsKey("dnsSearch") ? strings(o.get("dnsSearch")) : null;
            host.add(new WriteEtcFiles(name, hosts(c), c.hostname, resolv(c)));
            serveNames(c);
        }
        state().containers.put(name, c);
        if (c.network != null) {
            announce(c, c.network);
        }
        // Containers that link to this name (it was removed and made again): their alias follows the new address.
        if (state().someoneLinksTo(name)) {
            for (Container m : state().containersReadOnly()) {
                if (m != c && m.links.containsValue(name) && !m.mode.equals("host") && !m.mode.equals("container")) {
                    host.add(new WriteEtcFiles(m.name, hosts(m), m.hostname, resolv(m)));
                }
            }
        }
        // Docker programs the published ports when the container joins its network, its links after.
        List<String> publish = strings(o.get("publish"));
        if (!publish.isEmpty()) {
            firewall.publish(name, publish, null, null);
        }
        if (Boolean.TRUE.equals(o.get("publishAll"))) {
            // -P: the exposed ports that -p did not bind already, each to a free host port.
            List<String> bound = new ArrayList<>();
            publish.forEach(spec -> netgroovy.firewall.PortMapping.parse(spec).forEach(m -> bound.add(m.containerPort() + "/" + m.protocol())));
            List<String> rest = state().exposed(name).stream().filter(p -> !bound.contains(p)).toList();
            if (rest.isEmpty() && bound.isEmpty()) {
                firewall.publishAll(name); // says that nothing is exposed
            } else if (!rest.isEmpty()) {
                firewall.publish(name, rest, null, null);
            }
        }
        if (c.network != null && !c.network.icc()) {
            for (String target : c.links.values()) {
                if (!state().exposed(target).isEmpty()) { // a link to a container offering nothing opens nothing, as in Docker
                    firewall.allowLink(name, target);
                }
            }
        }
        if (o.containsKey("cmd")) {
            host.flush();
            if (host.live()) {
                c.pid = host.start(c, o.get("cmd").toString());
            }
        }
        return c;
    }

    /** Docker's five steps: veth pair, host end on the bridge, eth0 inside with MAC and address, default route. */
    private void wire(Container c, Network n, Map<String, Object> o) {
        Container.Attachment a = attach(c, n, o.containsKey("ip") ? IpAddress.parse(o.get("ip").toString()) : null,
                o.containsKey("mac") ? Mac.parse(o.get("mac").toString()) : null, aliases(n, o.get("alias")));
        c.network = n;
        c.ip = a.ip();
        c.mac = a.mac();
        c.hostVeth = a.hostVeth();
        host.add(new RouteOps.Add(Where.named(c.name), null, n.ipam().gateway(), null));
        if (n.v6() != null) {
            host.add(new RouteOps.Add(Where.named(c.name), null, n.v6Gateway(), IfName.of(a.ifname())));
        }
    }

    /**
     * Docker's steps for one network: a veth pair whose inner end (eth0, eth1 ...) is born in
     * the container, the host end on the network's bridge and up, MAC and up, address.
     */
    private Container.Attachment attach(Container c, Network n, IpAddress wanted, Mac mac, List<String> aliases) {
        Ipam ipam = n.ipam();
        IpAddress ip = wanted != null ? ipam.allocate(wanted) : ipam.allocate();
        Mac m = mac != null ? mac : Macs.fromIp(ip);
        String ifname = "eth" + c.attachments.size();
        // Docker's names are random; ours are stable (a re-run finds them) but new for each
        // incarnation, since an old namespace's veth can outlive its deletion for a moment.
        int incarnation = host.incarnation(c.name + "@" + n.name());
        String hostVeth = "veth" + Integer.toHexString((c.name + "@" + n.name() + (incarnation == 0 ? "" : "#" + incarnation))
                .hashCode() & 0xfffffff);
        Where in = Where.named(c.name);
        IfName inner = IfName.of(ifname);
        IfName outer = IfName.of(hostVeth);
        Container.Attachment a = new Container.Attachment(n, ip, m, ifname, hostVeth, aliases);
        // The host end is born on the bridge, down; what changes it is done before it goes up, as
        // Docker orders it: the mark and the MTU, set on a port that is up, make the kernel walk
        // the host's IPv6 routes (LinkOps.Mark). Hairpin mode (Docker's without the userland
        // proxy) rides with the mark: three requests, not four, and no look-up of the bridge.
        IfName bridge = IfName.of(n.bridge());
        host.add(new LinkOps.CreateVeth(where(), outer, inner, in, bridge));
        World world = state();
        java.util.function.Supplier<String> mark = () -> netgroovy.model.Marks.vethMark(world, c, a);
        host.add(state().userlandProxy ? new LinkOps.Mark(where(), outer, mark) : LinkOps.Mark.andHairpin(where(), outer, mark));
        if (!n.userDefined() && state().mtu > 0) {
            host.add(new LinkOps.SetMtu(where(), outer, state().mtu));
            host.add(new LinkOps.SetMtu(in, inner, state().mtu));
        }
        host.add(new LinkOps.SetUp(where(), outer, true));
        // MAC and up in one request (Docker brings it up after the address: the same link in the end,
        // one round trip and one turn at the kernel's rtnetlink lock fewer).
        host.add(new LinkOps.SetMac(in, inner, m, true));
        host.add(new AddressOps.Add(in, inner, new Cidr(ip, ipam.subnet().prefix()), false));
        if (n.v6() != null) {
            // The container's namespace has IPv6 off (Host#namespace); Docker switches it on for an
            // interface given an IPv6 address, and for lo (::1) once any interface has one.
            host.add(new netgroovy.plan.SysctlOp(in, "net/ipv6/conf/" + ifname + "/disable_ipv6", "0"));
            host.add(new netgroovy.plan.SysctlOp(in, "net/ipv6/conf/lo/disable_ipv6", "0"));
            host.add(new AddressOps.Add(in, inner, new Cidr(n.v6Address(m), n.v6().prefix()), false));
        }
        c.attachments.add(a);
        return a;
    }

    /** {@code network 'my-net', subnet: '172.25.0.0/16'}: docker network create -d bridge. */
    public Network createNetwork(Map<String, Object> o, String name) {
        if (!"bridge".equals(String.valueOf(o.getOrDefault("driver", "bridge")))) {
            throw new InvalidValueException("only the bridge driver is supported, not " + o.get("driver"));
        }
        if (state().networks.containsKey(name) && spec(o).equals(state().specs.get("network " + name))) {
            return state().networks.get(name); // a re-run: it is there as asked
        }
        if (List.of("bridge", "host", "none").contains(name) || state().networks.containsKey(name)) {
            throw new InvalidValueException("network " + name + " already exists");
        }
        state().specs.put("network " + name, spec(o));
        Cidr subnet = o.containsKey("subnet") ? Cidr.parse(o.get("subnet").toString()).network() : freeSubnet();
        for (Network other : state().networks.values()) {
            if (other.ipam().subnet().contains(subnet.address()) || subnet.contains(other.ipam().subnet().address())) {
                throw new InvalidValueException("subnet " + subnet + " overlaps network " + other.name() + " (" + other.ipam().subnet() + ")");
            }
        }
        IpAddress gateway = o.containsKey("gateway") ? IpAddress.parse(o.get("gateway").toString()) : subnet.address().plus(1);
        String bridge = o.containsKey("bridge") ? o.get("bridge").toString()
                : "br-" + String.format("%012x", (name.hashCode() & 0xffffffffL) * 0x9E3779B1L & 0xffffffffffffL);
        boolean icc = !Boolean.FALSE.equals(o.get("icc"));
        Network n = new Network(name, bridge, new Ipam(subnet, null, gateway), icc, true, null);
        host.bridge(bridge, new Cidr(gateway, subnet.prefix()).toString(), 0);
        noRouterAdvertisements(bridge);
        if (state().iptables) {
            firewall.firewall(icc, true, bridge);
        }
        state().networks.put(name, n);
        return n;
    }

    /** 172.18.0.0/16 upward: the first /16 that no network (nor a host address) uses. */
    private Cidr freeSubnet() {
        for (int second = 18; second < 32; second++) {
            Cidr candidate = Cidr.parse("172." + second + ".0.0/16");
            boolean used = state().networks.values().stream().anyMatch(n -> n.ipam().subnet().contains(candidate.address())
                    || candidate.contains(n.ipam().subnet().address()));
            if (!used && host.live()) {
                used = host.kernel().addresses(where()).list().stream().anyMatch(a -> candidate.contains(a.cidr().address()));
            }
            if (!used) {
                return candidate;
            }
        }
        throw new InvalidValueException("no free subnet left in 172.18.0.0-172.31.255.255; give one: subnet: '10.20.0.0/16'");
    }

    /**
     * {@code alias: 'db'} or {@code alias: ['db', 'cache']}: Docker's --network-alias, more names
     * for the container on that network; only on a user network, as in Docker.
     */
    private static List<String> aliases(Network n, Object o) {
        List<String> aliases = strings(o);
        if (!aliases.isEmpty() && !n.userDefined()) {
            throw new InvalidValueException("alias: " + aliases + " needs a user-defined network; on " + n.name()
                    + " only links give names (as Docker's --network-alias)");
        }
        for (String a : aliases) {
            if (!a.matches("[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?")) {
                throw new InvalidValueException("alias: '" + a + "' is not a host name (letters, digits, '-', '_' and '.')");
            }
        }
        return aliases;
    }

    /** docker network connect: one more interface for the container, and names for everyone. */
    public void connect(String network, String container) {
        connect(Map.of(), network, container);
    }

    /** docker network connect --alias NAME. */
    public void connect(Map<String, Object> o, String network, String container) {
        Network n = network(network);
        Container c = require(container);
        if (!c.mode.equals("bridge")) {
            throw new InvalidValueException("container " + container + " uses network mode " + c.mode + "; it cannot join networks");
        }
        if (c.on(network) != null) {
            throw new InvalidValueException(container + " is already on " + network);
        }
        attach(c, n, null, null, aliases(n, o.get("alias")));
        if (embedded()) {
            host.add(new WriteEtcFiles(c.name, hosts(c), c.hostname, resolv(c)));
            serveNames(c);
        }
        refreshHosts(n);
    }

    /** docker network disconnect. */
    public void disconnect(String network, String container) {
        Network n = network(network);
        Container c = require(container);
        Container.Attachment a = c.on(network);
        if (a == null) {
            throw new InvalidValueException(container + " is not on " + network);
        }
        host.add(new LinkOps.Delete(where(), IfName.of(a.hostVeth())));
        n.ipam().release(a.ip());
        c.attachments.remove(a);
        if (c.network == n) {
            c.network = null;
            c.ip = null;
        }
        host.add(new WriteEtcFiles(c.name, hosts(c), c.hostname, resolv(c)));
        if (embedded() && n.userDefined() && !DnsNames.served(c)) {
            host.add(new DnsOps.Stop(host.embeddedDns(), c.name)); // no user network left: Docker's names are gone too
        }
        refreshHosts(n);
    }

    /** docker network rm: refused while containers are attached. */
    public void removeNetwork(String name) {
        Network n = network(name);
        if (!n.userDefined()) {
            throw new InvalidValueException("the predefined network " + name + " cannot be removed");
        }
        List<String> members = members(n);
        if (!members.isEmpty()) {
            throw new InvalidValueException("network " + name + " has containers attached: " + String.join(", ", members)
                    + " (disconnect or rm them first)");
        }
        firewall.forgetBridge(n.bridge());
        host.add(new LinkOps.Delete(where(), IfName.of(n.bridge())));
        state().networks.remove(name);
        state().specs.remove("network " + name);
    }

    /** docker network prune: every user-defined network without containers. */
    public List<String> prune() {
        List<String> removed = new ArrayList<>();
        for (Network n : List.copyOf(state().networks.values())) {
            if (n.userDefined() && members(n).isEmpty()) {
                removeNetwork(n.name());
                removed.add(n.name());
            }
        }
        return removed;
    }

    /** docker network ls. */
    public String networks() {
        return views().networks();
    }

    /** docker network inspect, as JSON. */
    public String inspectNetwork(String name) {
        return views().inspectNetwork(network(name));
    }

    public DockerViews views() {
        return new DockerViews(state(), firewall::bindings);
    }

    public Network network(String name) {
        Network n = state().networks.get(name);
        if (n == null) {
            throw new InvalidValueException("no network '" + name + "' (networks: " + String.join(", ", networkNames()) + ")");
        }
        return n;
    }

    public List<String> members(Network n) {
        return state().containers.values().stream().filter(c -> c.on(n.name()) != null).map(c -> c.name).toList();
    }

    /**
     * Rewrites the hosts file of every member of a user network, so all find each other by name
     * (in embedded mode the DNS server answers instead, and the files stay as they are).
     */
    /**
     * Container c has just joined network n (its own file is written already): the members
     * there learn its name. One line is appended to each member's /etc/hosts where that is
     * exactly what writing the file again would give (a member of this network only: c is the
     * newest, so its line comes last); any other member's file is written again.
     */
    private void announce(Container c, Network n) {
        if (!n.userDefined() || embedded()) {
            return;
        }
        List<String> appendTo = new ArrayList<>();
        for (Container m : state().containersReadOnly()) {
            if (m != c && m.on(n.name()) != null && m.mode.equals("bridge")) {
                if (m.attachments.size() == 1) {
                    appendTo.add(m.name);
                } else {
                    host.add(new WriteEtcFiles(m.name, hosts(m), m.hostname, resolv(m)));
                }
            }
        }
        if (!appendTo.isEmpty()) {
            Container.Attachment a = c.on(n.name());
            host.add(new AddHostsLine(appendTo, a.ip() + "\t" + hostsNames(c, a)));
        }
    }

    /** How a member is named in the others' /etc/hosts: its name, then its aliases on that network. */
    private static String hostsNames(Container m, Container.Attachment on) {
        return String.join(" ", java.util.stream.Stream.concat(java.util.stream.Stream.of(m.name), on.aliases().stream()).toList());
    }

    private void refreshHosts(Network n) {
        if (!n.userDefined() || embedded()) {
            return;
        }
        for (Container m : state().containers.values()) {
            if (m.on(n.name()) != null && m.mode.equals("bridge")) {
                host.add(new WriteEtcFiles(m.name, hosts(m), m.hostname, resolv(m)));
            }
        }
    }


    /**
     * /etc/hosts as Docker writes it: its links ({@code IP alias hostname name}, the name only
     * when it differs from the alias), then its own address on each network with its hostname;
     * then, in netgroovy's /etc/hosts mode for user networks, the other members by name and
     * alias (in embedded mode the DNS server answers those, and the file stays this small).
     */
    private String hosts(Container c) {
        Map<String, String> links = new LinkedHashMap<>();
        c.links.forEach((alias, target) -> {
            Container t = state().containers.get(target);
            if (t.ip != null) {
                links.put(alias + " " + t.hostname + (alias.equals(target) ? "" : " " + target), t.ip.toString());
            }
        });
        List<String> own = new ArrayList<>(c.attachments.size());
        for (Container.Attachment a : c.attachments) {
            own.add(a.ip().toString());
        }
        Map<String, String> peers = new LinkedHashMap<>();
        for (Container.Attachment a : c.attachments) {
            if (!a.network().userDefined() || embedded()) {
                continue;
            }
            for (Container m : state().containersReadOnly()) {
                Container.Attachment ma = m.on(a.network().name());
                if (m != c && ma != null) {
                    peers.put(hostsNames(m, ma), ma.ip().toString());
                }
            }
        }
        return EtcFiles.hosts(links, own, c.hostname, peers);
    }

    /**
     * resolv.conf: the container's own dns:/dnsSearch: if it was given them, else the daemon's,
     * else the host's; in embedded mode on a user network, nameserver 127.0.0.11 (with that file's search and options).
     */
    private String resolv(Container c) {
        String resolv = EtcFiles.resolvConf(c, state().dns, state().dnsSearch);
        return embedded() && DnsNames.served(c) ? EtcFiles.embeddedResolvConf(resolv) : resolv;
    }

    /**
     * How a process starts in {@code c}, as Docker starts one: in the container's network and
     * UTS namespaces, with its /etc files bound over /etc, and with only Docker's environment.
     */
    public netgroovy.kernel.Launch launch(Container c, List<String> argv) {
        if (c.namespace == null) {
            return netgroovy.kernel.Launch.of(null, argv).withOnlyEnv(environment(c));
        }
        netgroovy.kernel.Launch l = netgroovy.kernel.Launch.of(host.liveKernel().ns(Where.named(c.namespace)),
                EtcFiles.wrapForContainer(c.namespace, argv));
        String uts = netgroovy.kernel.Namespaces.utsOf(c.namespace);
        return (uts == null ? l : l.inUts(uts)).withOnlyEnv(environment(c));
    }

    /** Docker's environment for a container's processes: PATH, HOSTNAME, HOME, then its links' variables. */
    public Map<String, String> environment(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOSTNAME", c.hostname);
        env.put("HOME", "/");
        env.putAll(linkEnvironment(c));
        env.putAll(c.env);
        return env;
    }

    /** The hostname a net: 'host' container sees: the (sandbox's or machine's) own. */
    private static String hostHostname() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /**
     * The environment a process in {@code c} gets from its links, as Docker's daemon/links
     * writes it: the ports sorted (lowest first, tcp before udp at the same number), ALIAS_PORT
     * the lowest, per port _PORT_P_PROTO{,_ADDR,_PORT,_PROTO}, a run of consecutive ports also
     * _START/_END, then ALIAS_NAME and the linked container's own variables as ALIAS_ENV_*.
     */
    public Map<String, String> linkEnvironment(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        c.links.forEach((alias, target) -> {
            Container t = state().containers.get(target);
            String prefix = alias.toUpperCase().replaceAll("[^A-Z0-9]", "_");
            env.putAll(LinkEnv.of(prefix, String.valueOf(t.ip), t.exposed));
            env.put(prefix + "_NAME", "/" + c.name + "/" + alias);
            t.env.forEach((k, v) -> {
                if (!k.equals("HOME") && !k.equals("PATH")) {
                    env.put(prefix + "_ENV_" + k, v);
                }
            });
        });
        return env;
    }

    /** {@code env: [FOO: 'bar']} or {@code env: ['FOO=bar']}: docker run -e. */
    private static Map<String, String> environmentOption(Object o) {
        Map<String, String> env = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        } else {
            for (String kv : strings(o)) {
                String[] parts = kv.split("=", 2);
                if (parts.length < 2) {
                    throw new InvalidValueException("env: '" + kv + "' is not NAME=VALUE");
                }
                env.put(parts[0], parts[1]);
            }
        }
        return env;
    }

    /** {@code inspect 'web'}: like docker inspect, its networking parts, as JSON. */
    public String inspect(String name) {
        return views().inspect(require(name));
    }

    /** {@code ps}: like docker ps, with a PORTS column as Docker prints it. */
    public String ps() {
        return views().ps();
    }

    /** Removes a container: its published ports, link rules, namespace, files and address. */
    public void rm(String name) {
        rm(name, true);
    }

    /** Removes every container (teardown): no member's /etc/hosts is written again, as all go. */
    public void removeAll() {
        for (String name : new ArrayList<>(state().containers.keySet())) {
            rm(name, false);
        }
    }

    private void rm(String name, boolean othersLearn) {
        Container c = require(name);
        if (embedded() && DnsNames.served(c)) {
            host.add(new DnsOps.Stop(host.embeddedDns(), name)); // its socket would keep the namespace alive
        }
        if (c.mode.equals("bridge") || c.mode.equals("none")) {
            firewall.forgetContainer(name);
            host.removeNamespace(name);
            if (othersLearn) { // (a single rm; removing them all does not wait for each)
                c.attachments.forEach(a -> host.add(new LinkOps.GoneWith(where(), IfName.of(a.hostVeth()), name)));
            }
            host.add(new RemoveFiles(name));
            host.add(new UtsOps.Delete(name, c.hostname));
        }
        if (c.mode.equals("bridge")) {
            c.attachments.forEach(a -> a.network().ipam().release(a.ip()));
        }
        state().containers.remove(name);
        state().specs.remove("container " + name);
        if (othersLearn) {
            c.attachments.forEach(a -> refreshHosts(a.network()));
        }
    }

    public Container require(String name) {
        Container c = state().containers.get(name);
        if (c == null) {
            throw new InvalidValueException("no container '" + name + "' (containers: " + String.join(", ", state().containers.keySet()) + ")");
        }
        return c;
    }

    private List<String> networkNames() {
        List<String> names = new ArrayList<>(List.of("bridge", "host", "none"));
        state().networks.keySet().stream().filter(n -> !n.equals("bridge")).forEach(names::add);
        return names;
    }

    /** Options as one comparable line, so that saying the same thing again can be recognised. */
    private static String spec(Map<String, Object> o) {
        return new java.util.TreeMap<>(o).toString();
    }

    private static List<String> strings(Object o) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(o));
    }

    /** Removes the /etc/netns files of a container that goes. */
    private static final class RemoveFiles implements netgroovy.plan.Op {
        private final String name;
        private Map<String, String> before;

        RemoveFiles(String name) {
            this.name = name;
        }

        public String command() {
            return "rm -rf /etc/netns/" + name;
        }

        public boolean isRemoval() {
            return true;
        }

        public void apply(netgroovy.plan.Kernel k) {
            before = EtcFiles.read(k.files(), name);
            EtcFiles.remove(k.files(), name);
        }

        public void undo(netgroovy.plan.Kernel k) {
            EtcFiles.restore(k.files(), name, before);
        }

        public String subject() {
            return "the /etc files of " + name;
        }
    }
}
