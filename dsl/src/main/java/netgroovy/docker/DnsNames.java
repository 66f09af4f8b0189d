package netgroovy.docker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the embedded DNS server answers, for each container it serves (by namespace): the
 * names of the containers on the networks it shares with them, as Docker scopes them — the
 * container's name, its short ID, its aliases on that network, and each of those followed by
 * the network's name ({@code web.my-net}) — the reverse names of their addresses, and the
 * servers it forwards everything else to. Immutable: the server reads one table while the
 * next statement plans another.
 */
public final class DnsNames {
    public static final DnsNames NONE = new DnsNames(Map.of());

    /** What one container is answered. */
    record Asker(Map<String, List<InetAddress>> names, Map<String, String> pointers, List<String> upstream) {
    }

    private final Map<String, Asker> askers;

    private DnsNames(Map<String, Asker> askers) {
        this.askers = askers;
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
        // Each network's names are worked out once and shared by its members (the tables are
        // immutable), so a statement costs what the networks hold, not members times members.
        Map<String, Table> networks = new java.util.HashMap<>();
        Map<List<List<String>>, List<String>> upstreams = new java.util.HashMap<>();
        Map<String, Asker> askers = new LinkedHashMap<>();
        for (Container c : containers) {
            if (!served(c)) {
                continue;
            }
            List<Table> shared = new ArrayList<>();
            for (Container.Attachment a : c.attachments) {
                if (a.network().userDefined()) {
                    shared.add(networks.computeIfAbsent(a.network().name(), name -> Table.of(a.network(), containers)));
                }
            }
            Table t = shared.size() == 1 ? shared.get(0) : Table.merged(shared);
            List<List<String>> key = java.util.Arrays.asList(c.dns != null ? c.dns : dns, c.dnsSearch != null ? c.dnsSearch : search);
            List<String> upstream = upstreams.computeIfAbsent(key,
                    k -> List.copyOf(EtcFiles.nameservers(EtcFiles.resolvConf(c, dns, search))));
            askers.put(c.namespace, new Asker(t.names(), t.pointers(), upstream));
        }
        return new DnsNames(Map.copyOf(askers));
    }

    /** The names one network's members are known by there, and the reverse names of their addresses. */
    private record Table(Map<String, List<InetAddress>> names, Map<String, String> pointers) {
        static Table of(Network n, Collection<Container> containers) {
            Map<String, List<InetAddress>> names = new LinkedHashMap<>();
            Map<String, String> pointers = new LinkedHashMap<>();
            for (Container m : containers) {
                Container.Attachment ma = m.on(n.name());
                if (ma == null || !m.mode.equals("bridge")) {
                    continue;
                }
                List<InetAddress> addresses = new ArrayList<>();
                addresses.add(inet(ma.ip().toString()));
                if (n.v6() != null) {
                    addresses.add(inet(n.v6Address(ma.mac()).toString()));
                }
                List<String> own = new ArrayList<>(List.of(m.name, m.shortId()));
                own.addAll(ma.aliases());
                for (String name : own) {
                    names.putIfAbsent(name.toLowerCase(Locale.ROOT), List.copyOf(addresses));
                    names.putIfAbsent((name + "." + n.name()).toLowerCase(Locale.ROOT), List.copyOf(addresses));
                }
                for (InetAddress address : addresses) {
                    pointers.putIfAbsent(reverse(address), m.name + "." + n.name());
                }
            }
            return new Table(Map.copyOf(names), Map.copyOf(pointers));
        }

        /** A container on several networks: the first shared network that knows a name answers it, as Docker looks through the endpoints in order. */
        static Table merged(List<Table> tables) {
            Map<String, List<InetAddress>> names = new LinkedHashMap<>();
            Map<String, String> pointers = new LinkedHashMap<>();
            for (Table t : tables) {
                t.names().forEach(names::putIfAbsent);
                t.pointers().forEach(pointers::putIfAbsent);
            }
            return new Table(Map.copyOf(names), Map.copyOf(pointers));
        }
    }

    /** The namespaces to serve. */
    public Set<String> namespaces() {
        return askers.keySet();
    }

    Asker asker(String namespace) {
        return askers.get(namespace);
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
