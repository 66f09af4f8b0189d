package netgroovy.docker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the embedded DNS server answers, for each container it serves (by namespace): the
 * names of the containers on the networks it shares with them, as Docker scopes them — the
 * container's name, its short ID, its aliases on that network, and each of those followed by
 * the network's name ({@code web.my-net}) — the reverse names of their addresses, and the
 * servers it forwards everything else to. Immutable: the server reads one table while the
 * next statement plans another.
 *
 * <p>A statement changes a few containers, so the next table is this one with those
 * containers' names taken back and put again ({@link #changed}): each network's names are kept
 * once (not per member) in maps whose update copies a small shard ({@link ShardedMap}), so a
 * join costs what the newcomer adds, not what the network holds. Rebuilding every member's
 * names at each statement made a container on a network of 1000 cost about 1 ms more than one
 * on a network of 50.
 */
public final class DnsNames {
    public static final DnsNames NONE = new DnsNames(ShardedMap.empty(), Map.of(), ShardedMap.empty(), 0);

    /**
     * What one container is answered from: the user networks it is on, in order (the first that
     * knows a name answers it, as Docker looks through the endpoints), and where other names go.
     */
    record Asker(List<String> networks, List<String> upstream) {
    }

    /**
     * A member's claim on a name. When two claim one (an alias and another's name), the one
     * that joined a user network first answers, as Docker lists a name's records in the order
     * the endpoints joined; a table made whole (a later run's) takes the world's order.
     */
    private record Claim<V>(long rank, V value) {
    }

    /** The names one network's members are known by there, and the reverse names of their addresses. */
    private record Table(ShardedMap<String, List<Claim<List<InetAddress>>>> names, ShardedMap<String, List<Claim<String>>> pointers) {
        static final Table EMPTY = new Table(ShardedMap.empty(), ShardedMap.empty());

        boolean isEmpty() {
            return names.size() == 0 && pointers.size() == 0;
        }
    }

    /** What a container put in the tables, by network, so that changing or removing it takes exactly that back. */
    private record Member(long rank, String namespace, Map<String, Set<String>> names, Map<String, Set<String>> pointers) {
    }

    /** By namespace. */
    private final ShardedMap<String, Asker> askers;
    /** By network name. Networks are few: a plain map, copied per change. */
    private final Map<String, Table> networks;
    /** By container name. */
    private final ShardedMap<String, Member> members;
    /** The next newcomer's rank: members that came earlier answer first, in the world's order. */
    private final long next;

    private DnsNames(ShardedMap<String, Asker> askers, Map<String, Table> networks, ShardedMap<String, Member> members, long next) {
        this.askers = askers;
        this.networks = networks;
        this.members = members;
        this.next = next;
    }

    /** Whether a container gets the embedded server: in its own namespace and on a user network, as Docker starts it. */
    public static boolean served(Container c) {
        return c.mode.equals("bridge") && c.attachments.stream().anyMatch(a -> a.network().userDefined());
    }

    /**
     * The table for {@code containers}; {@code dns} and {@code search} are the daemon's, which
     * (with the host's resolv.conf) say where each container's unknown names are forwarded.
     */
    public static DnsNames of(Collection<Container> containers, List<String> dns, List<String> search) {
        Editor e = new Editor(NONE, dns, search);
        containers.forEach(e::put);
        return e.done();
    }

    /**
     * This table after a statement that made, altered or removed the containers named
     * {@code changed} and the networks named {@code changedNetworks}: only their members' names
     * are taken back and put again. {@code now} finds a container by name in the world the
     * statement left (null: it is gone). A changed network's members are all put again (its
     * name and IPv6 prefix are in their names), found among {@code all}, which is asked for
     * only then. The daemon's dns and search must be those the table was made with (another
     * daemon's: {@link #of}).
     */
    public DnsNames changed(Set<String> changed, Set<String> changedNetworks, Function<String, Container> now,
                            Supplier<Collection<Container>> all, List<String> dns, List<String> search) {
        Set<String> names = new LinkedHashSet<>(changed);
        for (String n : changedNetworks) {
            members.forEach((name, m) -> {
                if (m.names().containsKey(n)) {
                    names.add(name);
                }
            });
            for (Container c : all.get()) {
                if (c.on(n) != null) {
                    names.add(c.name);
                }
            }
        }
        Editor e = new Editor(this, dns, search);
        names.forEach(e::remove);
        for (String name : names) {
            Container c = now.apply(name);
            if (c != null) {
                e.put(c);
            }
        }
        return e.done();
    }

    /** Makes the next table from one: used by the statement's thread alone, then handed over whole. */
    private static final class Editor {
        private ShardedMap<String, Asker> askers;
        private final Map<String, Table> networks;
        private ShardedMap<String, Member> members;
        private long next;
        private final List<String> dns, search;
        /** Upstream servers by a container's own dns and search: each worked out once per statement. */
        private final Map<List<List<String>>, List<String>> upstreams = new HashMap<>();
        /** The ranks of the members taken back: one put again keeps its place. */
        private final Map<String, Long> ranks = new HashMap<>();

        Editor(DnsNames from, List<String> dns, List<String> search) {
            askers = from.askers;
            networks = new HashMap<>(from.networks);
            members = from.members;
            next = from.next;
            this.dns = dns;
            this.search = search;
        }

        void remove(String container) {
            Member m = members.get(container);
            if (m == null) {
                return;
            }
            ranks.put(container, m.rank());
            askers = askers.with(m.namespace(), null);
            members = members.with(container, null);
            m.names().forEach((network, keys) -> {
                Table t = networks.get(network);
                ShardedMap<String, List<Claim<List<InetAddress>>>> names = t.names();
                for (String key : keys) {
                    names = names.with(key, without(names.get(key), m.rank()));
                }
                ShardedMap<String, List<Claim<String>>> pointers = t.pointers();
                for (String key : m.pointers().get(network)) {
                    pointers = pointers.with(key, without(pointers.get(key), m.rank()));
                }
                Table left = new Table(names, pointers);
                if (left.isEmpty()) {
                    networks.remove(network);
                } else {
                    networks.put(network, left);
                }
            });
        }

        void put(Container c) {
            if (!served(c)) {
                return; // a member of a user network is served: no one else is named there
            }
            Long kept = ranks.get(c.name);
            long rank = kept != null ? kept : next++;
            Map<String, Set<String>> names = new LinkedHashMap<>();
            Map<String, Set<String>> pointers = new LinkedHashMap<>();
            List<String> on = new ArrayList<>();
            for (Container.Attachment a : c.attachments) {
                Network n = a.network();
                if (!n.userDefined() || names.containsKey(n.name())) {
                    continue;
                }
                on.add(n.name());
                List<InetAddress> found = new ArrayList<>();
                found.add(inet(a.ip().toString()));
                if (n.v6() != null) {
                    found.add(inet(n.v6Address(a.mac()).toString()));
                }
                List<InetAddress> addresses = List.copyOf(found);
                Set<String> keys = new LinkedHashSet<>();
                List<String> own = new ArrayList<>(List.of(c.name, c.shortId()));
                own.addAll(a.aliases());
                for (String name : own) {
                    keys.add(name.toLowerCase(Locale.ROOT));
                    keys.add((name + "." + n.name()).toLowerCase(Locale.ROOT));
                }
                Set<String> reverse = new LinkedHashSet<>();
                addresses.forEach(address -> reverse.add(reverse(address)));
                Table t = networks.getOrDefault(n.name(), Table.EMPTY);
                ShardedMap<String, List<Claim<List<InetAddress>>>> tn = t.names();
                for (String key : keys) {
                    tn = tn.with(key, with(tn.get(key), new Claim<>(rank, addresses)));
                }
                ShardedMap<String, List<Claim<String>>> tp = t.pointers();
                for (String key : reverse) {
                    tp = tp.with(key, with(tp.get(key), new Claim<>(rank, c.name + "." + n.name())));
                }
                networks.put(n.name(), new Table(tn, tp));
                names.put(n.name(), keys);
                pointers.put(n.name(), reverse);
            }
            List<List<String>> key = java.util.Arrays.asList(c.dns != null ? c.dns : dns, c.dnsSearch != null ? c.dnsSearch : search);
            List<String> upstream = upstreams.computeIfAbsent(key,
                    k -> List.copyOf(EtcFiles.nameservers(EtcFiles.resolvConf(c, dns, search))));
            askers = askers.with(c.namespace, new Asker(List.copyOf(on), upstream));
            members = members.with(c.name, new Member(rank, c.namespace, names, pointers));
        }

        DnsNames done() {
            return new DnsNames(askers, Map.copyOf(networks), members, next);
        }

        /** The claims with the member's added in rank order (replacing its own earlier one). */
        private static <V> List<Claim<V>> with(List<Claim<V>> claims, Claim<V> claim) {
            if (claims == null) {
                return List.of(claim);
            }
            List<Claim<V>> out = new ArrayList<>(claims.size() + 1);
            for (Claim<V> c : claims) {
                if (c.rank() != claim.rank()) {
                    out.add(c);
                }
            }
            int at = 0;
            while (at < out.size() && out.get(at).rank() < claim.rank()) {
                at++;
            }
            out.add(at, claim);
            return List.copyOf(out);
        }

        /** The claims without the member's; null when none is left. */
        private static <V> List<Claim<V>> without(List<Claim<V>> claims, long rank) {
            if (claims == null) {
                return null;
            }
            List<Claim<V>> out = claims.stream().filter(c -> c.rank() != rank).toList();
            return out.isEmpty() ? null : out;
        }
    }

    /** The namespaces to serve. */
    public Set<String> namespaces() {
        Set<String> out = new java.util.HashSet<>();
        askers.forEach((ns, a) -> out.add(ns));
        return out;
    }

    /** Whether the table serves {@code namespace}. */
    public boolean serves(String namespace) {
        return askers.get(namespace) != null;
    }

    /** The namespace of a container the table names, or null. */
    public String namespaceOf(String container) {
        Member m = members.get(container);
        return m == null ? null : m.namespace();
    }

    Asker asker(String namespace) {
        return askers.get(namespace);
    }

    /** The addresses {@code name} has for the asker (the first of its networks that knows the name answers), or null. */
    List<InetAddress> addresses(Asker asker, String name) {
        return first(asker, name, Table::names);
    }

    /** The name a reverse name points to for the asker, or null. */
    String pointer(Asker asker, String name) {
        return first(asker, name, Table::pointers);
    }

    private <V> V first(Asker asker, String name, Function<Table, ShardedMap<String, List<Claim<V>>>> map) {
        String key = name.toLowerCase(Locale.ROOT);
        for (String n : asker.networks()) {
            Table t = networks.get(n);
            List<Claim<V>> claims = t == null ? null : map.apply(t).get(key);
            if (claims != null) {
                return claims.get(0).value();
            }
        }
        return null;
    }

    /** The name a PTR query asks for: 3.0.18.172.in-addr.arpa, or the nibbles of an IPv6 address under ip6.arpa. */
    static String reverse(InetAddress a) {
        byte[] b = a.getAddress();
        StringBuilder s = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                s.append(b[i] & 0xff).append('.');
            }
            return s.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            s.append(Character.forDigit(b[i] & 0xf, 16)).append('.').append(Character.forDigit(b[i] >> 4 & 0xf, 16)).append('.');
        }
        return s.append("ip6.arpa").toString();
    }

    private static InetAddress inet(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
