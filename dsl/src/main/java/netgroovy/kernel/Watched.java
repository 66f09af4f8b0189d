package netgroovy.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import netgroovy.kernel.netlink.Attributes;
import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.NetlinkSocket;
import netgroovy.kernel.netlink.Nl;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;

/**
 * What a handle knows of its namespace, kept true by the kernel itself: a second socket listens
 * to the namespace's link, address and route notifications, and before any answer is given
 * from memory, what the kernel announced since is read (without waiting, and without the
 * kernel's rtnetlink lock that every question takes) and written in.
 *
 * <p>So answers can be kept from one statement to the next, which {@link SeenByPlan} cannot:
 * whatever changed meanwhile, by this process or any other, was announced. The kernel sends
 * a change's notification before it acknowledges the request that made it, so what a plan
 * wrote is known by its next question. A statement's checks then cost nothing in the kernel,
 * whatever the namespace holds: that is what made a DSL endpoint cost more than the kernel
 * layer's (eight questions each, which wait for the lock behind the kernel's own work).
 *
 * <p>What is not announced is not kept: IPv4 routes that go with a link taken down or an
 * address removed vanish without a word, so the routes are asked for again after such a
 * change. When the kernel could not queue a notification (the queue full), everything is
 * forgotten and asked again. Links are known one by one as they are asked about or announced,
 * or all of them after a dump; addresses and routes as whole lists.
 */
final class Watched implements Seen {
    /** RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV4_ROUTE, RTMGRP_IPV6_IFADDR, RTMGRP_IPV6_ROUTE. */
    static final int GROUPS = 0x1 | 0x10 | 0x40 | 0x100 | 0x400;
    private static final int IFINFO = 16, IFLA_PROTINFO = 12;

    private final NetlinkSocket listener;
    /** Links by name, as last heard of; {@link #ABSENT}: known not to be there. */
    private final Map<String, Heard> links = new HashMap<>();
    /** The name of each link known by index (the kernel names a link in a notification by both). */
    private final Map<Integer, String> names = new HashMap<>();
    /** Whether {@link #links} holds every link of the namespace (after a dump). */
    private boolean complete;
    /** Every address, by link index, when known. */
    private Map<Integer, Map<Cidr, Address>> addresses;
    /** The main table's routes, when known. */
    private Map<RouteKey, Route> routes;

    /** Opened in the namespace it is to watch (by the thread that is in it). */
    Watched(NetlinkSocket listener) {
        this.listener = listener;
    }

    @Override
    public void on(boolean on) {
        // Always on: nothing is kept that the kernel did not say.
    }

    @Override
    public Optional<Link> link(String name, Supplier<Optional<Link>> ask) {
        hear();
        Heard known = links.get(name);
        if (known != null) {
            return known.link();
        }
        if (complete) {
            return Optional.empty();
        }
        Optional<Link> asked = ask.get();
        asked.ifPresentOrElse(this::put, () -> links.put(name, ABSENT));
        return asked;
    }

    @Override
    public List<Link> all(Supplier<List<Link>> ask) {
        hear();
        if (!complete) {
            links.clear();
            names.clear();
            ask.get().forEach(this::put);
            complete = true;
        }
        List<Link> out = new ArrayList<>(names.size());
        links.values().forEach(l -> l.link().ifPresent(out::add));
        out.sort(java.util.Comparator.comparingInt(Link::index));
        return out;
    }

    @Override
    public List<Address> addresses(Supplier<List<Address>> ask) {
        knowAddresses(ask);
        List<Address> out = new ArrayList<>();
        addresses.values().forEach(on -> out.addAll(on.values()));
        return out;
    }

    @Override
    public List<Address> addressesOn(int index, Supplier<List<Address>> ask) {
        knowAddresses(ask);
        return List.copyOf(addresses.getOrDefault(index, Map.of()).values());
    }

    private void knowAddresses(Supplier<List<Address>> ask) {
        hear();
        if (addresses == null) {
            addresses = new HashMap<>();
            ask.get().forEach(this::putAddress);
        }
    }

    @Override
    public List<Route> routes(Supplier<List<Route>> ask) {
        hear();
        if (routes == null) {
            routes = new LinkedHashMap<>();
            ask.get().forEach(r -> routes.put(RouteKey.of(r), r));
        }
        return List.copyOf(routes.values());
    }

    // What this handle writes is announced like anything else: nothing to follow by hand.

    @Override
    public void changed(String name, UnaryOperator<Link> how) {
    }

    @Override
    public void forget(String... names) {
    }

    @Override
    public void forgetAddresses() {
    }

    @Override
    public void forgetRoutes() {
    }

    @Override
    public void changedElsewhere() {
    }

    @Override
    public void born(Link link) {
        // Made just now, with this socket listening from the start: its loopback is there, down;
        // nothing has an address or a route yet (they come when a link comes up, announced).
        // Not "every link": a module such as ipip gives each new namespace a fallback device.
        hear();
        put(link);
        addresses = new HashMap<>();
        routes = new LinkedHashMap<>();
    }

    @Override
    public void forgetAll() {
        links.clear();
        names.clear();
        complete = false;
        addresses = null;
        routes = null;
    }

    @Override
    public void close() {
        listener.close();
    }

    /** Writes in what the kernel announced since the last time. */
    private void hear() {
        List<Message> heard = listener.pending();
        if (heard == null) {
            forgetAll(); // some were lost
            return;
        }
        for (Message m : heard) {
            switch (m.type()) {
                case Nl.RTM_NEWLINK -> newLink(m);
                case Nl.RTM_DELLINK -> {
                    if (m.u8(0) == Nl.AF_UNSPEC) {
                        removeLink(m.i32(4));
                    }
                }
                case Nl.RTM_NEWADDR -> {
                    if (addresses != null) {
                        putAddress(Addresses.decode(m));
                    }
                }
                case Nl.RTM_DELADDR -> {
                    if (addresses != null) {
                        Address a = Addresses.decode(m);
                        Map<Cidr, Address> on = addresses.get(a.linkIndex());
                        if (on != null) {
                            on.remove(a.cidr());
                        }
                    }
                    routes = null; // the routes that went with it go unannounced
                }
                case Nl.RTM_NEWROUTE, Nl.RTM_DELROUTE -> route(m);
                default -> {
                }
            }
        }
    }

    private void newLink(Message m) {
        int index = m.i32(4);
        if (m.u8(0) == Nl.AF_BRIDGE) {
            // A bridge's word on one of its ports: of what a Link holds, only the hairpin mode may be news.
            String name = names.get(index);
            Attributes port = name == null ? null : m.attributes(IFINFO).nested(IFLA_PROTINFO);
            if (port != null && port.has(Nl.IFLA_BRPORT_MODE)) {
                links.get(name).hairpin(port.u8(Nl.IFLA_BRPORT_MODE, 0) == 1);
            }
            return;
        }
        Heard link = new Heard(index, Attributes.string(m, IFINFO, Nl.IFLA_IFNAME), (m.i32(8) & Nl.IFF_UP) != 0, m);
        String known = names.get(index);
        Heard before = known == null ? null : links.get(known);
        if (before == null ? link.up : before.up && !link.up) {
            routes = null; // gone down: its IPv4 routes went without a word (and up, from a state not known: ask)
        }
        put(link);
    }

    private void put(Link link) {
        put(new Heard(link));
    }

    private void put(Heard link) {
        String old = names.put(link.index, link.name);
        if (old != null && !old.equals(link.name)) {
            links.put(old, ABSENT); // renamed
        }
        links.put(link.name, link);
    }

    private void removeLink(int index) {
        String name = names.remove(index);
        if (name != null) {
            links.put(name, ABSENT);
        }
        if (addresses != null) {
            addresses.remove(index);
        }
        routes = null;
    }

    private void putAddress(Address a) {
        addresses.computeIfAbsent(a.linkIndex(), i -> new LinkedHashMap<>()).put(a.cidr(), a);
    }

    private void route(Message m) {
        if (routes == null) {
            return;
        }
        Route r = Routes.decode(m, Map.of());
        if (r.table() != Nl.RT_TABLE_MAIN) {
            return;
        }
        if (m.type() == Nl.RTM_NEWROUTE) {
            routes.put(RouteKey.of(r), r);
        } else {
            routes.remove(RouteKey.of(r));
        }
    }

    private static final Heard ABSENT = new Heard(0, null, false, null);

    /**
     * A link as last heard of: what a notification (or an answer) said, decoded only when asked
     * for. Most of what is heard is never asked about: a veth's host end after its statement,
     * every change of operational state the kernel announces.
     */
    private static final class Heard {
        final int index;
        final String name;
        final boolean up;
        private Message message;
        private Link link;
        /** A hairpin mode heard of in a bridge's message since (null: none). */
        private Boolean hairpin;

        Heard(int index, String name, boolean up, Message message) {
            this.index = index;
            this.name = name;
            this.up = up;
            this.message = message;
        }

        Heard(Link link) {
            this(link.index(), link.name(), link.up(), null);
            this.link = link;
        }

        Optional<Link> link() {
            if (link == null && message != null) {
                link = Links.decode(message);
                message = null;
            }
            if (link != null && hairpin != null) {
                link = link.withHairpin(hairpin);
                hairpin = null;
            }
            return Optional.ofNullable(link);
        }

        void hairpin(boolean on) {
            this.hairpin = on;
        }
    }

    /**
     * What tells two routes of the main table apart, for keeping them in step. (A route carries
     * no family; a default route without a gateway is told apart by its scope: an IPv6 route's
     * is always global, an IPv4 one through a device is "link".)
     */
    private record RouteKey(Cidr destination, IpAddress gateway, int deviceIndex, int metric, String scope) {
        static RouteKey of(Route r) {
            return new RouteKey(r.destination(), r.gateway(), r.deviceIndex(), r.metric(), r.scope());
        }
    }
}
