package netgroovy.cni;

import groovy.json.JsonOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a runtime needs to use a netgroovy network: the CNI network configuration list
 * (for /etc/cni/net.d, podman's --cni-config-dir, containerd, CRI-O) and, for Kubernetes with
 * Multus, a NetworkAttachmentDefinition carrying the same list.
 */
public final class CniConfigFiles {
    public static final String PLUGIN = "netgroovy-cni";

    private CniConfigFiles() {
    }

    /** What {@code netgroovy cni-config} is asked for. */
    public record Network(String name, String bridge, String subnet, String gateway, String recipe, String ipam,
                          boolean ipMasq, boolean portmap, String dataDir, String subnet6) {
        public Network(String name, String bridge, String subnet, String gateway, String recipe, String ipam,
                       boolean ipMasq, boolean portmap, String dataDir) {
            this(name, bridge, subnet, gateway, recipe, ipam, ipMasq, portmap, dataDir, null);
        }
    }

    /** The network configuration list, as a map ready for JSON. */
    public static Map<String, Object> conflist(Network n) {
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("type", PLUGIN);
        plugin.put("recipe", n.recipe());
        plugin.put("bridge", n.bridge());
        plugin.put("isGateway", true);
        plugin.put("ipMasq", n.ipMasq());
        if (n.ipam() == null || n.ipam().equals("netgroovy")) {
            plugin.put("subnet", n.subnet());
            if (n.gateway() != null) {
                plugin.put("gateway", n.gateway());
            }
            if (n.subnet6() != null) {
                plugin.put("subnet6", n.subnet6());
            }
        } else {
            Map<String, Object> range = new LinkedHashMap<>();
            range.put("subnet", n.subnet());
            if (n.gateway() != null) {
                range.put("gateway", n.gateway());
            }
            Map<String, Object> ipam = new LinkedHashMap<>();
            ipam.put("type", n.ipam());
            ipam.put("ranges", List.of(List.of(range)));
            ipam.put("routes", List.of(Map.of("dst", "0.0.0.0/0")));
            plugin.put("ipam", ipam);
        }
        if (n.dataDir() != null) {
            plugin.put("dataDir", n.dataDir());
        }
        // So runtimes pass a container's --ip and --mac-address in runtimeConfig.
        plugin.put("capabilities", Map.of("ips", true, "mac", true));
        List<Object> plugins = new ArrayList<>();
        plugins.add(plugin);
        if (n.portmap()) {
            plugins.add(new LinkedHashMap<>(Map.of("type", "portmap", "capabilities", Map.of("portMappings", true))));
        }
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("cniVersion", "1.0.0");
        list.put("name", n.name());
        list.put("plugins", plugins);
        return list;
    }

    public static String conflistJson(Network n) {
        return JsonOutput.prettyPrint(JsonOutput.toJson(conflist(n))) + "\n";
    }

    /** Multus' NetworkAttachmentDefinition: the conflist as the string spec.config. */
    public static String networkAttachmentDefinition(Network n) {
        String config = JsonOutput.toJson(conflist(n));
        return "apiVersion: k8s.cni.cncf.io/v1\n"
                + "kind: NetworkAttachmentDefinition\n"
                + "metadata:\n"
                + "  name: " + n.name() + "\n"
                + "spec:\n"
                + "  config: '" + config.replace("'", "''") + "'\n";
    }
}
