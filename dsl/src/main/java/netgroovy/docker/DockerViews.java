package netgroovy.docker;

import groovy.json.JsonOutput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import netgroovy.firewall.PortLines;
import netgroovy.firewall.PortMapping;
import netgroovy.model.World;

/**
 * Docker's CLI views of the world, shaped as Docker 20.10 prints them: {@code docker
 * inspect}, {@code docker network inspect}, {@code docker network ls}, {@code docker ps}.
 * Only the networking parts; the fields keep Docker's names so a learner can compare.
 */
public final class DockerViews {
    private final World world;
    private final Function<String, List<PortMapping>> bindings;

    public DockerViews(World world, Function<String, List<PortMapping>> bindings) {
        this.world = world;
        this.bindings = bindings;
    }

    /**
     * A network's ID. Docker's are random; ours are stable (a re-run finds the same), and a
     * user network's begins with its bridge's 12 hex digits, as Docker names br-&lt;id&gt;.
     */
    public static String networkId(Network n) {
        String hash = sha256("netgroovy network " + n.name());
        String bridgeHex = n.bridge().startsWith("br-") ? n.bridge().substring(3) : "";
        return bridgeHex.matches("[0-9a-f]{12}") ? bridgeHex + hash.substring(12) : hash;
    }

    private String networkId(String predefined) {
        Network n = world.networks.get(predefined);
        return n != null ? networkId(n) : sha256("netgroovy network " + predefined);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code docker inspect}: Id, Name, Config.Hostname/ExposedPorts, HostConfig.NetworkMode, State.Pid, NetworkSettings. */
    public String inspect(Container c) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("Bridge", "");
        settings.put("HairpinMode", false);
        settings.put("Ports", ports(c));
        settings.put("SandboxKey", c.namespace == null ? "" : "/var/run/netns/" + c.namespace);
        // The top-level fields describe the default bridge network, as Docker's do.
        Container.Attachment main = c.on("bridge");
        settings.put("Gateway", main == null ? "" : main.network().ipam().gateway().toString());
        boolean v6 = main != null && main.network().v6() != null;
        settings.put("GlobalIPv6Address", v6 ? main.network().v6Address(main.mac()).toString() : "");
        settings.put("GlobalIPv6PrefixLen", v6 ? main.network().v6().prefix() : 0);
        settings.put("IPAddress", main == null ? "" : main.ip().toString());
        settings.put("IPPrefixLen", main == null ? 0 : main.network().ipam().subnet().prefix());
        settings.put("IPv6Gateway", v6 ? main.network().v6Gateway().toString() : "");
        settings.put("MacAddress", main == null ? "" : main.mac().toString());
        Map<String, Object> networks = new LinkedHashMap<>();
        for (Container.Attachment a : c.attachments) {
            Network n = a.network();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("Links", n.userDefined() || c.links.isEmpty() ? null
                    : c.links.entrySet().stream().map(l -> l.getValue() + ":" + l.getKey()).toList());
            // --network-alias names, then the short ID Docker adds on every user network
            e.put("Aliases", n.userDefined() ? java.util.stream.Stream.concat(a.aliases().stream(), java.util.stream.Stream.of(c.shortId())).toList() : null);
            e.put("NetworkID", networkId(n));
            e.put("Gateway", n.ipam().gateway().toString());
            e.put("IPAddress", a.ip().toString());
            e.put("IPPrefixLen", n.ipam().subnet().prefix());
            e.put("IPv6Gateway", n.v6() != null ? n.v6Gateway().toString() : "");
            e.put("GlobalIPv6Address", n.v6() != null ? n.v6Address(a.mac()).toString() : "");
            e.put("GlobalIPv6PrefixLen", n.v6() != null ? n.v6().prefix() : 0);
            e.put("MacAddress", a.mac().toString());
            e.put("HostVeth", a.hostVeth()); // netgroovy's addition: the host end of its veth
            networks.put(n.name(), e);
        }
        if (c.mode.equals("host") || c.mode.equals("none")) {
            networks.put(c.mode, Map.of("NetworkID", networkId(c.mode)));
        }
        settings.put("Networks", networks);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("Id", c.id);
        all.put("Name", "/" + c.name);
        all.put("State", Map.of("Pid", c.pid));
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("NetworkMode", networkMode(c));
        host.put("Links", c.links.isEmpty() ? null : c.links.entrySet().stream().map(e -> "/" + e.getValue() + ":/" + c.name + "/" + e.getKey()).toList());
        all.put("HostConfig", host);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Hostname", c.hostname);
        Map<String, Object> exposed = new LinkedHashMap<>();
        c.exposed.forEach(p -> exposed.put(p.contains("/") ? p : p + "/tcp", Map.of()));
        config.put("ExposedPorts", exposed.isEmpty() ? null : exposed);
        all.put("Config", config);
        all.put("NetworkSettings", settings);
        return JsonOutput.prettyPrint(JsonOutput.toJson(List.of(all)));
    }

    /** HostConfig.NetworkMode: "default" for the default bridge, as Docker 20.10 says it. */
    public static String networkMode(Container c) {
        return switch (c.mode) {
            case "bridge" -> c.attachments.isEmpty() || c.attachments.get(0).network().name().equals("bridge")
                    ? "default" : c.attachments.get(0).network().name();
            case "container" -> "container:" + c.namespace;
            default -> c.mode;
        };
    }

    /** NetworkSettings.Ports: each exposed or published port, its bindings or null. */
    private Map<String, Object> ports(Container c) {
        Map<String, Object> ports = new LinkedHashMap<>();
        List<PortMapping> bound = c.mode.equals("bridge") ? bindings.apply(c.name) : List.of();
        for (String p : c.exposed) {
            ports.put(p.contains("/") ? p : p + "/tcp", null);
        }
        for (PortMapping m : bound) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) ports.computeIfAbsent(m.containerPort() + "/" + m.protocol(), k -> new ArrayList<>());
            if (list == null) {
                list = new ArrayList<>();
                ports.put(m.containerPort() + "/" + m.protocol(), list);
            }
            list.add(Map.of("HostIp", m.hostAddress(), "HostPort", String.valueOf(m.hostPort())));
        }
        return ports;
    }

    /** {@code docker network inspect}. */
    public String inspectNetwork(Network n) {
        Map<String, Object> members = new LinkedHashMap<>();
        for (Container c : world.containers.values()) {
            Container.Attachment a = c.on(n.name());
            if (a != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("Name", c.name);
                m.put("MacAddress", a.mac().toString());
                m.put("IPv4Address", a.ip() + "/" + n.ipam().subnet().prefix());
                m.put("IPv6Address", n.v6() != null ? n.v6Address(a.mac()) + "/" + n.v6().prefix() : "");
                members.put(c.id, m);
            }
        }
        Map<String, Object> net = new LinkedHashMap<>();
        net.put("Name", n.name());
        net.put("Id", networkId(n));
        net.put("Scope", "local");
        net.put("Driver", "bridge");
        net.put("EnableIPv6", n.v6() != null);
        Map<String, Object> subnet = new LinkedHashMap<>();
        subnet.put("Subnet", n.ipam().subnet().toString());
        subnet.put("Gateway", n.ipam().gateway().toString());
        List<Object> configs = new ArrayList<>(List.of(subnet));
        if (n.v6() != null) {
            configs.add(Map.of("Subnet", n.v6().toString()));
        }
        net.put("IPAM", Map.of("Driver", "default", "Options", Map.of(), "Config", configs));
        net.put("Internal", false);
        net.put("Attachable", false);
        net.put("Containers", members);
        Map<String, Object> options = new LinkedHashMap<>();
        if (!n.userDefined()) { // what Docker lists for its default bridge
            options.put("com.docker.network.bridge.default_bridge", "true");
            options.put("com.docker.network.bridge.enable_icc", String.valueOf(n.icc()));
            options.put("com.docker.network.bridge.enable_ip_masquerade", "true");
            options.put("com.docker.network.bridge.host_binding_ipv4", "0.0.0.0");
            options.put("com.docker.network.bridge.name", n.bridge());
        } else if (!n.icc()) {
            options.put("com.docker.network.bridge.enable_icc", "false");
        }
        net.put("Options", options);
        net.put("Bridge", n.bridge()); // netgroovy's addition: Docker says it only in Options
        return JsonOutput.prettyPrint(JsonOutput.toJson(List.of(net)));
    }

    /** {@code docker network ls}: sorted by name, as the CLI sorts. */
    public String networks() {
        Map<String, String[]> rows = new java.util.TreeMap<>();
        Network bridge = world.networks.get("bridge");
        rows.put("bridge", new String[] {bridge != null ? networkId(bridge) : networkId("bridge"), "bridge"});
        rows.put("host", new String[] {networkId("host"), "host"});
        rows.put("none", new String[] {networkId("none"), "null"});
        for (Network n : world.networks.values()) {
            if (n.userDefined()) {
                rows.put(n.name(), new String[] {networkId(n), "bridge"});
            }
        }
        int w = Math.max(9, rows.keySet().stream().mapToInt(String::length).max().orElse(4) + 4);
        StringBuilder b = new StringBuilder(String.format("%-15s%-" + w + "s%-10s%s%n", "NETWORK ID", "NAME", "DRIVER", "SCOPE"));
        rows.forEach((name, r) -> b.append(String.format("%-15s%-" + w + "s%-10s%s%n", r[0].substring(0, 12), name, r[1], "local")));
        return b.toString();
    }

    /** A container's exposed ports as "6379/tcp", each once (EXPOSE of the container, or the expose word). */
    private List<String> exposed(Container c) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        java.util.stream.Stream.concat(c.exposed.stream(), world.exposed(c.name).stream())
                .forEach(p -> all.add(p.contains("/") ? p : p + "/tcp"));
        return List.copyOf(all);
    }

    /** {@code docker ps}, its networking columns: ID, NAMES, NETWORK, IP, PORTS as "0.0.0.0:8080->80/tcp". */
    public String ps() {
        return ps(world.containers.values());
    }

    /** {@code docker ps} of these containers (one for {@code container 'web'}'s value). */
    public String ps(java.util.Collection<Container> containers) {
        StringBuilder b = new StringBuilder(String.format("%-14s%-13s%-11s%-17s%s%n", "CONTAINER ID", "NAMES", "NETWORK", "IP", "PORTS"));
        for (Container c : containers) {
            String net = c.mode.equals("bridge") && c.network != null ? c.network.name() : c.mode;
            List<PortMapping> bound = c.mode.equals("bridge") ? bindings.apply(c.name) : List.of();
            b.append(String.format("%-14s%-13s%-11s%-17s%s%n", c.shortId(), c.name, net, c.ip == null ? "-" : c.ip,
                    PortLines.psColumn(bound, c.mode.equals("bridge") ? exposed(c) : List.of())).stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
