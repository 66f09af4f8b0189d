package netgroovy.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.Set;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;

/**
 * The spec's result types (SPEC.md, section 5) as checks: every key the spec defines, with its
 * type; required keys present; nothing else at the top level. Each check names the key that
 * broke it.
 */
final class ResultShape {
    private static final Set<String> TOP = Set.of("cniVersion", "interfaces", "ips", "routes", "dns");
    private static final Set<String> INTERFACE = Set.of("name", "mac", "mtu", "sandbox", "socketPath", "pciID");
    private static final Set<String> IP = Set.of("address", "gateway", "interface");
    private static final Set<String> ROUTE = Set.of("dst", "gw", "mtu", "advmss", "priority", "table", "scope");
    private static final Set<String> DNS = Set.of("nameservers", "domain", "search", "options");

    private ResultShape() {
    }

    /** An ADD success result. */
    @SuppressWarnings("unchecked")
    static void addResult(Map<String, Object> r, String version) {
        assertEquals(version, r.get("cniVersion"), "cniVersion must be the one supplied");
        onlyKeys("result", r, TOP);
        List<Object> interfaces = list(r, "interfaces");
        for (Object o : interfaces) {
            Map<String, Object> i = map(o, "interfaces[]");
            onlyKeys("interfaces[]", i, INTERFACE);
            string(i, "name", true);
            if (i.containsKey("mac")) {
                assertTrue(((String) i.get("mac")).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), "interfaces[].mac: " + i.get("mac"));
            }
            uint(i, "mtu");
            string(i, "sandbox", false);
        }
        for (Object o : list(r, "ips")) {
            Map<String, Object> ip = map(o, "ips[]");
            onlyKeys("ips[]", ip, IP);
            Cidr.parse(string(ip, "address", true));
            if (ip.containsKey("gateway")) {
                IpAddress.parse(string(ip, "gateway", true));
            }
            if (ip.containsKey("interface")) {
                int idx = uint(ip, "interface");
                assertTrue(idx < interfaces.size(), "ips[].interface " + idx + " is not an index into interfaces");
            }
        }
        if (r.containsKey("routes")) {
            for (Object o : list(r, "routes")) {
                Map<String, Object> route = map(o, "routes[]");
                onlyKeys("routes[]", route, ROUTE);
                Cidr.parse(string(route, "dst", true));
                if (route.containsKey("gw")) {
                    IpAddress.parse(string(route, "gw", true));
                }
                for (String k : List.of("mtu", "advmss", "priority", "table", "scope")) {
                    uint(route, k);
                }
            }
        }
        if (r.containsKey("dns")) {
            Map<String, Object> dns = map(r.get("dns"), "dns");
            onlyKeys("dns", dns, DNS);
            for (String k : List.of("nameservers", "search", "options")) {
                if (dns.containsKey(k)) {
                    ((List<Object>) dns.get(k)).forEach(x -> assertTrue(x instanceof String, "dns." + k + "[] must be strings"));
                }
            }
            string(dns, "domain", false);
        }
    }

    /** The error structure. */
    static void error(Map<String, Object> r, int code) {
        assertTrue(r != null, "an error must come with the error structure on stdout");
        onlyKeys("error", r, Set.of("cniVersion", "code", "msg", "details"));
        string(r, "cniVersion", true);
        assertEquals(code, ((Number) r.get("code")).intValue(), "code; msg: " + r.get("msg"));
        string(r, "msg", true);
        string(r, "details", false);
    }

    private static void onlyKeys(String where, Map<String, Object> m, Set<String> allowed) {
        for (String k : m.keySet()) {
            assertTrue(allowed.contains(k), where + " has a key the spec does not define: " + k);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List<?>)) {
            fail(key + " must be a list, not " + v);
        }
        return (List<Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String where) {
        if (!(o instanceof Map<?, ?>)) {
            fail(where + " must be an object, not " + o);
        }
        return (Map<String, Object>) o;
    }

    private static String string(Map<String, Object> m, String key, boolean required) {
        Object v = m.get(key);
        if (v == null) {
            assertTrue(!required, key + " is required");
            return null;
        }
        assertTrue(v instanceof String s && !s.isEmpty(), key + " must be a non-empty string, not " + v);
        return (String) v;
    }

    private static int uint(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return -1;
        }
        assertTrue(v instanceof Integer || v instanceof Long, key + " must be an integer, not " + v);
        long n = ((Number) v).longValue();
        assertTrue(n >= 0, key + " must be unsigned: " + n);
        return (int) n;
    }
}
