package netgroovy.render;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import netgroovy.kernel.Address;
import netgroovy.kernel.Link;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.ProcessNamespaces;
import netgroovy.kernel.Rtnl;
import netgroovy.kernel.Route;
import netgroovy.plan.LiveKernel;
import netgroovy.plan.Where;

/** Renders the live state of one namespace, or of all of them, as text. */
public final class Views {
    private final LiveKernel kernel;

    public Views(LiveKernel kernel) {
        this.kernel = kernel;
    }

    /** Like {@code ip -br link}: name, state, MAC, MTU, and master or veth peer. */
    public String links(Where w) {
        Rtnl r = kernel.rtnl(w);
        List<Link> links = r.links().list();
        Map<Integer, String> names = links.stream().collect(Collectors.toMap(Link::index, Link::name, (a, b) -> a));
        Map<Integer, String> peerNs = peerNamespaces(w);
        StringBuilder b = new StringBuilder();
        for (Link l : links) {
            String extra = "";
            if (l.master() != 0) {
                extra += " master " + names.getOrDefault(l.master(), "if" + l.master());
            }
            if (l.isVeth()) {
                extra += " peer " + (l.peerNsId() >= 0 ? "if" + l.peerIndex() + " in " + peerNs.getOrDefault(l.peerNsId(), "nsid " + l.peerNsId())
                        : names.getOrDefault(l.peerIndex(), "if" + l.peerIndex()));
            }
            b.append(String.format("%-15s %-8s %-7s %-17s mtu %d%s%n", l.name(), l.kind().isEmpty() ? "-" : l.kind(),
                    l.up() ? l.operState() : "DOWN", l.mac() == null ? "-" : l.mac(), l.mtu(), extra));
        }
        return b.toString();
    }

    /** Like {@code ip -br addr}: each link with its addresses. */
    public String addresses(Where w) {
        Rtnl r = kernel.rtnl(w);
        Map<String, List<String>> byLink = new java.util.LinkedHashMap<>();
        for (Link l : r.links().list()) {
            byLink.put(l.name(), new ArrayList<>());
        }
        for (Address a : r.addresses().list()) {
            byLink.computeIfAbsent(a.linkName(), k -> new ArrayList<>()).add(a.cidr().toString());
        }
        StringBuilder b = new StringBuilder();
        byLink.forEach((name, addrs) -> b.append(String.format("%-15s %s%n", name, String.join(" ", addrs)).replaceAll(" +\n", "\n")));
        return b.toString();
    }

    /** Like {@code ip route; ip -6 route}. */
    public String routes(Where w) {
        StringBuilder b = new StringBuilder();
        for (Route route : kernel.rtnl(w).routes().list()) {
            if (route.destination() != null && route.destination().address().isV6()
                    && route.destination().address().bytes()[0] == (byte) 0xfe) {
                continue; // fe80::/64 on every link: noise in a tutorial's view
            }
            b.append(route.describe()).append('\n');
        }
        return b.toString();
    }

    /** Like {@code brctl show}: each bridge with its ports. */
    public String bridges(Where w) {
        Rtnl r = kernel.rtnl(w);
        List<Link> links = r.links().list();
        List<Address> addrs = r.addresses().list();
        StringBuilder b = new StringBuilder(String.format("%-15s %-20s %s%n", "bridge name", "address", "interfaces"));
        for (Link br : links) {
            if (!br.isBridge()) {
                continue;
            }
            List<String> ports = links.stream().filter(l -> l.master() == br.index()).map(Link::name).toList();
            String addr = addrs.stream().filter(a -> a.linkIndex() == br.index() && a.cidr().isV4())
                    .map(a -> a.cidr().toString()).findFirst().orElse("-");
            b.append(String.format("%-15s %-20s %s%n", br.name(), addr, ports.isEmpty() ? "" : ports.get(0)));
            for (int i = 1; i < ports.size(); i++) {
                b.append(String.format("%-15s %-20s %s%n", "", "", ports.get(i)));
            }
        }
        return b.toString();
    }

    /** Like {@code ip netns list}. */
    public String namespaces() {
        StringBuilder b = new StringBuilder();
        for (String n : Namespaces.list()) {
            b.append(n).append('\n');
        }
        return b.toString();
    }

    /**
     * The whole picture: the host's bridges and their ports, each veth port followed to its
     * peer in a namespace, then every namespace with its links, addresses and default route;
     * a namespace that only a process holds (entered by pid) is named after that process.
     */
    public String topology() {
        Map<Where, String> places = new LinkedHashMap<>();
        places.put(Where.HOST, "host");
        for (String ns : Namespaces.list()) {
            places.put(Where.named(ns), "netns " + ns);
        }
        Map<Where, Map<Integer, String>> peers = new LinkedHashMap<>();
        places.keySet().forEach(w -> peers.put(w, peerNamespaces(w)));
        places.putAll(processPeers(peers));
        StringBuilder b = new StringBuilder();
        places.forEach((w, title) -> b.append(place(title, w, peers.computeIfAbsent(w, this::peerNamespaces)).render()));
        return b.toString();
    }

    /**
     * The namespaces held only by a process that veths lead to: names them in {@code peers}
     * ({@code pid 4242 (sleep)}) and gives them back, to be drawn as places of their own.
     */
    private Map<Where, String> processPeers(Map<Where, Map<Integer, String>> peers) {
        Map<Where, Set<Integer>> unnamed = new HashMap<>();
        peers.forEach((w, known) -> {
            for (Link l : kernel.rtnl(w).links().list()) {
                if (l.isVeth() && l.peerNsId() >= 0 && !known.containsKey(l.peerNsId())) {
                    unnamed.computeIfAbsent(w, x -> new HashSet<>()).add(l.peerNsId());
                }
            }
        });
        Map<Where, String> found = new LinkedHashMap<>();
        if (unnamed.isEmpty()) {
            return found; // the common case: no /proc walk
        }
        for (ProcessNamespaces.Held h : ProcessNamespaces.list()) {
            Where pw = Where.pid(h.pid());
            unnamed.forEach((w, ids) -> {
                try {
                    int id = kernel.rtnl(w).nsIdOf(kernel.ns(pw));
                    if (ids.contains(id)) {
                        peers.get(w).put(id, h.label());
                        found.put(pw, "netns " + h.label());
                    }
                } catch (RuntimeException e) {
                    // a process gone meanwhile, or a namespace not ours to open
                }
            });
        }
        return found;
    }

    /**
     * One namespace as a tree: its links (a bridge with its ports under it, each veth with the
     * namespace its peer lives in), then the routes someone added (the default and any other
     * with a gateway or made by hand; the kernel's own routes to connected subnets left out).
     */
    private Tree place(String title, Where w, Map<Integer, String> peers) {
        Rtnl in = kernel.rtnl(w);
        List<Link> links = in.links().list();
        Map<String, List<Address>> addrs = in.addresses().list().stream().collect(Collectors.groupingBy(Address::linkName));
        Tree t = new Tree(title);
        for (Link l : links) {
            if (l.master() != 0 || l.name().equals("lo")) {
                continue;
            }
            Tree node = t.add(describe(l, addrs, peers));
            if (l.isBridge()) {
                links.stream().filter(port -> port.master() == l.index()).forEach(port -> node.add(describe(port, addrs, peers)));
            }
        }
        in.routes().list().stream()
                .filter(r -> r.destination() == null || r.gateway() != null || !"kernel".equals(r.protocol()))
                .filter(r -> r.table() == 254 && "unicast".equals(r.type()))
                .forEach(r -> t.add("route " + r.describe()));
        return t;
    }

    private static String describe(Link l, Map<String, List<Address>> addrs, Map<Integer, String> peerNs) {
        StringBuilder s = new StringBuilder(l.name());
        if (!l.kind().isEmpty()) {
            s.append(" (").append(l.kind()).append(")");
        }
        for (Address a : addrs.getOrDefault(l.name(), List.of())) {
            if (!"link".equals(a.scope())) {
                s.append(' ').append(a.cidr());
            }
        }
        if (l.isVeth() && l.peerNsId() >= 0) {
            s.append(" ── peer in ").append(peerNs.getOrDefault(l.peerNsId(), "nsid " + l.peerNsId()));
        }
        if (!l.up()) {
            s.append(" DOWN");
        }
        return s.toString();
    }

    /** nsid (as seen from {@code w}) → namespace name, for naming where veth peers live. */
    private Map<Integer, String> peerNamespaces(Where w) {
        return peerNamespaces(kernel, w);
    }

    static Map<Integer, String> peerNamespaces(LiveKernel kernel, Where w) {
        Map<Integer, String> out = new HashMap<>();
        Rtnl r = kernel.rtnl(w);
        for (String n : Namespaces.list()) {
            Where other = Where.named(n);
            if (other.equals(w)) {
                continue;
            }
            try {
                int id = r.nsIdOf(kernel.ns(other));
                if (id >= 0) {
                    out.put(id, n);
                }
            } catch (RuntimeException ignored) {
                // a namespace we cannot open is simply not named
            }
        }
        if (!w.isHost()) {
            try {
                int id = r.nsIdOf(kernel.ns(Where.HOST));
                if (id >= 0) {
                    out.put(id, "host");
                }
            } catch (RuntimeException ignored) {
                // as above
            }
        }
        return out;
    }
}
