package netgroovy.model;

import groovy.json.JsonOutput;
import groovy.json.JsonSlurper;
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
 * The world as JSON and back: what the state store keeps, and how a statement's starting
 * point is kept so that a failed or dry statement leaves the world as it found it. Containers
 * refer to networks by name; everything else is plain values.
 */
public final class WorldCodec {
    static final int VERSION = 1;

    private WorldCodec() {
    }

    public static String encode(World w) {
        return JsonOutput.prettyPrint(JsonOutput.toJson(toMap(w)));
    }

    private static Map<String, Object> toMap(World w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", VERSION);
        List<Object> networks = new ArrayList<>();
        for (Network n : w.networks.values()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", n.name());
            x.put("bridge", n.bridge());
            x.put("subnet", n.ipam().subnet().toString());
            x.put("pool", n.ipam().pool().toString());
            x.put("gateway", n.ipam().gateway().toString());
            x.put("taken", n.ipam().taken().stream().map(IpAddress::toString).toList());
            x.put("icc", n.icc());
            x.put("userDefined", n.userDefined());
            x.put("v6", n.v6() == null ? null : n.v6().toString());
            networks.add(x);
        }
        m.put("networks", networks);
        List<Object> containers = new ArrayList<>();
        for (Container c : w.containers.values()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", c.name);
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
            x.put("dns", c.dns);
            x.put("dnsSearch", c.dnsSearch);
            List<Object> attachments = new ArrayList<>();
            for (Container.Attachment a : c.attachments) {
                attachments.add(Map.of("network", a.network().name(), "ip", a.ip().toString(), "mac", a.mac().toString(),
                        "ifname", a.ifname(), "hostVeth", a.hostVeth(), "aliases", a.aliases()));
            }
            x.put("attachments", attachments);
            containers.add(x);
        }
        m.put("containers", containers);
        m.put("dns", w.dns);
        m.put("dnsSearch", w.dnsSearch);
        m.put("defaultHostIp", str(w.defaultHostIp));
        m.put("iptables", w.iptables);
        m.put("portRange", w.portRange);
        m.put("mtu", w.mtu);
        m.put("userlandProxy", w.userlandProxy);
        m.put("lastPorts", w.lastPorts);
        m.put("resolver", w.resolver);
        m.put("exposed", w.exposed);
        m.put("published", w.published);
        m.put("bridgeCidrs", w.bridgeCidrs);
        m.put("firewalls", w.firewalls);
        m.put("specs", w.specs);
        m.put("namespaces", List.copyOf(w.namespaces));
        if (!w.hosts.isEmpty()) { // lab hosts' daemons, each a world of its own
            Map<String, Object> hosts = new LinkedHashMap<>();
            w.hosts.forEach((name, h) -> hosts.put(name, toMap(h)));
            m.put("hosts", hosts);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    public static World decode(String json) {
        return fromMap((Map<String, Object>) new JsonSlurper().parseText(json));
    }

    @SuppressWarnings("unchecked")
    private static World fromMap(Map<String, Object> m) {
        Object version = m.get("version");
        if (!(version instanceof Number v) || v.intValue() != VERSION) {
            throw new IllegalArgumentException("state of an unknown version " + version + " (this netgroovy reads version " + VERSION + ")");
        }
        World w = new World();
        for (Object o : (List<Object>) m.get("networks")) {
            Map<String, Object> x = (Map<String, Object>) o;
            Ipam ipam = new Ipam(Cidr.parse((String) x.get("subnet")), Cidr.parse((String) x.get("pool")),
                    IpAddress.parse((String) x.get("gateway")));
            ((List<String>) x.get("taken")).forEach(a -> ipam.restore(IpAddress.parse(a)));
            w.networks.put((String) x.get("name"), new Network((String) x.get("name"), (String) x.get("bridge"), ipam,
                    (Boolean) x.get("icc"), (Boolean) x.get("userDefined"), x.get("v6") == null ? null : Cidr.parse((String) x.get("v6"))));
        }
        for (Object o : (List<Object>) m.get("containers")) {
            Map<String, Object> x = (Map<String, Object>) o;
            Container c = new Container((String) x.get("name"), (String) x.get("mode"), (String) x.get("namespace"), (String) x.get("id"));
            c.network = x.get("network") == null ? null : w.networks.get((String) x.get("network"));
            c.ip = x.get("ip") == null ? null : IpAddress.parse((String) x.get("ip"));
            c.mac = x.get("mac") == null ? null : Mac.parse((String) x.get("mac"));
            c.hostVeth = (String) x.get("hostVeth");
            c.hostname = (String) x.get("hostname");
            c.pid = ((Number) x.get("pid")).longValue();
            c.links.putAll((Map<String, String>) x.get("links"));
            c.exposed.addAll((List<String>) x.get("exposed"));
            c.dns = x.get("dns") == null ? null : List.copyOf((List<String>) x.get("dns"));
            c.dnsSearch = x.get("dnsSearch") == null ? null : List.copyOf((List<String>) x.get("dnsSearch"));
            if (x.get("env") != null) {
                c.env.putAll((Map<String, String>) x.get("env"));
            }
            for (Object ao : (List<Object>) x.get("attachments")) {
                Map<String, Object> a = (Map<String, Object>) ao;
                c.attachments.add(new Container.Attachment(w.networks.get((String) a.get("network")), IpAddress.parse((String) a.get("ip")),
                        Mac.parse((String) a.get("mac")), (String) a.get("ifname"), (String) a.get("hostVeth"),
                        a.get("aliases") == null ? List.of() : (List<String>) a.get("aliases")));
            }
            w.containers.put(c.name, c);
        }
        w.dns = List.copyOf((List<String>) m.get("dns"));
        w.dnsSearch = List.copyOf((List<String>) m.get("dnsSearch"));
        w.defaultHostIp = m.get("defaultHostIp") == null ? null : IpAddress.parse((String) m.get("defaultHostIp"));
        w.iptables = (Boolean) m.get("iptables");
        w.portRange = (String) m.get("portRange");
        w.mtu = m.get("mtu") == null ? 0 : ((Number) m.get("mtu")).intValue();
        w.userlandProxy = Boolean.TRUE.equals(m.get("userlandProxy"));
        if (m.get("lastPorts") != null) {
            ((Map<String, Number>) m.get("lastPorts")).forEach((k, port) -> w.lastPorts.put(k, port.intValue()));
        }
        w.resolver = m.get("resolver") == null ? World.HOSTS : (String) m.get("resolver");
        ((Map<String, List<String>>) m.get("exposed")).forEach((k, ports) -> w.exposed.put(k, new ArrayList<>(ports)));
        if (m.get("published") != null) {
            ((Map<String, List<String>>) m.get("published")).forEach((k, ports) -> w.published.put(k, new ArrayList<>(ports)));
        }
        w.bridgeCidrs.putAll((Map<String, String>) m.get("bridgeCidrs"));
        w.firewalls.putAll((Map<String, Boolean>) m.get("firewalls"));
        w.specs.putAll((Map<String, String>) m.get("specs"));
        w.namespaces.addAll((List<String>) m.get("namespaces"));
        if (m.get("hosts") != null) {
            ((Map<String, Map<String, Object>>) m.get("hosts")).forEach((name, h) -> w.hosts.put(name, fromMap(h)));
        }
        return w;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
