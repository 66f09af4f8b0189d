package netgroovy.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.docker.Container;
import netgroovy.docker.Ipam;
import netgroovy.docker.Network;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * The world as records and back. A record is one thing the world holds, under a key that
 * names it — "daemon" (dockerd's options), "network NAME", "container NAME", "exposed NAME",
 * "published NAME", "bridgeCidr BRIDGE", "firewall BRIDGE", "spec KEY", "namespace NAME",
 * "host NAME" (a lab host's daemon: its own world's records, nested) —
 * and its value is plain data (maps, lists, strings, numbers, booleans) that JSON carries as
 * it is. The state store keeps records, and a statement's change is the records it changed.
 *
 * <p>A network's taken addresses are not recorded: they are the addresses of its containers'
 * attachments, and are given back to its address management when the containers are read.
 */
public final class WorldCodec {
    static final String DAEMON = "daemon", NETWORK = "network", CONTAINER = "container", EXPOSED = "exposed",
            PUBLISHED = "published", BRIDGE_CIDR = "bridgeCidr", FIREWALL = "firewall", SPEC = "spec", NAMESPACE = "namespace",
            HOST = "host";

    private WorldCodec() {
    }

    /** Every record of the world, networks first (containers name them). */
    public static Map<String, Object> records(World w) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(DAEMON, daemon(w));
        for (String kind : List.of(NETWORK, CONTAINER, EXPOSED, PUBLISHED, BRIDGE_CIDR, FIREWALL, SPEC)) {
            for (String name : map(w, kind).keys()) {
                out.put(kind + " " + name, record(w, kind, name));
            }
        }
        for (String ns : w.namespaces) {
            out.put(NAMESPACE + " " + ns, true);
        }
        w.hosts.forEach((name, h) -> out.put(HOST + " " + name, records(h)));
        return out;
    }

    /** The record under {@code key} as the world has it now, or null when it has none. */
    static Object record(World w, String key) {
        if (key.equals(DAEMON)) {
            return daemon(w);
        }
        int space = key.indexOf(' ');
        String kind = key.substring(0, space);
        String name = key.substring(space + 1);
        if (kind.equals(NAMESPACE)) {
            return w.namespaces.contains(name) ? Boolean.TRUE : null;
        }
        if (kind.equals(HOST)) {
            World h = w.hosts.get(name);
            return h == null ? null : records(h);
        }
        return record(w, kind, name);
    }

    private static Object record(World w, String kind, String name) {
        Object v = map(w, kind).peek(name);
        if (v == null) {
            return null;
        }
        return switch (kind) {
            case NETWORK -> network((Network) v);
            case CONTAINER -> container((Container) v);
            case EXPOSED, PUBLISHED -> List.copyOf(strings(v));
            default -> v; // strings and booleans
        };
    }

    /** The live value a record is made from (a container, a list ...), or null. */
    static Object value(World w, String key) {
        String kind = kind(key);
        if (kind.equals(DAEMON) || kind.equals(NAMESPACE) || kind.equals(HOST)) {
            return record(w, key);
        }
        return map(w, kind).peek(key.substring(key.indexOf(' ') + 1));
    }

    /** The kind of a record's key ("container" of "container web"). */
    static String kind(String key) {
        int space = key.indexOf(' ');
        return space < 0 ? key : key.substring(0, space);
    }

    /** Whether a record is a list that changes by growing (so a change can say only what was added). */
    static boolean isList(String key) {
        String kind = kind(key);
        return kind.equals(EXPOSED) || kind.equals(PUBLISHED);
    }

    static Tracked.Map<?> map(World w, String kind) {
        return (Tracked.Map<?>) switch (kind) {
            case NETWORK -> w.networks;
            case CONTAINER -> w.containers;
            case EXPOSED -> w.exposed;
            case PUBLISHED -> w.published;
            case BRIDGE_CIDR -> w.bridgeCidrs;
            case FIREWALL -> w.firewalls;
            case SPEC -> w.specs;
            default -> throw new IllegalArgumentException("no records of kind " + kind);
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return (List<String>) o;
    }

    /**
     * dockerd's options as the daemon record names them, in the order {@link #daemonOptions}
     * gives their values: the one list both the record and its print are made from, so that an
     * option added here is both stored and noticed when it changes.
     */
    private static final String[] DAEMON_OPTIONS = {"dns", "dnsSearch", "defaultHostIp", "iptables", "portRange", "mtu",
            "userlandProxy", "lastPorts", "resolver"};

    /** The daemon's options as the world holds them (not copies), in {@link #DAEMON_OPTIONS}' order. */
    private static Object[] daemonOptions(World w) {
        return new Object[] {w.dns, w.dnsSearch, w.defaultHostIp, w.iptables, w.portRange, w.mtu, w.userlandProxy,
                w.lastPorts, w.resolver};
    }

    /** A hash of what {@link #daemon} records, from the same values (cheaper than the record, which is a map of copies). */
    static int daemonPrint(World w) {
        return java.util.Arrays.hashCode(daemonOptions(w));
    }

    private static Map<String, Object> daemon(World w) {
        Object[] values = daemonOptions(w);
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < DAEMON_OPTIONS.length; i++) {
            m.put(DAEMON_OPTIONS[i], copy(values[i]));
        }
        return m;
    }

    /** A value as a record holds it: lists and maps copied (the world's change after), addresses as text. */
    private static Object copy(Object value) {
        if (value instanceof List<?> l) {
            return List.copyOf(l);
        }
        if (value instanceof Map<?, ?> m) {
            return new LinkedHashMap<>(m);
        }
        return value instanceof IpAddress ? value.toString() : value;
    }

    private static Map<String, Object> network(Network n) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("bridge", n.bridge());
        x.put("subnet", n.ipam().subnet().toString());
        x.put("pool", n.ipam().pool().toString());
        x.put("gateway", n.ipam().gateway().toString());
        x.put("icc", n.icc());
        x.put("userDefined", n.userDefined());
        x.put("v6", n.v6() == null ? null : n.v6().toString());
        return x;
    }

    private static Map<String, Object> container(Container c) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("id", c.id);
        x.put("mode", c.mode);
        x.put("namespace", c.namespace);
        x.put("network", c.network == null ? null : c.network.name());
        x.put("ip", str(c.ip));
        x.put("mac", str(c.mac));
        x.put("hostVeth", c.hostVeth);
        x.put("hostname", c.hostname);
        x.put("pid", c.pid);
        x.put("links", new LinkedHashMap<>(c.links));
        x.put("exposed", List.copyOf(c.exposed));
        x.put("env", new LinkedHashMap<>(c.env));
        x.put("dns", c.dns == null ? null : List.copyOf(c.dns));
        x.put("dnsSearch", c.dnsSearch == null ? null : List.copyOf(c.dnsSearch));
        List<Object> attachments = new ArrayList<>();
        for (Container.Attachment a : c.attachments) {
            Map<String, Object> y = new LinkedHashMap<>();
            y.put("network", a.network().name());
            y.put("ip", a.ip().toString());
            y.put("mac", a.mac().toString());
            y.put("ifname", a.ifname());
            y.put("hostVeth", a.hostVeth());
            y.put("aliases", a.aliases());
            attachments.add(y);
        }
        x.put("attachments", attachments);
        return x;
    }

    /** The world the records describe (values as read back from JSON, or as {@link #records} made them). */
    @SuppressWarnings("unchecked")
    public static World world(Map<String, Object> records) {
        World w = new World();
        Object d = records.get(DAEMON);
        if (d != null) {
            daemon(w, (Map<String, Object>) d);
        }
        records.forEach((key, value) -> {
            if (kind(key).equals(NETWORK)) {
                String name = key.substring(key.indexOf(' ') + 1);
                w.networks.put(name, network(name, (Map<String, Object>) value));
            }
        });
        records.forEach((key, value) -> {
            String kind = kind(key);
            String name = key.substring(key.indexOf(' ') + 1);
            switch (kind) {
                case CONTAINER -> {
                    Container c = container(name, (Map<String, Object>) value, w.networks);
                    c.attachments.forEach(a -> a.network().ipam().restore(a.ip()));
                    w.containers.put(name, c);
                }
                case EXPOSED -> w.exposed.put(name, new ArrayList<>(strings(value)));
                case PUBLISHED -> w.published.put(name, new ArrayList<>(strings(value)));
                case BRIDGE_CIDR -> w.bridgeCidrs.put(name, (String) value);
                case FIREWALL -> w.firewalls.put(name, (Boolean) value);
                case SPEC -> w.specs.put(name, (String) value);
                case NAMESPACE -> w.namespaces.add(name);
                case HOST -> w.hosts.put(name, world((Map<String, Object>) value));
                default -> {
                    // the daemon and networks: read above
                }
            }
        });
        return w;
    }

    @SuppressWarnings("unchecked")
    private static void daemon(World w, Map<String, Object> m) {
        w.dns = List.copyOf((List<String>) m.get("dns"));
        w.dnsSearch = List.copyOf((List<String>) m.get("dnsSearch"));
        w.defaultHostIp = m.get("defaultHostIp") == null ? null : IpAddress.parse((String) m.get("defaultHostIp"));
        w.iptables = (Boolean) m.get("iptables");
        w.portRange = (String) m.get("portRange");
        w.mtu = ((Number) m.get("mtu")).intValue();
        w.userlandProxy = Boolean.TRUE.equals(m.get("userlandProxy"));
        ((Map<String, Number>) m.get("lastPorts")).forEach((k, port) -> w.lastPorts.put(k, port.intValue()));
        w.resolver = (String) m.get("resolver");
    }

    private static Network network(String name, Map<String, Object> x) {
        Ipam ipam = new Ipam(Cidr.parse((String) x.get("subnet")), Cidr.parse((String) x.get("pool")),
                IpAddress.parse((String) x.get("gateway")));
        return new Network(name, (String) x.get("bridge"), ipam, (Boolean) x.get("icc"), (Boolean) x.get("userDefined"),
                x.get("v6") == null ? null : Cidr.parse((String) x.get("v6")));
    }

    @SuppressWarnings("unchecked")
    private static Container container(String name, Map<String, Object> x, Map<String, Network> networks) {
        Container c = new Container(name, (String) x.get("mode"), (String) x.get("namespace"), (String) x.get("id"));
        c.network = x.get("network") == null ? null : networks.get((String) x.get("network"));
        c.ip = x.get("ip") == null ? null : IpAddress.parse((String) x.get("ip"));
        c.mac = x.get("mac") == null ? null : Mac.parse((String) x.get("mac"));
        c.hostVeth = (String) x.get("hostVeth");
        c.hostname = (String) x.get("hostname");
        c.pid = ((Number) x.get("pid")).longValue();
        c.links.putAll((Map<String, String>) x.get("links"));
        c.exposed.addAll((List<String>) x.get("exposed"));
        c.env.putAll((Map<String, String>) x.get("env"));
        c.dns = x.get("dns") == null ? null : List.copyOf((List<String>) x.get("dns"));
        c.dnsSearch = x.get("dnsSearch") == null ? null : List.copyOf((List<String>) x.get("dnsSearch"));
        for (Object ao : (List<Object>) x.get("attachments")) {
            Map<String, Object> a = (Map<String, Object>) ao;
            c.attachments.add(new Container.Attachment(networks.get((String) a.get("network")), IpAddress.parse((String) a.get("ip")),
                    Mac.parse((String) a.get("mac")), (String) a.get("ifname"), (String) a.get("hostVeth"),
                    (List<String>) a.get("aliases")));
        }
        return c;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
