package netgroovy.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What one plan has seen of a namespace's links, addresses and routes while it is applied.
 *
 * <p>Each operation of a plan checks the kernel before it acts ("is eth0 up already?"), and a
 * statement that wires one endpoint has a dozen of them, most asking about the same two or
 * three links. Answering each with its own netlink round trip made the DSL three times as
 * chatty as the kernel layer (about 50 requests per endpoint where 16 do). So while a plan
 * is applied ({@link #on}), an answer is kept and given again, and what the plan itself
 * writes through this handle is written into it as well: a link it sets up is known to be
 * up, one it plugs into a bridge to have that master. Whatever a write changes that is not
 * followed exactly (a link made, deleted, renamed or moved; any address or route; the
 * addresses and routes that go with a link changing) is forgotten and asked again.
 *
 * <p>Between plans nothing is kept: the next statement sees what others may have done
 * meanwhile. Within one, only the plan writes to its namespaces.
 */
final class Seen {
    private boolean on;
    private final Map<String, Optional<Link>> links = new HashMap<>();
    /** A whole dump of the links, when one was asked for; kept in step like the single answers. */
    private List<Link> all;
    private List<Address> addresses;
    private List<Route> routes;

    /**
     * The links the plan's operations will ask about here (their names): when one of them is
     * asked for and not known, the others not known yet are asked along in the same datagram.
     */
    private final java.util.Set<String> expected = new java.util.LinkedHashSet<>();

    /** Keeps answers from now on (true), or forgets them all and asks the kernel each time (false). */
    void on(boolean on) {
        this.on = on;
        forgetAll();
        expected.clear();
    }

    /** The plan will ask about these links here (see {@link #expected}). */
    void expect(java.util.Collection<String> names) {
        if (on) {
            expected.addAll(names);
        }
    }

    /** At most this many links are asked along with one. */
    private static final int ALONG_AT_MOST = 15;

    /** The links expected but not known, {@code name} left out: to be asked along with it (the first ones). */
    List<String> alsoExpected(String name) {
        if (!on || all != null || expected.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String n : expected) {
            if (out.size() == ALONG_AT_MOST) {
                break; // (a plan of thousands of links: their answers would overflow the socket)
            }
            if (!n.equals(name) && !links.containsKey(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** What the kernel answered about a link asked along with another. */
    void learn(String name, Optional<Link> link) {
        if (on) {
            links.put(name, link);
        }
    }

    Optional<Link> link(String name, Supplier<Optional<Link>> ask) {
        if (!on) {
            return ask.get();
        }
        Optional<Link> known = links.get(name);
        if (known == null && all != null) {
            known = all.stream().filter(l -> l.name().equals(name)).findFirst();
            links.put(name, known);
        }
        if (known == null) {
            known = ask.get();
            links.put(name, known);
        }
        return known;
    }

    /** What the plan has seen of a link (empty: that there is none), or null when it has not asked (or keeps nothing). */
    Optional<Link> peek(String name) {
        if (!on) {
            return null;
        }
        Optional<Link> known = links.get(name);
        if (known == null && all != null) {
            known = all.stream().filter(l -> l.name().equals(name)).findFirst();
        }
        return known;
    }

    /** A link the plan has seen that has this index, or null (none seen, or nothing kept). */
    Link withIndex(int index) {
        if (!on) {
            return null;
        }
        for (Optional<Link> l : links.values()) {
            if (l.isPresent() && l.get().index() == index) {
                return l.get();
            }
        }
        if (all != null) {
            for (Link l : all) {
                if (l.index() == index) {
                    return l;
                }
            }
        }
        return null;
    }

    List<Link> all(Supplier<List<Link>> ask) {
        if (!on) {
            return ask.get();
        }
        if (all == null) {
            all = new ArrayList<>(ask.get());
            links.clear();
        }
        return List.copyOf(all);
    }

    List<Address> addresses(Supplier<List<Address>> ask) {
        if (!on) {
            return ask.get();
        }
        if (addresses == null) {
            addresses = List.copyOf(ask.get());
        }
        return addresses;
    }

    List<Route> routes(Supplier<List<Route>> ask) {
        if (!on) {
            return ask.get();
        }
        if (routes == null) {
            routes = List.copyOf(ask.get());
        }
        return routes;
    }

    /**
     * A link changed in a way known exactly (its admin state, MAC, MTU, master): kept so.
     * Its addresses and routes may change with it (an IPv6 link-local address when it comes
     * up, routes when it goes down): those are asked again.
     */
    void changed(String name, UnaryOperator<Link> how) {
        if (!on) {
            return;
        }
        Optional<Link> known = links.get(name);
        if (known != null && known.isPresent()) {
            links.put(name, Optional.of(how.apply(known.get())));
        } else {
            links.remove(name);
        }
        if (all != null) {
            all.replaceAll(l -> l.name().equals(name) ? how.apply(l) : l);
        }
        addresses = null;
        routes = null;
    }

    /**
     * {@code link} was made just now, as the kernel said (a namespace's loopback, down; a veth
     * end, as the kernel echoed it): no need to ask. (Not "all of a new namespace's links": a
     * module such as ipip gives every new namespace a fallback device too.)
     */
    void born(Link link) {
        if (on) {
            links.put(link.name(), Optional.of(link));
        }
    }

    /** Links made, deleted, renamed or moved: what was seen of them (and of the whole) is forgotten. */
    void forget(String... names) {
        for (String n : names) {
            links.remove(n);
        }
        all = null;
        addresses = null;
        routes = null;
    }

    /** An address added or removed (which adds or removes routes too). */
    void forgetAddresses() {
        addresses = null;
        routes = null;
    }

    void forgetRoutes() {
        routes = null;
    }

    void forgetAll() {
        links.clear();
        all = null;
        addresses = null;
        routes = null;
    }
}
