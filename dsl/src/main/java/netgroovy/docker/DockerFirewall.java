package netgroovy.docker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import netgroovy.firewall.Bindings;
import netgroovy.firewall.DockerRules;
import netgroovy.firewall.PortMapping;
import netgroovy.firewall.PortRange;
import netgroovy.firewall.Rule;
import netgroovy.kernel.Address;
import netgroovy.kernel.Link;
import netgroovy.plan.FirewallOp;
import netgroovy.plan.Kernel;
import netgroovy.plan.ProxyOps;
import netgroovy.proxy.Frontend;
import netgroovy.proxy.UserlandProxy;
import netgroovy.plan.RemoveOwnedRules;
import netgroovy.plan.SysctlOp;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;

/**
 * Docker's rules on one host: a bridge's forwarding, isolation and MASQUERADE rules, published
 * ports ({@code -p}, {@code -P}, with the userland proxy or without), links under icc false,
 * DOCKER-USER restrictions, and their removal when a container or a bridge goes. All rules go
 * into the host's tables (the sandbox's, or a lab host's), as Docker's do.
 */
public final class DockerFirewall {
    private final Host host;

    public DockerFirewall(Host host) {
        this.host = host;
    }

    private netgroovy.model.World world() {
        return host.world();
    }

    private boolean iptables() {
        return host.world().iptables;
    }

    /** The host routes between its interfaces (net.ipv4.ip_forward). */
    public void ipForward(boolean on) {
        host.add(new SysctlOp(host.where(), "net.ipv4.ip_forward", on ? "1" : "0"));
    }

    /** Docker's rules for a bridge: chains, jumps, forwarding (icc), MASQUERADE, ip_forward. */
    public void firewall(boolean icc, boolean masquerade, String bridge) {
        IfName.of(bridge);
        if (!iptables()) {
            return;
        }
        ipForward(true);
        // Bridged traffic must pass iptables for icc and links to mean anything (Docker checks this too).
        host.add(new SysctlOp(host.where(), "net.bridge.bridge-nf-call-iptables", "1"));
        if (!proxy()) {
            // Lets the host's 127.0.0.1 be NATed out of the bridge, so published ports answer on localhost
            // (with the userland proxy, the proxy answers there instead, and Docker leaves it off).
            host.add(new SysctlOp(host.where(), "net/ipv4/conf/" + bridge + "/route_localnet", "1"));
        }
        host.add(FirewallOp.add(host.where(), "Docker's chains", DockerRules.chains(), DockerRules.base(proxy())));
        // Saying it again with the other icc replaces that rule: the last word counts, as it would for dockerd --icc.
        Boolean had = world().firewalls.put(bridge, icc);
        if (had != null && had != icc) {
            host.add(FirewallOp.remove(host.where(), "icc " + had + " for " + bridge, List.of(DockerRules.icc(bridge, had))));
        }
        // Docker inserts a bridge's rules at the top (a newer network's come first), its
        // MASQUERADE for the subnet right after the one for the host's own addresses.
        List<Rule> rules = new ArrayList<>(DockerRules.bridge(bridge, icc, proxy()));
        if (masquerade) {
            rules.add(1, DockerRules.masquerade(bridge, bridgeCidr(bridge)));
        }
        host.add(FirewallOp.insert(host.where(), "forwarding for " + bridge, List.of(), rules));
        host.add(FirewallOp.insert(host.where(), "isolation for " + bridge, List.of(), DockerRules.isolation(bridge)));
    }

    /** {@code -s SUBNET ! -o BRIDGE -j MASQUERADE}; the subnet is the bridge's unless given. */
    public void masquerade(String bridge, String subnet) {
        IfName.of(bridge);
        if (!iptables()) {
            return;
        }
        Cidr net = subnet != null ? Cidr.parse(subnet) : bridgeCidr(bridge);
        host.add(FirewallOp.add(host.where(), "masquerade for " + bridge, List.of(), List.of(DockerRules.masquerade(bridge, net))));
    }

    /**
     * {@code publish 'c1', '8080:80', '53/udp'}: Docker's -p, every form. Returns the bindings
     * made. {@code ip} and {@code bridge} (null: the container's) say where its DNAT leads.
     */
    public List<PortMapping> publish(String container, List<String> specs, IpAddress ip, String bridge) {
        if (specs.isEmpty()) {
            throw new InvalidValueException("publish needs at least one port, like publish 'c1', '8080:80'");
        }
        List<PortMapping> wanted = new ArrayList<>();
        IpAddress defaultIp = world().defaultHostIp;
        specs.forEach(s -> PortMapping.parse(s).forEach(m -> wanted.add(m.hostIp() == null && defaultIp != null
                ? new PortMapping(defaultIp, m.hostPort(), m.containerPort(), m.protocol()) : m)));
        wanted.sort(PortRange.DOCKER_ORDER); // Docker's order: its rules and its ephemeral ports follow it
        if (!iptables() && !proxy()) {
            // As with Docker's --iptables=false: forwarding is on, but nothing leads to the container.
            host.out().println("netgroovy: warning: iptables is off (dockerd iptables: false); " + container + "'s ports "
                    + String.join(", ", specs) + " are NOT reachable from outside: no DNAT rule is written for them");
            return wanted;
        }
        ip = ip != null ? ip : containerAddress(container);
        bridge = bridge != null ? bridge : bridgeOf(container, ip);
        Bindings.Index existing = world().publishedIndex(); // read only: the statement's commit need not look at every container's ports
        Bindings.Index given = new Bindings.Index();
        List<PortMapping> made = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        Set<Integer> chosen = new HashSet<>();
        // (explain and --dry-run ask here, touching nothing: the process's own namespace)
        boolean v6 = proxy() && (host.live() ? atHost(UserlandProxy::v6Listenable) : UserlandProxy.v6Listenable());
        for (PortMapping m : wanted) {
            PortMapping final_ = m.hostPort() == 0 ? m.withHostPort(ephemeral(existing, m, chosen, ip, v6)) : m;
            Bindings.Binding clash = existing.conflict(final_);
            if (clash != null && !(clash.container().equals(container) && clash.mapping().equals(final_))) {
                throw new InvalidValueException("host port " + final_.hostSide() + "/" + final_.protocol()
                        + " is already published for " + clash.container() + " (" + clash.mapping() + ")");
            }
            if (given.conflict(final_) != null) {
                throw new InvalidValueException("host port " + final_.hostSide() + "/" + final_.protocol() + " is given twice");
            }
            chosen.add(final_.hostPort());
            given.add(container, final_);
            made.add(final_);
            if (clash == null) {
                fresh.add(Bindings.record(final_)); // (a clash here is this very binding, recorded already)
            }
            rules.addAll(DockerRules.publish(container, bridge, ip, final_, proxy()));
        }
        if (!made.isEmpty()) {
            world().published.computeIfAbsent(container, k -> new ArrayList<>()).addAll(fresh);
        }
        if (iptables()) {
            host.add(FirewallOp.add(host.where(), "Docker's chains", DockerRules.chains(), DockerRules.base(proxy())));
            host.add(FirewallOp.add(host.where(), "publish " + container + " " + String.join(" ", specs), List.of(), rules));
        } else {
            host.out().println("netgroovy: warning: iptables is off (dockerd iptables: false); " + container + "'s ports "
                    + String.join(", ", specs) + " are reachable only through the userland proxy (the host's addresses), "
                    + "from the source address of the proxy");
        }
        if (proxy()) {
            // After the rules, as Docker's portmapper starts docker-proxy once its rules are in.
            var c = world().containers.get(container);
            IpAddress ip6 = c != null && c.network != null && c.network.v6() != null && c.mac != null ? c.network.v6Address(c.mac) : null;
            for (PortMapping m : made) {
                host.add(new ProxyOps.Listen(host.proxy(), new Frontend(container, m, ip, ip6, v6 && m.hostIp() == null)));
            }
        }
        return made;
    }

    /** Asks in the host's namespace, where the proxy listens (a socket is made in its thread's namespace). */
    private boolean atHost(java.util.concurrent.Callable<Boolean> question) {
        return netgroovy.kernel.Namespaces.inside(host.liveKernel().ns(host.where()), question);
    }

    /** With the userland proxy (dockerd userlandProxy: true): Docker's default mode. */
    private boolean proxy() {
        return world().userlandProxy;
    }

    /**
     * A host port for {@code -p 80} and {@code -P}, as Docker's port allocator hands them out:
     * the one after the last it gave for that host address and protocol, wrapping round at the
     * end of the range (not the lowest free one: a port just released is not taken again at
     * once). With the userland proxy, a port some other program holds is passed over, as
     * Docker's portmapper retries when docker-proxy cannot bind.
     */
    private int ephemeral(Bindings.Index existing, PortMapping m, Set<Integer> chosen, IpAddress ip, boolean v6) {
        int[] range = portRange();
        String key = m.hostAddress() + "/" + m.protocol() + " " + range[0] + "-" + range[1];
        Set<Integer> taken = new HashSet<>(chosen);
        int last = world().lastPorts.getOrDefault(key, range[1]);
        for (int i = 0; i <= range[1] - range[0]; i++) {
            int p = Bindings.nextFreePort(existing, m, taken, range, last);
            if (!proxy() || !host.live() || atHost(() -> UserlandProxy.canListen(new Frontend("", m.withHostPort(p), ip, v6 && m.hostIp() == null)))) {
                world().lastPorts.put(key, p);
                return p;
            }
            taken.add(p);
            last = p;
        }
        throw new InvalidValueException("no free host port left in " + range[0] + "-" + range[1]);
    }

    /** Where ephemeral host ports come from: dockerd's portRange, or the kernel's ip_local_port_range as Docker reads it. */
    private int[] portRange() {
        if (world().portRange != null) {
            return PortRange.parse(world().portRange);
        }
        try {
            // A dry run reads its own namespace's (readable without privileges): a new namespace,
            // such as the sandbox, starts with the same kernel default.
            String key = "net.ipv4.ip_local_port_range";
            return PortRange.parse(host.live() ? host.kernel().sysctl(host.where(), key) : netgroovy.kernel.Sysctl.read(null, key));
        } catch (RuntimeException e) {
            return PortRange.FALLBACK; // as Docker falls back when it cannot read the file
        }
    }

    /** Docker's -P: each exposed port to a free host port. */
    public List<PortMapping> publishAll(String container) {
        List<String> ports = world().exposed(container);
        if (ports.isEmpty()) {
            throw new InvalidValueException(container + " exposes no ports; say which: expose '" + container + "', 80");
        }
        return publish(container, ports, null, null);
    }

    /** {@code expose 'db', 6379, '53/udp'}: the ports a container offers (for links and publishAll). */
    public void expose(String container, List<String> ports) {
        for (String p : ports) {
            for (PortMapping m : PortMapping.parse(p)) {
                if (m.hostPort() != 0) {
                    throw new InvalidValueException("expose takes container ports like 6379 or 53/udp, not a mapping: " + p);
                }
                world().expose(container, m.containerPort() + "/" + m.protocol());
            }
        }
    }

    /** With icc false: {@code client} may reach exactly {@code server}'s exposed ports, and be answered. */
    public void allowLink(String client, String server) {
        List<String> ports = world().exposed(server);
        if (ports.isEmpty()) {
            throw new InvalidValueException(server + " exposes no ports; say which first: expose '" + server + "', 6379");
        }
        if (!iptables()) {
            return;
        }
        IpAddress c = containerAddress(client);
        IpAddress s = containerAddress(server);
        String bridge = bridgeOf(server, s);
        List<Rule> rules = new ArrayList<>();
        for (String p : ports) {
            String[] pp = p.split("/");
            rules.addAll(DockerRules.link(bridge, client, c, server, s, Integer.parseInt(pp[0]), pp[1]));
        }
        host.add(FirewallOp.add(host.where(), "Docker's chains", DockerRules.chains(), DockerRules.base(proxy())));
        host.add(FirewallOp.add(host.where(), "link " + client + " -> " + server, List.of(), rules));
    }

    public void unpublish(String container) {
        world().published.remove(container);
        stopProxy(container);
        if (tablesThere()) {
            host.add(new RemoveOwnedRules(host.where(), "netgroovy publish " + container + " "));
        }
    }

    /**
     * Whether the host's rules are there to remove: a lab host's tables went with its
     * namespace (teardown removes the machines before it forgets their daemons' worlds).
     */
    private boolean tablesThere() {
        Where at = host.where();
        return iptables() && (at.isHost() || !host.live() || host.kernel().namespaces().exists(at.name()));
    }

    /** Its ports stop being served first, as Docker stops docker-proxy before it removes the rules. */
    private void stopProxy(String container) {
        if (!proxy() && host.proxy().of(container).isEmpty()) {
            return; // nothing was ever served: no line in explain's output either
        }
        var c = world().containers.get(container);
        host.add(new ProxyOps.Stop(host.proxy(), container, c == null ? null : c.ip));
    }

    /** Before a container's namespace goes: its published ports and its links, both ends. */
    public void forgetContainer(String container) {
        world().published.remove(container);
        stopProxy(container);
        if (tablesThere()) {
            host.add(new RemoveOwnedRules(host.where(), "netgroovy publish " + container + " "));
            host.add(new RemoveOwnedRules(host.where(), "netgroovy link " + container + "->"));
            // The name is matched literally: rm 'd.' must not take db's rules along.
            host.add(new RemoveOwnedRules(host.where(), "netgroovy link (\\S+)->" + java.util.regex.Pattern.quote(container + " "), true));
        }
    }

    /** Before a bridge goes: its forwarding, isolation and MASQUERADE rules. */
    public void forgetBridge(String bridge) {
        world().firewalls.remove(bridge);
        if (tablesThere()) {
            for (String owner : List.of("bridge", "isolation", "masquerade")) {
                host.add(new RemoveOwnedRules(host.where(), "netgroovy " + owner + " " + bridge + " "));
            }
        }
    }

    /** {@code port 'c1'} / {@code port 'c1', 80}: docker port, its lines sorted as the CLI sorts them. */
    public List<String> port(String container, String containerPort) {
        List<PortMapping> of = new ArrayList<>();
        // docker port web 5000 means 5000/tcp, as the CLI reads it; 5000/udp must be said.
        String wanted = containerPort == null || containerPort.contains("/") ? containerPort : containerPort + "/tcp";
        for (PortMapping m : bindings(container)) {
            if (wanted == null || wanted.equals(m.containerPort() + "/" + m.protocol())) {
                of.add(m);
            }
        }
        return containerPort == null ? netgroovy.firewall.PortLines.of(of) : netgroovy.firewall.PortLines.hostSides(of);
    }

    /**
     * A container's published ports, as the model keeps them (so a dry run answers as the live
     * run would); with the userland proxy also each 0.0.0.0 port's [::] twin when the host can
     * listen on IPv6, as Docker lists (and serves) them.
     */
    public List<PortMapping> bindings(String container) {
        host.flush();
        if (!(iptables() || proxy())) {
            return List.of();
        }
        List<PortMapping> out = new ArrayList<>(Bindings.of(java.util.Map.of(container, world().published.getOrDefault(container, List.of()))).stream()
                .map(Bindings.Binding::mapping).toList());
        if (proxy() && !out.isEmpty() && (host.live() ? atHost(UserlandProxy::v6Listenable) : UserlandProxy.v6Listenable())) {
            out.addAll(out.stream().filter(m -> m.hostIp() == null).map(PortMapping::onAllV6).toList());
        }
        return out;
    }

    /** Who may reach published ports: {@code -I DOCKER-USER -i IF ! -s ALLOWED -j DROP}. */
    public void restrict(IfName dev, Cidr who) {
        if (!iptables()) {
            return;
        }
        Rule r = new Rule("filter", "DOCKER-USER", List.of("!", "-s", who.toString(), "-i", dev.name()), List.of("DROP"),
                "netgroovy restrict " + dev + " " + who + " #1");
        host.add(FirewallOp.add(host.where(), "Docker's chains", DockerRules.chains(), DockerRules.base(proxy())));
        host.add(FirewallOp.insert(host.where(), "restrict " + dev, List.of(), List.of(r)));
    }

    private Cidr bridgeCidr(String bridge) {
        String known = world().bridgeCidrs.get(bridge);
        if (known != null) {
            return Cidr.parse(known);
        }
        if (host.live()) {
            for (Address a : host.kernel().addresses(host.where()).list(IfName.of(bridge))) {
                if (a.cidr().isV4() && "global".equals(a.scope())) {
                    return a.cidr();
                }
            }
        }
        throw new InvalidValueException("bridge " + bridge + " has no IPv4 address; give the subnet: masquerade '"
                + bridge + "', '172.17.0.0/16'");
    }

    /**
     * A container's address: a Docker container's as the world has it (also while the
     * statement that makes it is still being planned, and in a dry run); a plain namespace's
     * from the kernel, its first global IPv4 address.
     */
    private IpAddress containerAddress(String container) {
        var c = world().containers.get(container);
        if (c != null) {
            if (c.ip == null) {
                throw new InvalidValueException("container " + container + " has no address (network mode " + c.mode + ")");
            }
            return c.ip;
        }
        Where where = container.equals("host") ? Where.HOST : Where.named(container);
        for (Cidr made : madeAddresses(where)) {
            if (made.isV4()) {
                return made.address();
            }
        }
        if (!host.live()) {
            return IpAddress.parse("0.0.0.0");
        }
        for (Address a : host.kernel().addresses(where).list()) {
            if (a.cidr().isV4() && "global".equals(a.scope())) {
                return a.cidr().address();
            }
        }
        throw new InvalidValueException("container " + container + " has no IPv4 address to publish to"
                + " (give it one in an earlier statement)");
    }

    /** The addresses this session gave in {@code where} and has not taken away again, oldest first. */
    private List<Cidr> madeAddresses(Where where) {
        List<Cidr> out = new ArrayList<>();
        for (var op : host.made()) {
            if (op instanceof netgroovy.plan.AddressOps.Add a && a.where().equals(where)) {
                out.add(a.cidr());
            } else if (op instanceof netgroovy.plan.AddressOps.Delete d && d.where().equals(where)) {
                out.remove(d.cidr());
            }
        }
        return out;
    }

    /** The host bridge of a Docker container's network, or else the bridge whose subnet holds {@code ip}. */
    private String bridgeOf(String container, IpAddress ip) {
        var c = world().containers.get(container);
        if (c != null && c.network != null) {
            return c.network.bridge();
        }
        List<netgroovy.plan.Op> made = host.made();
        java.util.Set<String> bridges = new java.util.HashSet<>();
        for (var op : made) {
            if (op instanceof netgroovy.plan.LinkOps.CreateBridge b && b.where().equals(host.where())) {
                bridges.add(b.name().name());
            }
        }
        for (var op : made) {
            if (op instanceof netgroovy.plan.AddressOps.Add a && a.where().equals(host.where())
                    && bridges.contains(a.dev().name()) && a.cidr().contains(ip)) {
                return a.dev().name();
            }
        }
        if (!host.live()) {
            return "<bridge>";
        }
        Kernel k = host.kernel();
        for (Link l : k.links(host.where()).list()) {
            if (l.isBridge()) {
                for (Address a : k.addresses(host.where()).list(IfName.of(l.name()))) {
                    if (a.cidr().contains(ip)) {
                        return l.name();
                    }
                }
            }
        }
        throw new InvalidValueException(ip + " is on no bridge of the host; give it: publish 'c1', '80', bridge: 'docker0'");
    }
}
