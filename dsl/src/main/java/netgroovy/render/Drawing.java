package netgroovy.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import netgroovy.kernel.Address;
import netgroovy.kernel.Link;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.Rtnl;
import netgroovy.plan.LiveKernel;
import netgroovy.plan.Where;

/**
 * The live topology as a picture: every namespace a box, its links inside, a line from each
 * bridge port to its bridge and a bold line between the two ends of each veth pair — as
 * Mermaid (to paste into Markdown) or Graphviz DOT (for {@code dot -Tsvg}). Namespaces on a
 * traced path can be highlighted.
 */
public final class Drawing {
    /** One link, where it is, and what it is connected to. */
    private record Node(String place, Link link, String label) {
        String id() {
            return (place + "_" + link.name()).replaceAll("[^A-Za-z0-9_]", "_");
        }
    }

    private record Edge(Node a, Node b, boolean veth) {
    }

    private final Map<String, List<Node>> places = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();

    /** Reads the kernel once: the host's links and every named namespace's. */
    public Drawing(LiveKernel kernel) {
        Map<String, Where> wheres = new LinkedHashMap<>();
        wheres.put("host", Where.HOST);
        Namespaces.list().forEach(n -> wheres.put(n, Where.named(n)));
        Map<String, Map<Integer, Node>> byIndex = new LinkedHashMap<>();
        Map<String, Map<Integer, String>> peersOf = new LinkedHashMap<>();
        for (var e : wheres.entrySet()) {
            Rtnl in = kernel.rtnl(e.getValue());
            Map<String, List<Address>> addrs = in.addresses().list().stream().collect(Collectors.groupingBy(Address::linkName));
            Map<Integer, Node> nodes = new LinkedHashMap<>();
            for (Link l : in.links().list()) {
                if (l.name().equals("lo")) {
                    continue;
                }
                StringBuilder label = new StringBuilder(l.name());
                if (l.isBridge()) {
                    label.append(" (bridge)");
                }
                addrs.getOrDefault(l.name(), List.of()).stream().filter(a -> !"link".equals(a.scope()))
                        .forEach(a -> label.append(' ').append(a.cidr()));
                nodes.put(l.index(), new Node(e.getKey(), l, label.toString()));
            }
            byIndex.put(e.getKey(), nodes);
            places.put(e.getKey(), new ArrayList<>(nodes.values()));
            peersOf.put(e.getKey(), Views.peerNamespaces(kernel, e.getValue()));
        }
        for (var place : byIndex.entrySet()) {
            for (Node n : place.getValue().values()) {
                if (n.link().master() != 0 && place.getValue().containsKey(n.link().master())) {
                    edges.add(new Edge(n, place.getValue().get(n.link().master()), false));
                }
                if (n.link().isVeth() && n.link().peerIndex() > 0) {
                    String peerPlace = n.link().peerNsId() < 0 ? place.getKey() : peersOf.get(place.getKey()).get(n.link().peerNsId());
                    Node peer = peerPlace == null ? null : byIndex.getOrDefault(peerPlace, Map.of()).get(n.link().peerIndex());
                    if (peer != null && n.id().compareTo(peer.id()) < 0) {
                        edges.add(new Edge(n, peer, true));
                    }
                }
            }
        }
    }

    /** Mermaid {@code graph LR}; the namespaces in {@code highlight} filled. */
    public String mermaid(Set<String> highlight) {
        StringBuilder b = new StringBuilder("graph LR\n");
        for (var place : places.entrySet()) {
            String box = box(place.getKey());
            b.append("  subgraph ").append(box).append("[\"").append(title(place.getKey())).append("\"]\n");
            for (Node n : place.getValue()) {
                b.append("    ").append(n.id()).append("[\"").append(n.label()).append("\"]\n");
            }
            b.append("  end\n");
        }
        for (Edge e : edges) {
            b.append("  ").append(e.a().id()).append(e.veth() ? " === " : " --- ").append(e.b().id()).append('\n');
        }
        if (!highlight.isEmpty()) {
            b.append("  classDef path fill:#ffe0b2,stroke:#e65100\n");
            highlight.stream().filter(places::containsKey).forEach(h -> b.append("  class ").append(box(h)).append(" path\n"));
        }
        return b.toString();
    }

    /** Graphviz DOT; the namespaces in {@code highlight} filled. */
    public String dot(Set<String> highlight) {
        StringBuilder b = new StringBuilder("graph topology {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
        for (var place : places.entrySet()) {
            b.append("  subgraph cluster_").append(box(place.getKey())).append(" {\n    label=\"").append(title(place.getKey())).append("\";\n");
            if (highlight.contains(place.getKey())) {
                b.append("    style=filled; fillcolor=\"#ffe0b2\";\n");
            }
            for (Node n : place.getValue()) {
                b.append("    ").append(n.id()).append(" [label=\"").append(n.label()).append('"')
                        .append(n.link().isBridge() ? ", shape=box3d" : "").append("];\n");
            }
            b.append("  }\n");
        }
        for (Edge e : edges) {
            b.append("  ").append(e.a().id()).append(" -- ").append(e.b().id()).append(e.veth() ? " [style=bold, label=\"veth\"]" : "")
                    .append(";\n");
        }
        return b.append("}\n").toString();
    }

    private static String box(String place) {
        return "ns_" + place.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static String title(String place) {
        return place.equals("host") ? "host" : "netns " + place;
    }
}
