package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * The embedded DNS server's table kept up to date statement by statement ({@link
 * DnsNames#changed}) answers exactly what a table made whole from the same world answers:
 * through joins, leaves, removals, a name made again, aliases that collide with another
 * member's name (the member that joined a user network earlier answers, as Docker lists a
 * name's records in the order the endpoints joined), containers on two networks, and a network
 * whose IPv6 prefix changes. A pure model test: no kernel, no server.
 */
class DnsNamesTest {
    private static final List<String> DNS = List.of("192.0.2.53");

    private final Map<String, Network> networks = new LinkedHashMap<>();
    private final Map<String, Container> world = new LinkedHashMap<>();
    /** The served containers in the order they joined a user network. */
    private final Map<String, Container> joined = new LinkedHashMap<>();
    private int addresses;

    DnsNamesTest() {
        for (String n : List.of("a", "b")) {
            networks.put(n, network(n, null));
        }
        networks.put("bridge", new Network("bridge", "docker0", ipam("172.17.0.0/16"), true, false, null));
    }

    private static Network network(String name, Cidr v6) {
        return new Network(name, "br-" + name, ipam("10.9.0.0/16"), true, true, v6);
    }

    private static Ipam ipam(String cidr) {
        Cidr c = Cidr.parse(cidr);
        return new Ipam(c, c, c.address().plus(1));
    }

    private void attach(Container c, String network, List<String> aliases) {
        IpAddress ip = IpAddress.parse("10.9.0.2").plus(addresses++);
        c.attachments.add(new Container.Attachment(networks.get(network), ip, Macs.fromIp(ip), "eth" + c.attachments.size(), "veth" + addresses, aliases));
    }

    @Test
    void keptUpToDateItAnswersAsATableMadeWhole() {
        Random random = new Random(11);
        DnsNames kept = DnsNames.of(world.values(), DNS, List.of());
        for (int step = 0; step < 400; step++) {
            Set<String> changed = new LinkedHashSet<>();
            Set<String> changedNetworks = new LinkedHashSet<>();
            String name = "c" + random.nextInt(12);
            Container c = world.get(name);
            int what = random.nextInt(10);
            if (what == 9) {
                // a network's IPv6 prefix comes or goes: every member's names change
                String n = random.nextBoolean() ? "a" : "b";
                Network now = network(n, networks.get(n).v6() == null ? Cidr.parse("fd00:" + n.charAt(0) + "::/64") : null);
                networks.put(n, now);
                for (Container m : world.values()) {
                    m.attachments.replaceAll(a -> a.network().name().equals(n)
                            ? new Container.Attachment(now, a.ip(), a.mac(), a.ifname(), a.hostVeth(), a.aliases()) : a);
                }
                changedNetworks.add(n);
            } else if (c == null) {
                c = new Container(name, random.nextInt(8) == 0 ? "none" : "bridge", "ns-" + name);
                String first = List.of("a", "b", "bridge").get(random.nextInt(3));
                List<String> aliases = random.nextInt(3) == 0 ? List.of("c" + random.nextInt(12), "svc") : List.of();
                attach(c, first, aliases);
                world.put(name, c);
                changed.add(name);
            } else if (what < 3) {
                world.remove(name);
                changed.add(name);
            } else if (what < 6) {
                String n = random.nextBoolean() ? "a" : "b";
                if (c.on(n) == null) {
                    attach(c, n, random.nextBoolean() ? List.of("svc") : List.of());
                } else {
                    c.attachments.remove(c.on(n));
                }
                changed.add(name);
            } else {
                changed.add(name); // a change the table does not care for (a pid, a published port)
            }
            kept = kept.changed(changed, changedNetworks, world::get, world::values, DNS, List.of());
            // The order of joining a user network: when two members claim one name, the earlier answers.
            joined.keySet().retainAll(world.keySet());
            joined.values().removeIf(m -> !DnsNames.served(m));
            world.values().stream().filter(DnsNames::served).forEach(m -> joined.putIfAbsent(m.name, m));
            assertSameAnswers(DnsNames.of(joined.values(), DNS, List.of()), kept, "after step " + step);
        }
    }

    @Test
    void aRemovedContainerIsNamedNowhereAndItsNamespaceIsNotServed() {
        Container web = new Container("web", "bridge", "ns-web");
        attach(web, "a", List.of("www"));
        Container app = new Container("app", "bridge", "ns-app");
        attach(app, "a", List.of());
        attach(app, "b", List.of());
        world.put("web", web);
        world.put("app", app);
        DnsNames t = DnsNames.of(world.values(), DNS, List.of());
        DnsNames.Asker fromApp = t.asker("ns-app");
        assertEquals(List.of(web.attachments.get(0).ip().toString()), strings(t.addresses(fromApp, "WWW.a")));
        world.remove("web");
        t = t.changed(Set.of("web"), Set.of(), world::get, world::values, DNS, List.of());
        assertNull(t.addresses(t.asker("ns-app"), "web"));
        assertNull(t.addresses(t.asker("ns-app"), "www"));
        assertNull(t.pointer(t.asker("ns-app"), DnsNames.reverse(inet(web.attachments.get(0).ip()))));
        assertNull(t.asker("ns-web"));
        assertEquals(Set.of("ns-app"), t.namespaces());
        assertEquals("app.a", t.pointer(t.asker("ns-app"), DnsNames.reverse(inet(app.attachments.get(0).ip()))));
    }

    private static InetAddress inet(IpAddress ip) {
        try {
            return InetAddress.getByName(ip.toString());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(List<InetAddress> addresses) {
        return addresses == null ? null : addresses.stream().map(InetAddress::getHostAddress).toList();
    }

    /** Every name and reverse name the world could be asked for, from every namespace either table serves. */
    private void assertSameAnswers(DnsNames whole, DnsNames kept, String when) {
        assertEquals(whole.namespaces(), kept.namespaces(), when);
        List<String> asked = new ArrayList<>(List.of("svc", "nobody"));
        for (Container c : world.values()) {
            for (String name : List.of(c.name, c.shortId(), c.name.toUpperCase())) {
                asked.add(name);
                networks.keySet().forEach(n -> asked.add(name + "." + n));
            }
            for (Container.Attachment a : c.attachments) {
                asked.add(DnsNames.reverse(inet(a.ip())));
                if (a.network().v6() != null) {
                    asked.add(DnsNames.reverse(inet(a.network().v6Address(a.mac()))));
                }
            }
        }
        for (String ns : whole.namespaces()) {
            DnsNames.Asker w = whole.asker(ns), k = kept.asker(ns);
            assertEquals(w, k, when + ": " + ns);
            for (String name : asked) {
                assertEquals(strings(whole.addresses(w, name)), strings(kept.addresses(k, name)), when + ": " + ns + " asks " + name);
                assertEquals(whole.pointer(w, name), kept.pointer(k, name), when + ": " + ns + " asks " + name);
            }
        }
    }
}
