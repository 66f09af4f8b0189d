package netgroovy.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.docker.Container;
import netgroovy.docker.EtcFiles;
import netgroovy.docker.Ipam;
import netgroovy.docker.Network;
import netgroovy.firewall.Iptables;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * The ownership marks netgroovy leaves in the kernel, and the world read back from them when
 * the state store is gone. Marks are link aliases (IFLA_IFALIAS, what {@code ip link set X
 * alias TEXT} sets; at most 255 bytes), written when a statement that changed the objects is
 * kept:
 * <ul>
 * <li>a network's bridge: {@code netgroovy network NAME [user] [icc=false] [pool=CIDR]}, and on
 *     the default network's bridge dockerd's options ({@code mtu=N proxy noiptables
 *     resolver=embedded ports=LOW-HIGH ip=ADDR dns=A,B search=X,Y}); its subnet, gateway and
 *     IPv6 subnet are the bridge's own addresses;</li>
 * <li>a bridge of the {@code bridge} word: {@code netgroovy bridge};</li>
 * <li>a container's host-side veth: {@code netgroovy container NAME NETWORK [alias=A,B]}, the
 *     first one also {@code [expose=PORT/PROTO,...]} and, with iptables off (no rule says
 *     them), {@code [publish=HOSTADDR:PORT->PORT/PROTO,...]};</li>
 * <li>{@code lo} inside a container's namespace: {@code netgroovy container ID MODE [on=HOST]}
 *     (on: the lab host whose daemon it is); inside a namespace of the {@code netns} word:
 *     {@code netgroovy netns};</li>
 * <li>a container's first interface inside (eth0), when it has an environment of its own:
 *     {@code netgroovy env JSON};</li>
 * <li>the host's {@code lo}: the containers without a namespace of their own, {@code netgroovy
 *     containers NAME=SHORTID:host NAME=SHORTID:container:OTHER ...};</li>
 * <li>a lab host's daemon: its bridges and veths marked as above inside the lab host's
 *     namespace (whose own {@code lo} says {@code netgroovy netns}).</li>
 * </ul>
 * A mark ends with {@code  spec OPTIONS} (what the object was made with, so that a re-run
 * of its script is recognised) when that fits. Besides these: the addresses and MACs of the
 * containers' interfaces, their /etc/netns/NAME/hostname, the firewall rules' comments
 * ({@code netgroovy publish NAME HOST->PORT/PROTO #N}, {@code netgroovy bridge BRIDGE #N}),
 * and what {@link ContainerTraces} reads: links from the hosts files, dns options from
 * resolv.conf, the command's pid and environment from /proc.
 *
 * <p>Not rebuilt, because nothing in the kernel holds it: the options of an object whose mark
 * has no room for them (a re-run of its statement is then taken as its spec); the rest of
 * the IDs of host- and container-mode containers when their whole IDs do not fit together on
 * {@code lo} (about three do; then only the short IDs are marked, and the rest is zeros); tokens that do not fit in 255 bytes (the last ones of a
 * mark: dockerd's dns lists, a long alias list, many exposed ports); the environment of a
 * container with neither a command nor an eth0, or too long for its mark; the dns servers of
 * a container whose resolv.conf points at the embedded DNS server (127.0.0.11); host-mode
 * containers of a lab host (its {@code lo} is its namespace's mark); and a count of
 * ephemeral ports that had wrapped round (the allocator goes on after the highest port in
 * use). {@link #unrecoverable} names the first two in the rebuild's line.
 */
public final class Marks {
    static final String PREFIX = "netgroovy ";
    /** The mark of a container's first interface inside: its own environment, as JSON. */
    static final String ENV = "netgroovy env ";
    /** The mark on the lo of a namespace of the netns word's. */
    static final String NETNS = "netgroovy netns";
    private static final String JOINED = "joined containers";
    private static final int MAX = 255;

    private Marks() {
    }

    /**
     * The links where marks are written and read: the host's (namespace null) and those of
     * each named namespace. The model speaks no netlink itself; the session lends it this.
     */
    public interface Links {
        /** The named namespaces there are ({@code ip netns list}). */
        List<String> namespaces();

        /** Whether there is a named namespace {@code name} (a look at it alone: a teardown asks once per namespace). */
        default boolean hasNamespace(String name) {
            return namespaces().contains(name);
        }

        /** The aliases of a namespace's links that have one, by link name. */
        Map<String, String> aliases(String namespace);

        /** A namespace's links with their MAC and addresses ({@code ip addr}), by name. */
        Map<String, Iface> interfaces(String namespace);

        /** {@code ip link set LINK alias TEXT} in a namespace. */
        void alias(String namespace, String link, String alias);

        /** The names of a namespace's links (null: the host's). */
        java.util.Set<String> linkNames(String namespace);

        /** A namespace's rules ({@code iptables-save}); null: the host's. */
        Iptables.Saved rules(String namespace);

        /** A sysctl of a namespace (null: the host's), as {@code sysctl -n KEY} prints it. */
        String sysctl(String namespace, String key);

        /** The lowest pid of each named namespace that has a process, by namespace: one look at /proc. */
        Map<String, Long> firstPids();

        /** A process's environment ({@code /proc/PID/environ}); empty if it is gone. */
        Map<String, String> environment(long pid);
    }

    /** A link as a rebuild needs it: its MAC (null for none) and addresses. */
    public record Iface(String name, Mac mac, List<Addr> addresses) {
    }

    /** An address and its scope ("global", "link" ...). */
    public record Addr(Cidr cidr, String scope) {
    }

    /**
     * Marks what the kept changes made or changed, through {@code rtnl}. A mark that cannot be
     * written (its link is gone again) is said on {@code out} and skipped: the world is right,
     * only a rebuild would miss it.
     */
    public static void write(Links rtnl, World w, List<Ledger.Change> changes, java.io.PrintStream out) {
        List<String> later = new ArrayList<>();
        for (Ledger.Change c : changes) {
            if (!c.present() && !c.key().equals("spec dockerd")) {
                unmark(rtnl, c.key());
                if (WorldCodec.kind(c.key()).equals(WorldCodec.CONTAINER)) {
                    later.add(JOINED); // it may have been one of them
                }
                continue;
            }
            String key = c.key();
            String kind = WorldCodec.kind(key);
            String name = key.substring(key.indexOf(' ') + 1);
            try {
                switch (kind) {
                    case WorldCodec.NAMESPACE -> {
                        if (WorldCodec.map(w, WorldCodec.CONTAINER).peek(name) == null) {
                            rtnl.alias(name, "lo", NETNS); // (a container's namespace: markContainer writes its lo's mark)
                        }
                    }
                    case WorldCodec.NETWORK -> later.add(name);
                    case WorldCodec.DAEMON -> later.add("bridge");
                    case WorldCodec.BRIDGE_CIDR -> {
                        if (networkOn(w, name) == null) {
                            rtnl.alias(null, name, "netgroovy bridge");
                        }
                    }
                    case WorldCodec.SPEC -> {
                        if (name.equals("dockerd")) {
                            later.add("bridge");
                        } else if (name.startsWith("network ")) {
                            later.add(name.substring("network ".length()));
                        } else if (name.startsWith("container ")) {
                            later.add("container " + name.substring("container ".length()));
                        }
                    }
                    case WorldCodec.CONTAINER -> {
                        Container x = (Container) WorldCodec.map(w, WorldCodec.CONTAINER).peek(name);
                        later.add(x != null && (x.mode.equals("host") || x.mode.equals("container")) ? JOINED : "container " + name);
                    }
                    case WorldCodec.EXPOSED -> later.add("container " + name);
                    case WorldCodec.PUBLISHED -> {
                        if (!w.iptables) {
                            later.add("container " + name); // no rule holds them: the veth's mark does
                        }
                    }
                    case WorldCodec.HOST -> later.add("host " + name);
                    default -> {
                        // published ports and firewalls are read from the rules
                    }
                }
            } catch (RuntimeException e) { // KernelException mostly: the link is gone again
                out.println("netgroovy: cannot mark " + key + " (" + e.getMessage() + "); a rebuild of the state store would miss it");
            }
        }
        for (String what : new java.util.LinkedHashSet<>(later)) {
            try {
                if (what.startsWith("container ")) {
                    markContainer(rtnl, w, what.substring("container ".length()), null);
                } else if (what.equals(JOINED)) {
                    rtnl.alias(null, "lo", joined(w));
                } else if (what.startsWith("host ")) {
                    markLabHost(rtnl, w, what.substring("host ".length()));
                } else {
                    Network n = (Network) WorldCodec.map(w, WorldCodec.NETWORK).peek(what);
                    if (n != null) {
                        rtnl.alias(null, n.bridge(), network(w, n));
                    }
                }
            } catch (RuntimeException e) { // KernelException mostly: the link is gone again
                out.println("netgroovy: cannot mark " + what + " (" + e.getMessage() + "); a rebuild of the state store would miss it");
            }
        }
    }

    /**
     * A record gone from the world whose object may stay (a namespace a runtime made and
     * netgroovy only used, as a CNI DEL leaves it; a bridge left for someone else): its mark
     * goes, so the object is as it was before netgroovy touched it. Quietly: mostly the object
     * went with the record.
     */
    private static void unmark(Links rtnl, String key) {
        String name = key.substring(key.indexOf(' ') + 1);
        try {
            switch (WorldCodec.kind(key)) {
                case WorldCodec.NAMESPACE -> {
                    if (rtnl.hasNamespace(name)) {
                        rtnl.alias(name, "lo", "");
                    }
                }
                case WorldCodec.BRIDGE_CIDR -> rtnl.alias(null, name, "");
                default -> {
                    // containers' and networks' links go with them
                }
            }
        } catch (RuntimeException gone) {
            // the object went with its record: nothing carries the mark any more
        }
    }

    private static void markContainer(Links rtnl, World w, String name, String labHost) {
        Container c = (Container) WorldCodec.map(w, WorldCodec.CONTAINER).peek(name);
        if (c == null || !ownNamespace(c, name)) {
            return;
        }
        rtnl.alias(c.namespace, "lo", containerLoMark(w, c, labHost));
        for (Container.Attachment a : c.attachments) {
            rtnl.alias(labHost, a.hostVeth(), vethMark(w, c, a));
        }
        if (!c.env.isEmpty() && !c.attachments.isEmpty()) {
            String env = ENV + groovy.json.JsonOutput.toJson(c.env);
            if (bytes(env) <= MAX) {
                rtnl.alias(c.namespace, c.attachments.get(0).ifname(), env);
            }
        }
    }

    /** Whether the container has a namespace of its own, named after it (bridge and none modes), whose lo carries its mark. */
    private static boolean ownNamespace(Container c, String name) {
        return (c.mode.equals("bridge") || c.mode.equals("none")) && name.equals(c.namespace);
    }

    /** A container's mark on its namespace's lo: "netgroovy container ID MODE [on=LABHOST]", and its spec. */
    private static String containerLoMark(World w, Container c, String labHost) {
        String lo = "netgroovy container " + c.id + " " + c.mode + (labHost == null ? "" : " on=" + labHost);
        return withSpec(lo, spec(w, "container " + c.name));
    }

    /**
     * The mark on the {@code lo} of a namespace netgroovy made: "netgroovy netns", or the
     * container's mark when it is a container's (null when none goes there). The plan that
     * makes the namespace writes it as it brings {@code lo} up (LinkOps.Mark); the statement's
     * end writes it again only if it has changed meanwhile (a lab host's container says where).
     */
    public static String namespaceMark(World w, String namespace) {
        Container c = (Container) WorldCodec.map(w, WorldCodec.CONTAINER).peek(namespace);
        if (c == null) {
            return NETNS;
        }
        return ownNamespace(c, namespace) ? containerLoMark(w, c, null) : null;
    }

    /**
     * The mark on the host end of a container's veth for one of its networks: "netgroovy
     * container NAME NETWORK", its aliases there, and on the first network's veth the ports
     * no rule tells of (only exposed; published where only the userland proxy serves them).
     * The plan that makes the veth writes it, before the veth goes up (LinkOps.Mark).
     */
    public static String vethMark(World w, Container c, Container.Attachment a) {
        boolean first = !c.attachments.isEmpty() && c.attachments.get(0) == a;
        List<String> published = w.iptables ? List.of() : w.published.getOrDefault(c.name, List.of());
        List<String> t = new ArrayList<>(List.of("netgroovy", "container", c.name, a.network().name()));
        if (!a.aliases().isEmpty()) {
            t.add("alias=" + String.join(",", a.aliases()));
        }
        if (first && !c.exposed.isEmpty()) {
            t.add("expose=" + String.join(",", c.exposed)); // a port only exposed has no rule
        }
        if (first && !published.isEmpty()) {
            t.add("publish=" + String.join(",", published)); // ports only the userland proxy serves: no rule says them
        }
        return fit(t);
    }

    /**
     * The host's {@code lo} mark: the containers that have no namespace of their own (network
     * modes host and container:NAME), {@code NAME=ID:host} or {@code NAME=ID:container:OTHER},
     * with their whole IDs when all fit, else their short ones, as many as fit; empty when
     * there are none.
     */
    static String joined(World w) {
        String whole = joined(w, false);
        return bytes(whole) <= MAX ? whole : fit(List.of(joined(w, true).split(" ")));
    }

    private static String joined(World w, boolean shortIds) {
        List<String> t = new ArrayList<>(List.of("netgroovy", "containers"));
        for (String name : WorldCodec.map(w, WorldCodec.CONTAINER).keys()) {
            Container c = (Container) WorldCodec.map(w, WorldCodec.CONTAINER).peek(name);
            String id = shortIds ? c.shortId() : c.id;
            if (c.mode.equals("host") && c.namespace == null) {
                t.add(name + "=" + id + ":host");
            } else if (c.mode.equals("container")) {
                Container other = ownerOf(w, c.namespace);
                if (other != null) {
                    t.add(name + "=" + id + ":container:" + other.name);
                }
            }
        }
        return t.size() == 2 ? "" : String.join(" ", t);
    }

    private static Container ownerOf(World w, String namespace) {
        Object c = namespace == null ? null : WorldCodec.map(w, WorldCodec.CONTAINER).peek(namespace);
        return c instanceof Container x && namespace.equals(x.namespace) ? x : null;
    }

    /**
     * A lab host's daemon (its world is one record, "host NAME"): its bridges and veths are
     * marked in the host's namespace, its containers' {@code lo} say {@code on=NAME}. Few and
     * small, so all of it is marked again when it changed.
     */
    private static void markLabHost(Links rtnl, World root, String host) {
        World w = root.hosts.get(host);
        if (w == null || !rtnl.hasNamespace(host)) {
            return;
        }
        for (Network n : w.networks.values()) {
            rtnl.alias(host, n.bridge(), network(w, n));
        }
        for (String name : w.containers.keySet()) {
            markContainer(rtnl, w, name, host);
        }
    }

    private static String spec(World w, String key) {
        return (String) WorldCodec.map(w, WorldCodec.SPEC).peek(key);
    }

    private static Network networkOn(World w, String bridge) {
        for (String name : WorldCodec.map(w, WorldCodec.NETWORK).keys()) {
            Network n = (Network) WorldCodec.map(w, WorldCodec.NETWORK).peek(name);
            if (n.bridge().equals(bridge)) {
                return n;
            }
        }
        return null;
    }

    /** The mark of a network's bridge (the default one's carries dockerd's options). */
    static String network(World w, Network n) {
        List<String> t = new ArrayList<>(List.of("netgroovy", "network", n.name()));
        if (n.userDefined()) {
            t.add("user");
        }
        if (!n.icc()) {
            t.add("icc=false");
        }
        if (!n.ipam().pool().equals(n.ipam().subnet())) {
            t.add("pool=" + n.ipam().pool());
        }
        String spec = spec(w, n.userDefined() ? "network " + n.name() : "dockerd");
        if (!n.userDefined()) {
            if (w.mtu > 0) {
                t.add("mtu=" + w.mtu);
            }
            if (w.userlandProxy) {
                t.add("proxy");
            }
            if (!w.iptables) {
                t.add("noiptables");
            }
            if (!w.resolver.equals(World.HOSTS)) {
                t.add("resolver=" + w.resolver);
            }
            if (w.portRange != null) {
                t.add("ports=" + w.portRange);
            }
            if (w.defaultHostIp != null) {
                t.add("ip=" + w.defaultHostIp);
            }
            if (!w.dns.isEmpty()) {
                t.add("dns=" + String.join(",", w.dns));
            }
            if (!w.dnsSearch.isEmpty()) {
                t.add("search=" + String.join(",", w.dnsSearch));
            }
        }
        return withSpec(fit(t), spec);
    }

    /** The tokens that fit in an alias, in order (the last ones, dns lists, are the first to go). */
    private static String fit(List<String> tokens) {
        StringBuilder b = new StringBuilder();
        for (String t : tokens) {
            if (bytes(b + " " + t) <= MAX) {
                b.append(b.isEmpty() ? "" : " ").append(t);
            }
        }
        return b.toString();
    }

    private static String withSpec(String mark, String spec) {
        String with = mark + " spec " + spec;
        return spec == null || bytes(with) > MAX ? mark : with;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A mark's words before " spec ", and the spec (or null). */
    private record Parsed(List<String> words, String spec) {
        static Parsed of(String alias) {
            int at = alias.indexOf(" spec ");
            String head = at < 0 ? alias : alias.substring(0, at);
            return new Parsed(List.of(head.split(" ")), at < 0 ? null : alias.substring(at + " spec ".length()));
        }

        String option(String name) {
            return words.stream().filter(x -> x.startsWith(name + "=")).map(x -> x.substring(name.length() + 1)).findFirst().orElse(null);
        }
    }

    /**
     * The world as the kernel's marks describe it (read through {@code kernel}): the
     * networks (with dockerd's options), the containers with their addresses, MACs, networks
     * and aliases there (their addresses taken again in the networks' address management),
     * the containers of network modes host and container:NAME, the bridges, the namespaces
     * netgroovy made, the lab hosts' daemons, the published ports and Docker's firewalls; and,
     * from the containers' files and processes ({@link ContainerTraces}), their links, dns
     * options, environment and command's pid.
     */
    public static World rebuild(Links kernel) {
        Map<String, String> hostAliases = kernel.aliases(null);
        List<String> names = kernel.namespaces();
        if (names.isEmpty() && hostAliases.values().stream().noneMatch(a -> a.startsWith(PREFIX))) {
            return new World(); // nothing of netgroovy's here: the common case of a first run, at the cost of one dump
        }
        Map<String, Map<String, String>> inside = new LinkedHashMap<>(); // namespace -> its links' aliases
        for (String ns : names) {
            try {
                inside.put(ns, kernel.aliases(ns));
            } catch (RuntimeException gone) {
                // deleted meanwhile
            }
        }
        World w = rebuildOn(kernel, null, hostAliases, inside);
        inside.forEach((ns, aliases) -> {
            if (!aliases.getOrDefault("lo", "").equals(NETNS)) {
                return;
            }
            w.namespaces.add(ns);
            if (aliases.values().stream().anyMatch(a -> a.startsWith("netgroovy network "))) {
                World h = rebuildOn(kernel, ns, aliases, inside); // a lab host with its daemon
                w.hosts.put(ns, h);
                h.containers.values().forEach(c -> w.namespaces.add(c.namespace));
            }
        });
        rebuildJoined(w, hostAliases.getOrDefault("lo", ""));
        return w;
    }

    /**
     * What a rebuilt world is known to lack, for the rebuild's one line ("" if nothing): the
     * options of containers whose spec had no room in their mark (a re-run of their statement
     * is taken as what they were made with, whatever it says), and the rest of the IDs of containers of
     * network modes host and container:NAME (only their short ID is marked).
     */
    public static String unrecoverable(World w) {
        List<String> noSpec = new ArrayList<>(), shortIds = new ArrayList<>();
        for (String name : WorldCodec.map(w, WorldCodec.CONTAINER).keys()) {
            Container c = (Container) WorldCodec.map(w, WorldCodec.CONTAINER).peek(name);
            if (WorldCodec.map(w, WorldCodec.SPEC).peek("container " + name) == null) {
                noSpec.add(name);
            }
            if (c.id.endsWith("0".repeat(52))) {
                shortIds.add(name);
            }
        }
        List<String> lacks = new ArrayList<>();
        if (!noSpec.isEmpty()) {
            lacks.add("the options of " + String.join(", ", noSpec) + " (no room in a mark: the next statement that makes them again is taken as theirs)");
        }
        if (!shortIds.isEmpty()) {
            lacks.add("the full IDs of " + String.join(", ", shortIds) + " (only the short ID had room in the mark)");
        }
        return lacks.isEmpty() ? "" : "; not in the kernel, so not rebuilt: " + String.join("; ", lacks);
    }

    /** A host-side veth's mark: the link and its words. */
    private record Veth(String link, Parsed mark) {
    }

    /** The world of the daemon on one host: the machine's ({@code host} null) or a lab host's namespace. */
    private static World rebuildOn(Links kernel, String hostNs, Map<String, String> hostAliases, Map<String, Map<String, String>> inside) {
        World w = new World();
        Map<String, String> hostMarks = new LinkedHashMap<>();
        hostAliases.forEach((link, alias) -> {
            if (alias.startsWith(PREFIX) && !link.equals("lo")) {
                hostMarks.put(link, alias);
            }
        });
        Map<String, Parsed> containers = new java.util.TreeMap<>();
        inside.forEach((ns, aliases) -> {
            String lo = aliases.getOrDefault("lo", "");
            if (lo.startsWith("netgroovy container ")) {
                Parsed p = Parsed.of(lo);
                if (java.util.Objects.equals(p.option("on"), hostNs)) {
                    containers.put(ns, p);
                }
            }
        });
        if (hostMarks.isEmpty() && containers.isEmpty()) {
            return w;
        }
        Map<String, Iface> host = kernel.interfaces(hostNs);
        Map<String, Veth> vethOf = new LinkedHashMap<>(); // "container network" -> host veth
        hostMarks.forEach((link, alias) -> {
            Parsed p = Parsed.of(alias);
            switch (p.words().get(1)) {
                case "network" -> rebuildNetwork(w, link, p, host.get(link));
                case "bridge" -> v4(host.get(link)).ifPresent(c -> w.bridgeCidrs.put(link, c.toString()));
                case "container" -> {
                    if (p.words().size() >= 4) {
                        vethOf.put(p.words().get(2) + " " + p.words().get(3), new Veth(link, p));
                    }
                }
                default -> {
                    // a mark of a newer netgroovy
                }
            }
        });
        containers.forEach((ns, p) -> {
            try {
                rebuildContainer(w, ns, p, kernel.interfaces(ns), vethOf, inside.get(ns));
            } catch (RuntimeException gone) {
                // deleted meanwhile
            }
        });
        if (!w.containers.isEmpty() || !w.networks.isEmpty()) {
            rebuildRules(w, kernel, hostNs);
            ContainerTraces.read(w, kernel);
        }
        return w;
    }

    private static java.util.Optional<Cidr> v4(Iface link) {
        return link == null ? java.util.Optional.empty() : link.addresses().stream()
                .filter(a -> a.cidr().isV4() && "global".equals(a.scope())).map(Addr::cidr).findFirst();
    }

    private static void rebuildNetwork(World w, String bridge, Parsed p, Iface link) {
        Cidr v4 = v4(link).orElse(null);
        if (p.words().size() < 3 || v4 == null) {
            return; // a network's bridge without its address: nothing to hand addresses out from
        }
        String name = p.words().get(2);
        boolean user = p.words().contains("user");
        Cidr v6 = link.addresses().stream().filter(a -> !a.cidr().isV4() && "global".equals(a.scope()))
                .map(a -> a.cidr().network()).findFirst().orElse(null);
        String pool = p.option("pool");
        Network n = new Network(name, bridge, new Ipam(v4, pool == null ? null : Cidr.parse(pool), v4.address()),
                !p.words().contains("icc=false"), user, user ? null : v6);
        w.networks.put(name, n);
        w.bridgeCidrs.put(bridge, v4.toString());
        if (p.spec() != null) {
            w.specs.put(user ? "network " + name : "dockerd", p.spec());
        }
        if (!user) {
            w.mtu = p.option("mtu") == null ? 0 : Integer.parseInt(p.option("mtu"));
            w.userlandProxy = p.words().contains("proxy");
            w.iptables = !p.words().contains("noiptables");
            w.resolver = p.option("resolver") == null ? World.HOSTS : p.option("resolver");
            w.portRange = p.option("ports");
            w.defaultHostIp = p.option("ip") == null ? null : IpAddress.parse(p.option("ip"));
            w.dns = p.option("dns") == null ? List.of() : List.of(p.option("dns").split(","));
            w.dnsSearch = p.option("search") == null ? List.of() : List.of(p.option("search").split(","));
        }
    }

    private static void rebuildContainer(World w, String name, Parsed p, Map<String, Iface> links, Map<String, Veth> vethOf,
            Map<String, String> aliases) {
        if (p.words().size() < 4) {
            return;
        }
        Container c = new Container(name, p.words().get(3), name, p.words().get(2));
        Map<String, String> files = EtcFiles.read(name);
        c.hostname = files != null && files.get("hostname") != null ? files.get("hostname").trim() : c.shortId();
        for (Iface l : new java.util.TreeMap<>(links).values()) {
            if (l.name().equals("lo")) {
                continue;
            }
            for (Addr a : l.addresses()) {
                for (String netName : WorldCodec.map(w, WorldCodec.NETWORK).keys()) {
                    Network n = (Network) WorldCodec.map(w, WorldCodec.NETWORK).peek(netName);
                    if (a.cidr().isV4() && n.ipam().subnet().contains(a.cidr().address()) && a.cidr().prefix() == n.ipam().subnet().prefix()) {
                        Veth veth = vethOf.get(name + " " + netName);
                        String alias = veth == null ? null : veth.mark().option("alias");
                        c.attachments.add(new Container.Attachment(n, a.cidr().address(), l.mac(), l.name(), veth == null ? null : veth.link(),
                                alias == null ? List.of() : List.of(alias.split(","))));
                        n.ipam().restore(a.cidr().address());
                        String expose = veth == null ? null : veth.mark().option("expose");
                        if (expose != null) {
                            List.of(expose.split(",")).forEach(port -> {
                                w.expose(name, port);
                                if (!c.exposed.contains(port)) {
                                    c.exposed.add(port);
                                }
                            });
                        }
                        String publish = veth == null ? null : veth.mark().option("publish");
                        if (publish != null) {
                            w.published.put(name, new ArrayList<>(List.of(publish.split(","))));
                        }
                    }
                }
            }
        }
        c.attachments.sort(java.util.Comparator.comparing(Container.Attachment::ifname, java.util.Comparator.comparingInt(String::length)
                .thenComparing(java.util.Comparator.naturalOrder())));
        if (!c.attachments.isEmpty()) {
            Container.Attachment first = c.attachments.get(0);
            c.network = first.network();
            c.ip = first.ip();
            c.mac = first.mac();
            c.hostVeth = first.hostVeth();
            String env = aliases == null ? null : aliases.get(first.ifname());
            if (env != null && env.startsWith(ENV)) {
                ((Map<?, ?>) new groovy.json.JsonSlurper().parseText(env.substring(ENV.length())))
                        .forEach((k, v) -> c.env.put(String.valueOf(k), String.valueOf(v)));
            }
        }
        w.published.getOrDefault(name, List.of()).forEach(port -> {
            String exposed = port.substring(port.indexOf("->") + 2);
            w.expose(name, exposed);
            if (!c.exposed.contains(exposed)) {
                c.exposed.add(exposed);
            }
        });
        w.containers.put(name, c);
        w.namespaces.add(name);
        if (p.spec() != null) {
            w.specs.put("container " + name, p.spec());
        }
    }

    /**
     * The containers of network modes host and container:NAME, from the host's {@code lo}
     * mark ({@link #joined}): their ID (when only the short one had room, the rest is made of
     * zeros), and what they share with the container whose namespace they use.
     */
    private static void rebuildJoined(World w, String mark) {
        if (!mark.startsWith("netgroovy containers ")) {
            return;
        }
        List<String> words = Parsed.of(mark).words();
        for (String t : words.subList(2, words.size())) {
            String[] nameRest = t.split("=", 2);
            String[] idMode = nameRest.length < 2 ? new String[0] : nameRest[1].split(":", 3);
            if (idMode.length < 2 || w.containers.containsKey(nameRest[0])) {
                continue;
            }
            String id = idMode[0] + "0".repeat(Math.max(0, 64 - idMode[0].length()));
            if (idMode[1].equals("host")) {
                Container c = new Container(nameRest[0], "host", null, id);
                c.hostname = ContainerTraces.hostHostname();
                w.containers.put(c.name, c);
            } else if (idMode[1].equals("container") && idMode.length == 3 && w.containers.get(idMode[2]) != null) {
                Container other = w.containers.get(idMode[2]);
                Container c = new Container(nameRest[0], "container", other.namespace, id);
                c.ip = other.ip;
                c.mac = other.mac;
                c.network = other.network;
                c.hostname = other.hostname;
                w.containers.put(c.name, c);
            }
        }
    }

    /** Published ports and Docker's firewalls, from the rules' comments; the allocator's last ephemeral ports from those. */
    private static void rebuildRules(World w, Links kernel, String hostNs) {
        Iptables.Saved saved;
        try {
            saved = kernel.rules(hostNs);
        } catch (RuntimeException e) {
            return; // no iptables here: no rules to read
        }
        java.util.regex.Pattern publish = java.util.regex.Pattern.compile("--comment \"netgroovy publish (\\S+) (\\S+->(\\d+)/(\\w+)) #");
        java.util.regex.Pattern bridge = java.util.regex.Pattern.compile("--comment \"netgroovy bridge (\\S+) #");
        Map<String, java.util.Set<String>> published = new LinkedHashMap<>(), exposed = new LinkedHashMap<>();
        for (String table : List.of("nat", "filter")) {
            for (String line : saved.rules(table)) {
                java.util.regex.Matcher m = publish.matcher(line);
                if (m.find() && w.containers.containsKey(m.group(1))) {
                    published.computeIfAbsent(m.group(1), k -> new java.util.LinkedHashSet<>()).add(m.group(2));
                    exposed.computeIfAbsent(m.group(1), k -> new java.util.LinkedHashSet<>()).add(m.group(3) + "/" + m.group(4));
                }
                java.util.regex.Matcher b = bridge.matcher(line);
                if (b.find() && !w.firewalls.containsKey(b.group(1))) {
                    Network n = networkOn(w, b.group(1));
                    w.firewalls.put(b.group(1), n == null || n.icc());
                }
            }
        }
        published.forEach((name, ports) -> w.published.put(name, new ArrayList<>(ports)));
        exposed.forEach((name, ports) -> {
            Container c = w.containers.get(name);
            for (String port : ports) {
                w.expose(name, port);
                if (!c.exposed.contains(port)) {
                    c.exposed.add(port);
                }
            }
        });
        lastPorts(w, kernel, hostNs);
    }

    /**
     * Docker's allocator continues after the last ephemeral port it handed out: taken to be
     * the highest published port in the range, per host address and protocol (a port given
     * by hand in the range counts too; a count that wrapped round starts again after the
     * highest).
     */
    private static void lastPorts(World w, Links kernel, String hostNs) {
        int[] range;
        try {
            range = w.portRange != null ? netgroovy.firewall.PortRange.parse(w.portRange)
                    : netgroovy.firewall.PortRange.parse(kernel.sysctl(hostNs, "net.ipv4.ip_local_port_range"));
        } catch (RuntimeException e) {
            range = netgroovy.firewall.PortRange.FALLBACK;
        }
        for (List<String> ports : w.published.values()) {
            for (String record : ports) {
                String hostSide = record.substring(0, record.indexOf("->"));
                int colon = hostSide.lastIndexOf(':');
                String address = hostSide.substring(0, colon).replace("[", "").replace("]", "");
                int port = Integer.parseInt(hostSide.substring(colon + 1));
                String protocol = record.substring(record.lastIndexOf('/') + 1);
                if (port >= range[0] && port <= range[1]) {
                    w.lastPorts.merge(address + "/" + protocol + " " + range[0] + "-" + range[1], port, Math::max);
                }
            }
        }
    }
}
