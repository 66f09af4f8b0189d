package netgroovy.dsl;

import groovy.json.JsonOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.docker.Container;
import netgroovy.docker.DockerState;
import netgroovy.docker.EtcFiles;
import netgroovy.docker.Ipam;
import netgroovy.docker.Macs;
import netgroovy.docker.Network;
import netgroovy.docker.WriteEtcFiles;
import netgroovy.plan.AddressOps;
import netgroovy.plan.LinkOps;
import netgroovy.plan.NamespaceOps;
import netgroovy.plan.RouteOps;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * Docker's words: {@code dockerd} (the daemon's bridge and options) and {@code container}
 * (Docker's five steps, addresses, MAC, the /etc files, links, modes), {@code inspect}, {@code ps}.
 */
final class DockerWords {
    private final Session session;
    private final NetgroovyScript script;

    DockerWords(Session session, NetgroovyScript script) {
        this.session = session;
        this.script = script;
    }

    private DockerState state() {
        return session.docker();
    }

    /** The daemon: docker0 (or -b BRIDGE) with bip, fixedCidr, mtu, icc, ipForward, iptables, dns. */
    void dockerd(Map<String, Object> o) {
        known("dockerd", o, "bridge", "bip", "fixedCidr", "mtu", "icc", "ipForward", "iptables", "ip", "dns", "dnsSearch");
        if (state().networks.containsKey("bridge")) {
            throw new InvalidValueException("dockerd has already run in this session (the bridge network exists)");
        }
        boolean iptables = !Boolean.FALSE.equals(o.get("iptables"));
        boolean icc = !Boolean.FALSE.equals(o.get("icc"));
        String bridge = o.containsKey("bridge") ? o.get("bridge").toString() : "docker0";
        Cidr bip = Cidr.parse(String.valueOf(o.getOrDefault("bip", "172.17.0.1/16")));
        Cidr pool = o.containsKey("fixedCidr") ? Cidr.parse(o.get("fixedCidr").toString()) : null;
        Ipam ipam = new Ipam(bip, pool, bip.address());
        if (!o.containsKey("bridge")) {
            BridgeSpec b = script.bridge(bridge).cidr(bip.toString());
            if (o.containsKey("mtu")) {
                b.mtu(((Number) o.get("mtu")).intValue());
            }
        }
        if (!iptables) {
            session.setIptables(false);
        }
        if (iptables) {
            script.firewall(Map.of("icc", icc), bridge);
        }
        if (o.containsKey("ipForward")) {
            script.ipForward(Boolean.TRUE.equals(o.get("ipForward")));
        }
        session.dockerDefaults(strings(o.get("dns")), strings(o.get("dnsSearch")));
        state().networks.put("bridge", new Network("bridge", bridge, ipam, icc));
    }

    /** A container, as {@code docker run} wires one. */
    Container container(Map<String, Object> o, String name) {
        known("container", o, "net", "ip", "mac", "hostname", "dns", "dnsSearch", "link", "publish", "publishAll", "expose", "cmd");
        if (state().containers.containsKey(name)) {
            throw new InvalidValueException("container " + name + " exists already in this session");
        }
        String net = String.valueOf(o.getOrDefault("net", "bridge"));
        Container c;
        if (net.equals("host")) {
            c = new Container(name, "host", null);
        } else if (net.startsWith("container:")) {
            Container other = require(net.substring("container:".length()));
            c = new Container(name, "container", other.namespace);
            c.ip = other.ip;
            c.mac = other.mac;
            c.network = other.network;
        } else {
            c = new Container(name, net.equals("none") ? "none" : "bridge", name);
            script.netns(name);
        }
        c.hostname = String.valueOf(o.getOrDefault("hostname", name));
        if (c.mode.equals("bridge")) {
            if (!state().networks.containsKey(net)) {
                if (!net.equals("bridge")) {
                    throw new InvalidValueException("no network '" + net + "' (networks: " + String.join(", ", networkNames()) + ")");
                }
                dockerd(Map.of());
            }
            wire(c, state().networks.get(net), o);
        }
        for (String l : strings(o.get("link"))) {
            String[] parts = l.split(":", 2);
            Container target = require(parts[0]);
            c.links.put(parts.length > 1 ? parts[1] : parts[0], target.name);
        }
        for (String p : strings(o.get("expose"))) {
            c.exposed.add(p);
            script.expose(name, p);
        }
        if (!c.mode.equals("host") && !c.mode.equals("container")) {
            session.add(new WriteEtcFiles(name, hosts(c), c.hostname,
                    EtcFiles.resolvConf(listOr(o.get("dns"), session.dockerDns()), listOr(o.get("dnsSearch"), session.dockerDnsSearch()))));
        }
        state().containers.put(name, c);
        if (c.network != null && !c.network.icc()) {
            for (String target : c.links.values()) {
                script.allowLink(name, target);
            }
        }
        List<String> publish = strings(o.get("publish"));
        if (!publish.isEmpty()) {
            script.publish(name, publish.toArray(String[]::new));
        }
        if (Boolean.TRUE.equals(o.get("publishAll"))) {
            script.publishAll(name);
        }
        if (o.containsKey("cmd")) {
            session.flush();
            if (session.live()) {
                c.pid = script.startIn(c, o.get("cmd").toString());
            }
        }
        return c;
    }

    /** Docker's five steps: veth pair, host end on the bridge, eth0 inside with MAC and address, default route. */
    private void wire(Container c, Network n, Map<String, Object> o) {
        Ipam ipam = n.ipam();
        c.network = n;
        c.ip = o.containsKey("ip") ? ipam.allocate(IpAddress.parse(o.get("ip").toString())) : ipam.allocate();
        c.mac = o.containsKey("mac") ? Mac.parse(o.get("mac").toString()) : Macs.fromIp(c.ip);
        c.hostVeth = "veth" + Integer.toHexString((c.name + "@" + n.name()).hashCode() & 0xfffffff);
        Where in = Where.named(c.name);
        IfName eth0 = IfName.of("eth0");
        IfName host = IfName.of(c.hostVeth);
        session.add(new LinkOps.CreateVeth(Where.HOST, host, eth0, in));
        session.add(new LinkOps.SetMaster(Where.HOST, host, IfName.of(n.bridge())));
        session.add(new LinkOps.SetUp(Where.HOST, host, true));
        session.add(new LinkOps.SetMac(in, eth0, c.mac));
        session.add(new AddressOps.Add(in, eth0, new Cidr(c.ip, ipam.subnet().prefix()), false));
        session.add(new LinkOps.SetUp(in, eth0, true));
        session.add(new RouteOps.Add(in, null, ipam.gateway(), null));
    }

    /** /etc/hosts: the container itself, then its links (alias first, then the linked container's name). */
    private String hosts(Container c) {
        Map<String, String> others = new LinkedHashMap<>();
        c.links.forEach((alias, target) -> {
            Container t = state().containers.get(target);
            if (t.ip != null) {
                others.put(alias.equals(target) ? target : alias + " " + target, t.ip.toString());
            }
        });
        return EtcFiles.hosts(c.ip == null ? null : c.ip.toString(), c.hostname, c.name, others);
    }

    /** The environment a process in {@code c} gets from its links (seed 000's DB_PORT_6379_TCP...). */
    Map<String, String> linkEnvironment(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        c.links.forEach((alias, target) -> {
            Container t = state().containers.get(target);
            String prefix = alias.toUpperCase().replaceAll("[^A-Z0-9]", "_");
            env.put(prefix + "_NAME", "/" + c.name + "/" + alias);
            boolean first = true;
            for (String port : t.exposed) {
                String[] pp = (port.contains("/") ? port : port + "/tcp").split("/");
                String url = pp[1] + "://" + t.ip + ":" + pp[0];
                if (first) {
                    env.put(prefix + "_PORT", url);
                    first = false;
                }
                String key = prefix + "_PORT_" + pp[0] + "_" + pp[1].toUpperCase();
                env.put(key, url);
                env.put(key + "_ADDR", String.valueOf(t.ip));
                env.put(key + "_PORT", pp[0]);
                env.put(key + "_PROTO", pp[1]);
            }
        });
        return env;
    }

    /** {@code inspect 'web'}: like docker inspect's NetworkSettings, as JSON. */
    String inspect(String name) {
        Container c = require(name);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("Name", "/" + c.name);
        settings.put("NetworkMode", c.mode.equals("bridge") ? c.network.name() : c.mode);
        settings.put("IPAddress", c.ip == null ? "" : c.ip.toString());
        settings.put("IPPrefixLen", c.network == null ? 0 : c.network.ipam().subnet().prefix());
        settings.put("Gateway", c.network == null ? "" : c.network.ipam().gateway().toString());
        settings.put("MacAddress", c.mac == null ? "" : c.mac.toString());
        settings.put("Bridge", c.network == null ? "" : c.network.bridge());
        settings.put("HostVeth", c.hostVeth == null ? "" : c.hostVeth);
        settings.put("Ports", script.port(name));
        settings.put("Links", c.links.entrySet().stream().map(e -> "/" + e.getValue() + ":/" + c.name + "/" + e.getKey()).toList());
        settings.put("Pid", c.pid);
        return JsonOutput.prettyPrint(JsonOutput.toJson(Map.of("NetworkSettings", settings)));
    }

    /** {@code ps}: one line per container. */
    String ps() {
        StringBuilder b = new StringBuilder(String.format("%-12s %-10s %-16s %-19s %s%n", "NAME", "NETWORK", "IP", "MAC", "PORTS"));
        for (Container c : state().containers.values()) {
            b.append(String.format("%-12s %-10s %-16s %-19s %s%n", c.name,
                    c.mode.equals("bridge") ? c.network.name() : c.mode, c.ip == null ? "-" : c.ip,
                    c.mac == null ? "-" : c.mac, String.join(", ", script.port(c.name))));
        }
        return b.toString();
    }

    /** Removes a container: its published ports, link rules, namespace, files and address. */
    void rm(String name) {
        Container c = require(name);
        if (c.mode.equals("bridge") || c.mode.equals("none")) {
            script.delete(new NsRef(script, Where.named(name)));
            session.add(new RemoveFiles(name));
        }
        if (c.network != null && c.ip != null && c.mode.equals("bridge")) {
            c.network.ipam().release(c.ip);
        }
        state().containers.remove(name);
    }

    Container require(String name) {
        Container c = state().containers.get(name);
        if (c == null) {
            throw new InvalidValueException("no container '" + name + "' (containers: " + String.join(", ", state().containers.keySet()) + ")");
        }
        return c;
    }

    private List<String> networkNames() {
        List<String> names = new ArrayList<>(List.of("bridge", "host", "none"));
        state().networks.keySet().stream().filter(n -> !n.equals("bridge")).forEach(names::add);
        return names;
    }

    private static List<String> strings(Object o) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(o));
    }

    private static List<String> listOr(Object given, List<String> otherwise) {
        return given == null ? otherwise : strings(given);
    }

    private static void known(String word, Map<String, Object> o, String... names) {
        for (String k : o.keySet()) {
            if (!List.of(names).contains(k)) {
                throw new InvalidValueException(word + " has no option '" + k + "' (it knows: " + String.join(", ", names) + ")");
            }
        }
    }

    /** Removes the /etc/netns files of a container that goes. */
    private static final class RemoveFiles implements netgroovy.plan.Op {
        private final String name;

        RemoveFiles(String name) {
            this.name = name;
        }

        public String command() {
            return "rm -rf /etc/netns/" + name;
        }

        public void apply(netgroovy.plan.Kernel k) {
            EtcFiles.remove(name);
        }

        public void undo(netgroovy.plan.Kernel k) {
        }

        public String subject() {
            return "the /etc files of " + name;
        }
    }
}
