package netgroovy.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.kernel.Address;
import netgroovy.kernel.Link;
import netgroovy.kernel.Namespaces;
import netgroovy.plan.LiveKernel;
import netgroovy.plan.Where;
import netgroovy.value.IpAddress;

/**
 * The links and addresses of the host and every named namespace, read once, and what they
 * imply for a packet: which namespace a veth leads to, which namespaces share a bridge, who
 * holds an address on a link. A {@code Where} is named by its label ("host", "c1").
 */
final class Landscape {
    /** A place a packet can be received: a link in a namespace. */
    record End(Where where, String link) {
    }

    private final LiveKernel kernel;
    private final Map<Where, List<Link>> links = new LinkedHashMap<>();
    private final Map<Where, List<Address>> addresses = new HashMap<>();
    private final Map<Where, Map<Integer, Where>> peers = new HashMap<>();

    Landscape(LiveKernel kernel) {
        this.kernel = kernel;
        links.put(Where.HOST, null);
        for (String n : Namespaces.list()) {
            links.put(Where.named(n), null);
        }
    }

    List<Where> places() {
        return new ArrayList<>(links.keySet());
    }

    List<Link> links(Where w) {
        List<Link> l = links.get(w);
        return l != null ? l : load(w);
    }

    private List<Link> load(Where w) {
        List<Link> l = kernel.rtnl(w).links().list();
        links.put(w, l);
        return l;
    }

    List<Address> addresses(Where w) {
        return addresses.computeIfAbsent(w, x -> kernel.rtnl(x).addresses().list());
    }

    Link link(Where w, String name) {
        return links(w).stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
    }

    /** Whether {@code address} is one of {@code w}'s own addresses on {@code link}. */
    boolean holds(Where w, String link, IpAddress address) {
        return addresses(w).stream().anyMatch(a -> a.linkName().equals(link) && a.cidr().address().equals(address));
    }

    /** The other end of a veth: its namespace and name; null when not a veth or not found. */
    End peerOf(Where w, Link veth) {
        if (!veth.isVeth()) {
            return null;
        }
        Where there = veth.peerNsId() < 0 ? w : peerNamespaces(w).get(veth.peerNsId());
        if (there == null) {
            return null;
        }
        return links(there).stream().filter(l -> l.index() == veth.peerIndex()).findFirst()
                .map(l -> new End(there, l.name())).orElse(null);
    }

    /**
     * Where a packet sent out of {@code link} in {@code w} to {@code nextHop} is received, and the
     * bridge it crosses on the way (null when none): the holder of the address among the ends of
     * the wire (a veth's peer) or of the bridge segment (the bridge itself and its ports' peers).
     */
    Reach reach(Where w, String link, IpAddress nextHop) {
        Link out = link(w, link);
        if (out == null) {
            return null;
        }
        if (out.isBridge()) {
            return onBridge(w, out, nextHop, null);
        }
        End peer = peerOf(w, out);
        if (peer == null) {
            return null;
        }
        Link there = link(peer.where(), peer.link());
        if (there != null && there.master() != 0) {
            Link bridge = links(peer.where()).stream().filter(l -> l.index() == there.master()).findFirst().orElse(null);
            if (bridge != null) {
                return onBridge(peer.where(), bridge, nextHop, new End(w, link));
            }
        }
        return holds(peer.where(), peer.link(), nextHop) ? new Reach(peer, null, null) : new Reach(null, null, peer);
    }

    /** A packet on a bridge's segment: the bridge's own address, or a port's peer. */
    private Reach onBridge(Where w, Link bridge, IpAddress nextHop, End from) {
        if (holds(w, bridge.name(), nextHop) && (from == null || !from.where().equals(w))) {
            return new Reach(new End(w, bridge.name()), bridge.name() + " in " + w.label(), null, w);
        }
        for (Link port : links(w)) {
            if (port.master() != bridge.index()) {
                continue;
            }
            End peer = peerOf(w, port);
            if (peer != null && !peer.equals(from) && holds(peer.where(), peer.link(), nextHop)) {
                return new Reach(peer, bridge.name() + " in " + w.label() + " (port " + port.name() + ")", null, w);
            }
        }
        return new Reach(null, bridge.name() + " in " + w.label(), null, w);
    }

    /**
     * @param to     where the packet is received; null when nobody on the wire holds the next hop
     * @param bridge the bridge crossed, described, or null
     * @param wire   with no receiver: the far end of the wire the packet left by
     */
    record Reach(End to, String bridge, End wire, Where bridgeAt) {
        Reach(End to, String bridge, End wire) {
            this(to, bridge, wire, null);
        }
    }

    /** nsid (as seen from {@code w}) → namespace, for following veths. */
    private Map<Integer, Where> peerNamespaces(Where w) {
        return peers.computeIfAbsent(w, x -> {
            Map<Integer, Where> out = new HashMap<>();
            for (Where other : links.keySet()) {
                if (other.equals(x)) {
                    continue;
                }
                try {
                    int id = kernel.rtnl(x).nsIdOf(kernel.ns(other));
                    if (id >= 0) {
                        out.put(id, other);
                    }
                } catch (RuntimeException ignored) {
                    // a namespace we cannot open is simply not followed
                }
            }
            return out;
        });
    }
}
