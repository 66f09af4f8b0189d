package netgroovy.cni;

import groovy.json.JsonException;
import groovy.json.JsonSlurper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * The plugin configuration a runtime hands us on stdin: the spec's keys ({@code cniVersion},
 * {@code name}, {@code type}, {@code ipam}, {@code dns}, {@code prevResult}) and ours:
 * <pre>
 *   "recipe": "attach"          a stdlib recipe, or a path to a .netgroovy file (default attach)
 *   "bridge": "ng0"             the bridge the recipe attaches containers to
 *   "subnet": "10.88.0.0/16"    with no "ipam" type: netgroovy's own IPAM hands out addresses from it
 *   "gateway": "10.88.0.1"      default: the subnet's first address
 *   "subnet6": "fd00:88::/64"   dual stack: an IPv6 address from it too (own IPAM)
 *   "gateway6": "fd00:88::1"    default: subnet6's first address
 *   "rangeStart"/"rangeEnd"     optional limits for the own IPAM
 *   "isGateway": true           the bridge gets the gateway address (and ip_forward is turned on)
 *   "ipMasq": false             MASQUERADE for traffic from the subnet leaving through other links
 *   "recipeOptions": {"mac":..} extra named options for the recipe
 *   "dataDir": "/var/lib/netgroovy/cni"  where attachments and addresses are kept
 * </pre>
 * and the runtime's per-container wishes in {@code runtimeConfig} (the conventions' {@code ips}
 * and {@code mac} capabilities: what {@code podman run --ip/--mac-address} and Multus' {@code
 * ips}/{@code mac} annotations send).
 */
public final class NetConf {
    public static final List<String> SUPPORTED_VERSIONS = List.of("1.0.0", "1.1.0");
    public static final String DEFAULT_DATA_DIR = "/var/lib/netgroovy/cni";

    public final Map<String, Object> raw;
    public final String cniVersion;
    public final String name;
    public final String recipe;
    public final String bridge;
    public final Cidr subnet;
    public final IpAddress gateway;
    public final Cidr subnet6;
    public final IpAddress gateway6;
    public final IpAddress rangeStart;
    public final IpAddress rangeEnd;
    public final boolean isGateway;
    public final boolean ipMasq;
    public final Map<String, Object> ipam;
    public final Map<String, Object> dns;
    public final Map<String, Object> prevResult;
    public final Map<String, Object> recipeOptions;
    public final Path dataDir;
    /** runtimeConfig.ips: the addresses this container asks for (own IPAM), at most one per IP version. */
    public final List<IpAddress> wantedIps;
    /** runtimeConfig.mac: the MAC its interface should have. */
    public final Mac wantedMac;

    private NetConf(Map<String, Object> raw) {
        this.raw = raw;
        cniVersion = text("cniVersion", null);
        name = text("name", null);
        if (cniVersion == null || cniVersion.isEmpty()) {
            throw invalid("cniVersion is missing");
        }
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*")) {
            throw invalid("name is missing or not a valid network name: " + name);
        }
        recipe = text("recipe", "attach");
        String defaultBridge = ("ng-" + name).replaceAll("[^A-Za-z0-9_.-]", "");
        bridge = text("bridge", defaultBridge.substring(0, Math.min(15, defaultBridge.length())));
        try {
            IfName.of(bridge);
        } catch (InvalidValueException e) {
            throw invalid("bridge: " + e.getMessage());
        }
        ipam = map("ipam");
        dns = map("dns");
        prevResult = raw.get("prevResult") instanceof Map<?, ?> m ? cast(m) : null;
        recipeOptions = map("recipeOptions");
        dataDir = Path.of(text("dataDir", DEFAULT_DATA_DIR));
        Map<String, Object> runtime = map("runtimeConfig");
        wantedIps = runtime == null ? List.of() : wantedIps(runtime.get("ips"));
        wantedMac = runtime == null || runtime.get("mac") == null ? null : mac(runtime.get("mac"));
        isGateway = flag("isGateway", true);
        ipMasq = flag("ipMasq", false);
        try {
            String s = text("subnet", null);
            subnet = s == null ? null : Cidr.parse(s).network();
            String g = text("gateway", null);
            gateway = g != null ? IpAddress.parse(g) : subnet != null ? subnet.address().plus(1) : null;
            String s6 = text("subnet6", null);
            subnet6 = s6 == null ? null : Cidr.parse(s6).network();
            String g6 = text("gateway6", null);
            gateway6 = g6 != null ? IpAddress.parse(g6) : subnet6 != null ? subnet6.address().plus(1) : null;
            String rs = text("rangeStart", null);
            String re = text("rangeEnd", null);
            rangeStart = rs == null ? null : IpAddress.parse(rs);
            rangeEnd = re == null ? null : IpAddress.parse(re);
        } catch (InvalidValueException e) {
            throw invalid(e.getMessage());
        }
        if (subnet != null && !subnet.isV4()) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "subnet: " + subnet + " is IPv6; \"subnet\" is the IPv4 one",
                    "give an IPv6 subnet as \"subnet6\", beside an IPv4 \"subnet\" (IPv6-only networks: an IPAM plugin such as host-local)");
        }
        if (subnet6 != null && subnet6.isV4()) {
            throw invalid("subnet6: " + subnet6 + " is not an IPv6 subnet");
        }
        if (subnet6 != null && (subnet == null || delegatesIpam())) {
            throw invalid("subnet6 works with netgroovy's own IPAM, beside an IPv4 \"subnet\"");
        }
        if (subnet6 != null && gateway6 != null && !subnet6.contains(gateway6)) {
            throw invalid("gateway6 " + gateway6 + " is outside subnet6 " + subnet6);
        }
        if (subnet6 == null && raw.get("gateway6") != null) {
            throw invalid("gateway6 without subnet6");
        }
        if (subnet != null && gateway != null && !subnet.contains(gateway)) {
            throw invalid("gateway " + gateway + " is outside subnet " + subnet);
        }
        if (!delegatesIpam() && subnet == null) {
            throw invalid("no addresses: give \"subnet\" (netgroovy's own IPAM) or \"ipam\": {\"type\": ...} (an IPAM plugin)");
        }
    }

    private static List<IpAddress> wantedIps(Object v) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw invalid("runtimeConfig.ips must be a list of addresses, not " + v);
        }
        List<IpAddress> out = new java.util.ArrayList<>();
        for (Object o : l) {
            try {
                String t = String.valueOf(o);
                out.add(t.contains("/") ? Cidr.parse(t).address() : IpAddress.parse(t));
            } catch (InvalidValueException e) {
                throw invalid("runtimeConfig.ips: " + e.getMessage());
            }
        }
        if (out.stream().filter(IpAddress::isV4).count() > 1 || out.stream().filter(IpAddress::isV6).count() > 1) {
            throw invalid("runtimeConfig.ips: at most one IPv4 and one IPv6 address per interface, not " + l);
        }
        return List.copyOf(out);
    }

    private static Mac mac(Object v) {
        try {
            return Mac.parse(String.valueOf(v));
        } catch (InvalidValueException e) {
            throw invalid("runtimeConfig.mac: " + e.getMessage());
        }
    }

    /** Parses stdin; code 6 when it is not JSON, 7 when it is JSON but not a usable configuration. */
    public static NetConf parse(String json) {
        Object parsed;
        try {
            parsed = new JsonSlurper().parseText(json);
        } catch (JsonException | IllegalArgumentException e) {
            throw new CniException(CniException.DECODING_FAILURE, "the network configuration on stdin is not JSON",
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new CniException(CniException.DECODING_FAILURE, "the network configuration on stdin is not a JSON object", "");
        }
        return new NetConf(cast(m));
    }

    /** Just the version, for VERSION and for errors before the rest could be read. */
    public static String versionIn(String json) {
        try {
            Object parsed = new JsonSlurper().parseText(json);
            if (parsed instanceof Map<?, ?> m && m.get("cniVersion") instanceof String v) {
                return v;
            }
        } catch (RuntimeException e) {
            // not JSON: the caller answers with the newest version
        }
        return null;
    }

    public boolean delegatesIpam() {
        return ipam != null && ipam.get("type") instanceof String t && !t.isEmpty();
    }

    public String ipamType() {
        return (String) ipam.get("type");
    }

    /** Checks the version: code 1 unless we speak it. */
    public void requireSupportedVersion() {
        if (!SUPPORTED_VERSIONS.contains(cniVersion)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "incompatible CNI version " + cniVersion,
                    "netgroovy-cni supports " + String.join(", ", SUPPORTED_VERSIONS));
        }
    }

    private static CniException invalid(String why) {
        return new CniException(CniException.INVALID_CONFIG, "invalid network configuration: " + why, "");
    }

    private String text(String key, String fallback) {
        Object v = raw.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw invalid(key + " must be a string, not " + v);
        }
        return s;
    }

    private boolean flag(String key, boolean fallback) {
        Object v = raw.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw invalid(key + " must be true or false, not " + v);
        }
        return b;
    }

    private Map<String, Object> map(String key) {
        Object v = raw.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw invalid(key + " must be an object");
        }
        return cast(m);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> m) {
        return new LinkedHashMap<>((Map<String, Object>) m);
    }
}
