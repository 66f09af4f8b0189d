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
 * <li>a container's host-side veth: {@code netgroovy container NAME NETWORK};</li>
 * <li>{@code lo} inside a container's namespace: {@code netgroovy container ID MODE}; inside a
 *     namespace of the {@code netns} word: {@code netgroovy netns}.</li>
 * </ul>
 * A mark ends with {@code  spec OPTIONS} (what the object was made with, so that a re-run
 * of its script is recognised) when that fits. Besides these: the addresses and MACs of the
 * containers' interfaces, their /etc/netns/NAME/hostname, and the firewall rules' comments
 * ({@code netgroovy publish NAME HOST->PORT/PROTO #N}, {@code netgroovy bridge BRIDGE #N}).
 *
 * <p>Not in any mark, so not rebuilt: links between containers, their environment, their own
 * dns options, network aliases, the pid of a container's command, the last ephemeral ports
 * handed out, containers of network modes host and container:NAME, and ports published only
 * through the userland proxy (no rules).
 */
public final class Marks {
    static final String PREFIX = "netgroovy ";
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

        /** The aliases of a namespace's links that have one, by link name. */
        Map<String, String> aliases(String namespace);

        /** A namespace's links with their MAC and addresses ({@code ip addr}), by name. */
        Map<String, Iface> interfaces(String namespace);

        /** {@code ip link set LINK alias TEXT} in a namespace. */
        void alias(String namespace, String link, String alias);
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
                continue;
            }
            String key = c.key();
            String kind = WorldCodec.kind(key);
            String name = key.substring(key.indexOf(' ') + 1);
            try {
                switch (kind) {
                    case WorldCodec.NAMESPACE -> {
                        if (WorldCodec.map(w, WorldCodec.CONTAINER).peek(name) == null) {
                            rtnl.alias(name, "lo", "netgroovy netns");
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
                    case WorldCodec.CONTAINER -> later.add("container " + name);
                    default -> {
                        // ports, exposed ports and firewalls are read from the rules
                    }
                }
            } catch (RuntimeException e) { // KernelException mostly: the link is gone again
                out.println("netgroovy: cannot mark " + key + " (" + e.getMessage() + "); a rebuild of the state store would miss it");
            }
        }
        for (String what : new java.util.LinkedHashSet<>(later)) {
            try {
                if (what.startsWith("container ")) {
                    markContainer(rtnl, w, what.substring("container ".length()));
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
                    if (rtnl.namespaces().contains(name)) {
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

    private static void markContainer(Links rtnl, World w, String name) {
        Container c = (Container) WorldCodec.map(w, WorldCodec.CONTAINER).peek(name);
        if (c == null || !(c.mode.equals("bridge") || c.mode.equals("none")) || !name.equals(c.namespace)) {
            return;
        }
        rtnl.alias(c.namespace, "lo", withSpec("netgroovy container " + c.id + " " + c.mode, spec(w, "container " + name)));
        for (Container.Attachment a : c.attachments) {
            rtnl.alias(null, a.hostVeth(), "netgroovy container " + name + " " + a.network().name());
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
     * networks (with dockerd's options), the containers with their addresses, MACs and
     * networks (their addresses taken again in the networks' address management), the bridges,
     * the namespaces netgroovy made, the published ports and Docker's firewalls.
     */
    public static World rebuild(Links kernel) {
        World w = new World();
        Map<String, String> hostMarks = new LinkedHashMap<>();
        kernel.aliases(null).forEach((link, alias) -> {
            if (alias.startsWith(PREFIX)) {
                hostMarks.put(link, alias);
            }
        });
        List<String> names = kernel.namespaces();
        if (hostMarks.isEmpty() && names.isEmpty()) {
            return w; // nothing of netgroovy's here: the common case of a first run, at the cost of one dump
        }
        Map<String, Iface> host = kernel.interfaces(null);
        Map<String, String> vethOf = new LinkedHashMap<>(); // "container network" -> host veth
        hostMarks.forEach((link, alias) -> {
            Parsed p = Parsed.of(alias);
            switch (p.words().get(1)) {
                case "network" -> rebuildNetwork(w, link, p, host.get(link));
                case "bridge" -> v4(host.get(link)).ifPresent(c -> w.bridgeCidrs.put(link, c.toString()));
                case "container" -> {
                    if (p.words().size() >= 4) {
                        vethOf.put(p.words().get(2) + " " + p.words().get(3), link);
                    }
                }
                default -> {
                    // a mark of a newer netgroovy
                }
            }
        });
        for (String ns : names) {
            try {
                String lo = kernel.aliases(ns).getOrDefault("lo", "");
                if (lo.equals("netgroovy netns")) {
                    w.namespaces.add(ns);
                } else if (lo.startsWith("netgroovy container ")) {
                    rebuildContainer(w, ns, Parsed.of(lo), kernel.interfaces(ns), vethOf);
                }
            } catch (RuntimeException gone) {
                // deleted meanwhile
            }
        }
        if (!w.containers.isEmpty() || !w.networks.isEmpty()) {
            rebuildRules(w);
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

    private static void rebuildContainer(World w, String name, Parsed p, Map<String, Iface> links, Map<String, String> vethOf) {
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
                        c.attachments.add(new Container.Attachment(n, a.cidr().address(), l.mac(), l.name(), vethOf.get(name + " " + netName)));
                        n.ipam().restore(a.cidr().address());
                    }
                }
            }
        }
        if (!c.attachments.isEmpty()) {
            Container.Attachment first = c.attachments.get(0);
            c.network = first.network();
            c.ip = first.ip();
            c.mac = first.mac();
            c.hostVeth = first.hostVeth();
        }
        w.containers.put(name, c);
        w.namespaces.add(name);
        if (p.spec() != null) {
            w.specs.put("container " + name, p.spec());
        }
    }

    /** Published ports and Docker's firewalls, from the rules' comments. */
    private static void rebuildRules(World w) {
        Iptables.Saved saved;
        try {
            saved = Iptables.save(null);
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
    }
}
