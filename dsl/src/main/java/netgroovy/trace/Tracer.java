package netgroovy.trace;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.NetNs;
import netgroovy.kernel.Route;
import netgroovy.kernel.Sysctl;
import netgroovy.plan.LiveKernel;
import netgroovy.plan.Where;
import netgroovy.value.IpAddress;

/**
 * Follows one flow from a namespace, hop by hop. One real packet is sent while the kernel
 * traces it in every namespace (see {@link TraceMonitor}); then, starting where it was sent,
 * each namespace's rules (as the kernel reported them for that packet) and route lookup
 * ({@code ip route get}) say where it went next, until it is delivered, dropped, has no route,
 * or disappears.
 */
public final class Tracer {
    /** Beyond this many namespaces, only the ones on the route are watched (one monitor each). */
    private static final int WATCH_ALL_UP_TO = 24;
    private static final int MAX_HOPS = 16;

    private final LiveKernel kernel;
    /** The walk's packet as it is now: its destination (after DNAT), and its IP ID once seen. */
    private IpAddress dst;
    private String ipId;
    private Duration timeout = Duration.ofSeconds(1);

    public Tracer(LiveKernel kernel) {
        this.kernel = kernel;
    }

    /** How long the probe waits for an answer (a dropped packet waits this long). */
    public Tracer timeout(Duration t) {
        timeout = t;
        return this;
    }

    /** Sends one packet of the flow, untraced: "answered", "refused" or "no answer". */
    public String probe(Where from, Flow flow) {
        try {
            kernel.rtnl(from).routes().get(flow.destination());
        } catch (KernelException e) {
            return "no route";
        }
        return Probe.send(kernel.nsOrNull(from), flow, flow.protocol().equals("icmp") ? 0 : Probe.sourcePort(), timeout);
    }

    public Trace trace(Where from, Flow flow) {
        Landscape land = new Landscape(kernel);
        Trace t = new Trace(from.label(), flow);
        int sport = flow.protocol().equals("icmp") ? 0 : Probe.sourcePort();
        Map<String, TraceEvents> events = Map.of();
        if (routes(from, flow.destination())) {
            try (TraceMonitor m = TraceMonitor.start(watch(land, from, flow), match(flow, sport))) {
                t.answer = Probe.send(kernel.nsOrNull(from), flow, sport, timeout);
                events = m.collect();
                t.traced = m.unavailable();
            }
        }
        walk(land, t, from, flow, sport, events);
        return t;
    }

    private boolean routes(Where w, IpAddress dst) {
        try {
            kernel.rtnl(w).routes().get(dst);
            return true;
        } catch (KernelException e) {
            return false;
        }
    }

    /** The nft match for the flow's packets: its protocol, and for tcp/udp our source port. */
    private static String match(Flow f, int sport) {
        return switch (f.protocol()) {
            case "icmp" -> f.destination().isV6() ? "icmpv6 type echo-request" : "icmp type echo-request";
            default -> "meta l4proto " + f.protocol() + " th sport " + sport;
        };
    }

    private Map<String, NetNs> watch(Landscape land, Where from, Flow flow) {
        List<Where> places = new java.util.ArrayList<>(land.places());
        if (!places.contains(from)) {
            places.add(from);
        }
        if (places.size() > WATCH_ALL_UP_TO) {
            places = List.of(Where.HOST, from); // enough for netgroovy's own rules, which live on the host
        }
        Map<String, NetNs> out = new LinkedHashMap<>();
        for (Where w : places) {
            out.put(w.label(), kernel.nsOrNull(w));
        }
        return out;
    }

    private void walk(Landscape land, Trace t, Where from, Flow flow, int sport, Map<String, TraceEvents> events) {
        Where here = from;
        String in = null;
        dst = flow.destination();
        ipId = null;
        Set<Where> seen = new HashSet<>();
        for (int step = 0; step < MAX_HOPS; step++) {
            Hop hop = new Hop(here.label(), in);
            t.hops.add(hop);
            seen.add(here);
            if (rules(t, hop, here, events.get(here.label()), flow, sport, step)) {
                return;
            }
            Route r;
            try {
                r = kernel.rtnl(here).routes().get(dst);
            } catch (KernelException e) {
                hop.route = "no route to " + dst;
                t.outcome = Trace.NO_ROUTE;
                t.detail = "to " + dst + " in " + here.label() + " (ip route get " + dst + ": " + reason(e) + ")";
                return;
            }
            hop.route = r.describe().replace(" proto unspec", "");
            if ("local".equals(r.type())) {
                t.outcome = Trace.DELIVERED;
                t.detail = "to " + here.label() + (flow.port() > 0 ? " port " + dst + ":" + portAfterNat(hop, flow) : " (" + dst + ")");
                return;
            }
            if (!"unicast".equals(r.type())) {
                t.outcome = Trace.NO_ROUTE;
                t.detail = "to " + dst + " in " + here.label() + ": the route is " + r.type();
                return;
            }
            String off = in == null ? null : forwardingOff(here, in, dst);
            if (off != null) {
                // The kernel routes a packet that is not for this namespace only where forwarding
                // is on; otherwise it answers "host unreachable", whatever the table says.
                t.outcome = Trace.NO_ROUTE;
                t.detail = "to " + dst + " in " + here.label() + ": forwarding is off (" + off + ")";
                hop.notes.add("not forwarded: " + off);
                return;
            }
            hop.after.stream().filter(h -> h.target().equals("MASQUERADE")).findFirst().ifPresent(h ->
                    hop.notes.add("MASQUERADE: the source becomes " + (r.source() != null ? r.source() : "the address of " + r.device())));
            IpAddress nextHop = r.gateway() != null ? r.gateway() : dst;
            hop.out = r.device();
            Landscape.Reach reach = land.reach(here, r.device(), nextHop);
            if (reach == null || reach.to() == null) {
                hop.bridge = reach == null ? null : reach.bridge();
                t.outcome = Trace.LOST;
                t.detail = "after " + here.label() + ": nobody on " + r.device()
                        + (reach != null && reach.wire() != null ? " (wire to " + reach.wire().link() + " in " + reach.wire().where().label() + ")" : "")
                        + " has " + nextHop;
                return;
            }
            hop.bridge = reach.bridge();
            hop.next = reach.to().where().label() + " (" + reach.to().link() + ")";
            if (seen.contains(reach.to().where()) && !reach.to().where().equals(here)) {
                t.outcome = Trace.LOST;
                t.detail = "in a loop: back to " + reach.to().where().label();
                return;
            }
            Where via = reach.bridgeAt();
            if (via != null && !via.equals(here) && !via.equals(reach.to().where())) {
                // Bridged in another namespace: with br_netfilter its iptables see the packet there.
                String bridge = reach.bridge();
                Hop bridged = new Hop(via.label(), bridge.replaceFirst(" in .*", ""));
                bridged.route = "none (bridged" + (bridge.contains("(port ") ? " out by" + bridge.substring(bridge.indexOf("(port ") + 5, bridge.length() - 1) : "") + ")";
                t.hops.add(bridged);
                if (rules(t, bridged, via, events.get(via.label()), flow, sport, -1)) {
                    return;
                }
            }
            here = reach.to().where();
            in = reach.to().link();
        }
        t.outcome = Trace.LOST;
        t.detail = "after " + MAX_HOPS + " hops";
    }

    /**
     * Adds to {@code hop} the rules our packet met in {@code here}, following a DNAT; true when
     * the trace ends there (dropped, or never seen where it should have arrived).
     */
    private boolean rules(Trace t, Hop hop, Where here, TraceEvents ev, Flow flow, int sport, int step) {
        if (ev == null) {
            return false; // not watched: its rules are unknown, the route still tells the way
        }
        List<TraceEvents.Packet> ours = ours(ev, sport, dst, ipId);
        if (ours.isEmpty() && step != 0 && t.answer != null) {
            t.outcome = Trace.LOST;
            t.detail = "on the way into " + here.label() + ": the packet never showed up there";
            return true;
        }
        if (ipId == null && !ours.isEmpty()) {
            ipId = ours.get(0).get("ID");
        }
        for (TraceEvents.Packet p : ours) {
            boolean routed = !p.get("OUT").isEmpty(); // no OUT yet: before the route lookup
            for (Hit h : p.hits()) {
                List<Hit> into = routed ? hop.after : hop.before;
                if (into.contains(h)) {
                    // The flow's later packets (the ACK, the data, a retransmission) meet the same
                    // rules again; the walk is one packet's, so each rule is told once.
                    continue;
                }
                into.add(h);
                String to = h.dnatTo();
                if (to != null) {
                    dst = IpAddress.parse(to.startsWith("[") ? to.substring(1, to.indexOf(']'))
                            : to.indexOf(':') == to.lastIndexOf(':') ? to.replaceFirst(":.*", "") : to);
                }
                if (h.drops()) {
                    t.outcome = Trace.DROPPED;
                    t.droppedBy = h;
                    t.detail = "in " + here.label() + " by " + h.table() + " " + h.chain() + " "
                            + (h.kind().equals("policy") ? "policy" : h.plainRule())
                            + (h.owner() == null ? "" : " (written by " + h.word()
                            + (h.origin() == null ? "" : " at " + h.origin()) + ")");
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The sysctl that keeps a packet that came in by {@code in} from being forwarded here
     * ("net.ipv4.conf.docker0.forwarding = 0"), or null when forwarding is on.
     */
    private String forwardingOff(Where here, String in, IpAddress to) {
        // IPv6 forwards by the "all" switch (ip6_forward); IPv4 by the incoming device's own.
        String key = to.isV6() ? "net.ipv6.conf.all.forwarding" : "net.ipv4.conf." + in + ".forwarding";
        try {
            return "0".equals(Sysctl.read(kernel.nsOrNull(here), key).strip()) ? key + " = 0" : null;
        } catch (KernelException e) {
            return null; // unreadable: the route alone tells the way, as before
        }
    }

    private static String portAfterNat(Hop hop, Flow flow) {
        for (Hit h : hop.getRules()) {
            String to = h.dnatTo();
            if (to != null && to.matches(".*:\\d+")) {
                return to.substring(to.lastIndexOf(':') + 1);
            }
        }
        return String.valueOf(flow.port());
    }

    private static String reason(KernelException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("unreachable") || m.contains("ENETUNREACH") ? "network unreachable" : m;
    }

    /**
     * The packet headers in one namespace that are our packet: for tcp/udp the one with our
     * source port; for ping the echo request to the destination, then the same IP ID.
     */
    private static List<TraceEvents.Packet> ours(TraceEvents ev, int sport, IpAddress dst, String ipId) {
        return ev.packets().stream().filter(p -> {
            if (sport > 0) {
                return p.get("SPORT").equals(String.valueOf(sport));
            }
            return ipId != null ? p.get("ID").equals(ipId) : p.get("DST").equals(dst.toString());
        }).toList();
    }
}
