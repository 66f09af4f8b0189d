package netgroovy.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNI contract, driven the way a runtime drives it: the installed netgroovy-cni started as
 * a process with the CNI_* environment and the configuration on stdin, in the sandbox, with
 * the container namespaces made by the test (as a runtime makes them) and the results checked
 * with ip, ping and iptables-save.
 */
@ExtendWith(Sandboxed.class)
class CniPluginTest {
    @TempDir
    static Path dir;
    static CniRuntime runtime;
    Path data;

    @BeforeAll
    static void install() throws Exception {
        runtime = new CniRuntime(dir);
    }

    @BeforeEach
    void node() throws Exception {
        data = CniRuntime.node(dir);
    }

    /** A container's namespace as runtimes make it: named under /run/netns, lo up. */
    static String container(String name) {
        Sh.ok("ip", "netns", "add", name);
        Sh.ok("ip", "-n", name, "link", "set", "lo", "up");
        return "/var/run/netns/" + name;
    }

    /** The IPv4 addresses of a link, as ip shows them ("10.88.0.2/24"). */
    static List<String> v4(String ns, String dev) {
        return Ip.addresses(ns, dev).stream().filter(a -> !a.contains(":")).toList();
    }

    Map<String, Object> conf(String name, Map<String, Object> extra) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("cniVersion", "1.0.0");
        c.put("name", name);
        c.put("type", "netgroovy-cni");
        c.put("bridge", "ng0");
        c.put("subnet", "10.88.0.0/24");
        c.put("dataDir", data.toString());
        c.putAll(extra);
        return c;
    }

    static Map<String, Object> with(Map<String, Object> conf, String key, Object value) {
        Map<String, Object> c = new LinkedHashMap<>(conf);
        c.put(key, value);
        return c;
    }

    @Test
    void versionNamesTheSpecVersionsItSpeaks() {
        var a = runtime.call("netgroovy-cni", "VERSION", null, null, null, Map.of("cniVersion", "1.0.0"));
        assertTrue(a.ok(), a.transcript());
        assertEquals("1.0.0", a.json().get("cniVersion"));
        assertTrue(((List<?>) a.json().get("supportedVersions")).containsAll(List.of("1.0.0", "1.1.0")));
    }

    @Test
    void addWiresTheContainerAndReportsItInTheSpecsShape() {
        String netns = container("c1");
        Map<String, Object> conf = conf("net1", Map.of());
        var add = runtime.call("netgroovy-cni", "ADD", "c1id", netns, "eth0", conf);
        assertTrue(add.ok(), add.transcript());
        ResultShape.addResult(add.json(), "1.0.0");

        // Independent observers: what ip and ping see is what the result says.
        assertEquals(List.of("10.88.0.2/24"), v4("c1", "eth0"));
        assertTrue(Ip.routes("c1", "-4").stream().anyMatch(r -> "default".equals(r.get("dst")) && "10.88.0.1".equals(r.get("gateway"))));
        assertEquals(List.of("10.88.0.1/24"), v4(null, "ng0"));
        String hostIf = Attachment.hostIfname("c1id", "eth0");
        assertEquals("ng0", Ip.link(null, hostIf).orElseThrow().get("master"));
        assertTrue(Ip.ping("c1", "10.88.0.1"), "the container reaches its gateway");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> itfs = (List<Map<String, Object>>) add.json().get("interfaces");
        assertEquals(List.of("ng0", hostIf, "eth0"), itfs.stream().map(i -> i.get("name")).toList());
        assertEquals(netns, itfs.get(2).get("sandbox"));
        assertEquals(Ip.link("c1", "eth0").orElseThrow().get("address"), itfs.get(2).get("mac"));
        assertEquals("1", Sh.ok("sysctl", "-n", "net.ipv4.ip_forward").strip(), "isGateway turns forwarding on");

        // CHECK agrees; then a hand-made change is found.
        var check = runtime.call("netgroovy-cni", "CHECK", "c1id", netns, "eth0", with(conf, "prevResult", add.json()));
        assertTrue(check.ok(), check.transcript());
        Sh.ok("ip", "-n", "c1", "addr", "del", "10.88.0.2/24", "dev", "eth0");
        check = runtime.call("netgroovy-cni", "CHECK", "c1id", netns, "eth0", with(conf, "prevResult", add.json()));
        assertFalse(check.ok());
        ResultShape.error(check.json(), CniException.CHECK_FAILED);
        assertTrue(check.json().get("msg").toString().contains("10.88.0.2/24"), check.transcript());
    }

    @Test
    void delAfterAddLeavesTheNodeByteIdenticalAndIsIdempotent() {
        String netns = container("c1");
        Map<String, Object> conf = conf("net1", Map.of("ipMasq", true));
        String before = NodeState.of("c1");
        var add = runtime.call("netgroovy-cni", "ADD", "c1id", netns, "eth0", conf);
        assertTrue(add.ok(), add.transcript());
        assertTrue(Sh.ok("iptables-save", "-t", "nat").contains("-A POSTROUTING -s 10.88.0.0/24 ! -o ng0"), "ipMasq's rule");
        assertNotEquals(before, NodeState.of("c1"));
        Map<String, Object> del = with(conf, "prevResult", add.json());
        for (int i = 0; i < 2; i++) { // DEL twice: the second finds everything gone, and succeeds
            var a = runtime.call("netgroovy-cni", "DEL", "c1id", netns, "eth0", del);
            assertTrue(a.ok(), a.transcript());
            assertEquals("", a.out());
        }
        assertEquals(before, NodeState.of("c1"));
        // DEL for a container whose namespace is gone, and with no prevResult: still success.
        var a = runtime.call("netgroovy-cni", "DEL", "goneid", "/var/run/netns/gone", "eth0", conf);
        assertTrue(a.ok(), a.transcript());
    }

    @Test
    void concurrentAddsForDifferentContainersGetDifferentAddressesAndAllWork() throws Exception {
        int n = 6;
        List<String> namespaces = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            container("k" + i);
            namespaces.add("k" + i);
        }
        String before = NodeState.of(namespaces.toArray(new String[0]));
        Map<String, Object> conf = conf("busy", Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<CniRuntime.Answer>> adds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                adds.add(pool.submit(() -> runtime.call("netgroovy-cni", "ADD", "id" + k, "/var/run/netns/k" + k, "eth0", conf)));
            }
            Set<String> addresses = new HashSet<>();
            for (var f : adds) {
                var a = f.get();
                assertTrue(a.ok(), a.transcript());
                @SuppressWarnings("unchecked")
                var ip = ((List<Map<String, Object>>) a.json().get("ips")).get(0);
                addresses.add((String) ip.get("address"));
            }
            assertEquals(n, addresses.size(), "every container its own address: " + addresses);
            for (String ns : namespaces) {
                assertTrue(Ip.ping(ns, "10.88.0.1"), ns + " reaches the gateway");
            }
            assertTrue(Ip.ping("k0", ((String) addresses.stream().filter(x -> !x.equals(v4("k0", "eth0").get(0))).findFirst().orElseThrow()).split("/")[0]),
                    "containers reach each other across the bridge");
            List<Future<CniRuntime.Answer>> dels = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                dels.add(pool.submit(() -> runtime.call("netgroovy-cni", "DEL", "id" + k, "/var/run/netns/k" + k, "eth0", conf)));
            }
            for (var f : dels) {
                assertTrue(f.get().ok(), f.get().transcript());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(before, NodeState.of(namespaces.toArray(new String[0])), "nothing is left after the last DEL");
    }

    @Test
    @SuppressWarnings("unchecked")
    void dualStackFromItsOwnIpamAndDelPutsIpv6ForwardingBack() {
        Sh.ok("sysctl", "-w", "net.ipv6.conf.all.forwarding=0");
        String netns = container("c1");
        String netns2 = container("c2");
        Map<String, Object> conf = conf("net6", Map.of("subnet6", "fd00:88::/64"));
        String before = NodeState.of("c1", "c2");
        var add = runtime.call("netgroovy-cni", "ADD", "c1id", netns, "eth0", conf);
        assertTrue(add.ok(), add.transcript());
        ResultShape.addResult(add.json(), "1.0.0");
        var add2 = runtime.call("netgroovy-cni", "ADD", "c2id", netns2, "eth0", conf);
        assertTrue(add2.ok(), add2.transcript());

        // What ip sees: both families on eth0, both gateways on the bridge, a default route each.
        assertEquals(List.of("10.88.0.2/24", "fd00:88::2/64"), Ip.addresses("c1", "eth0").stream().filter(a -> !a.startsWith("fe80")).toList());
        assertEquals(List.of("10.88.0.3/24", "fd00:88::3/64"), Ip.addresses("c2", "eth0").stream().filter(a -> !a.startsWith("fe80")).toList());
        assertTrue(Ip.addresses(null, "ng0").containsAll(List.of("10.88.0.1/24", "fd00:88::1/64")), Ip.addresses(null, "ng0").toString());
        assertTrue(Ip.routes("c1", "-6").stream().anyMatch(r -> "default".equals(r.get("dst")) && "fd00:88::1".equals(r.get("gateway"))),
                Ip.routes("c1", "-6").toString());
        assertEquals("1", Sh.ok("sysctl", "-n", "net.ipv6.conf.all.forwarding").strip(), "isGateway forwards IPv6 too");
        assertTrue(Ip.ping("c1", "fd00:88::1"), "the container reaches its IPv6 gateway");
        assertTrue(Ip.ping("c1", "fd00:88::3"), "and the other container over IPv6");

        List<Map<String, Object>> ips = (List<Map<String, Object>>) add.json().get("ips");
        assertEquals(List.of("10.88.0.2/24", "fd00:88::2/64"), ips.stream().map(i -> i.get("address")).toList());
        assertEquals(List.of("10.88.0.1", "fd00:88::1"), ips.stream().map(i -> i.get("gateway")).toList());
        List<Map<String, Object>> routes = (List<Map<String, Object>>) add.json().get("routes");
        assertTrue(routes.contains(Map.of("dst", "::/0", "gw", "fd00:88::1")), routes.toString());

        var check = runtime.call("netgroovy-cni", "CHECK", "c1id", netns, "eth0", with(conf, "prevResult", add.json()));
        assertTrue(check.ok(), check.transcript());
        Sh.ok("ip", "-n", "c1", "-6", "route", "del", "default");
        check = runtime.call("netgroovy-cni", "CHECK", "c1id", netns, "eth0", with(conf, "prevResult", add.json()));
        ResultShape.error(check.json(), CniException.CHECK_FAILED);
        assertTrue(check.json().get("msg").toString().contains("fd00:88::1"), check.transcript());

        assertTrue(runtime.call("netgroovy-cni", "DEL", "c2id", netns2, "eth0", conf).ok());
        assertTrue(runtime.call("netgroovy-cni", "DEL", "c1id", netns, "eth0", conf).ok());
        assertEquals(before, NodeState.of("c1", "c2"), "DEL puts the node back, IPv6 forwarding included");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRuntimesWishedForAddressAndMacThroughRuntimeConfig() {
        // The list cni-config writes declares the ips and mac capabilities; the runtime (here
        // libcni's way, in CniRuntime.list) turns a container's --ip/--mac-address into runtimeConfig.
        Map<String, Object> list = CniConfigFiles.conflist(new CniConfigFiles.Network("wish", "ng0", "10.88.0.0/24", null, "attach",
                "netgroovy", false, false, data.toString(), "fd00:88::/64"));
        String a = container("a");
        String b = container("b");
        String before = NodeState.of("a", "b");
        var add = runtime.list("ADD", list, "aid", a, "eth0", null,
                Map.of("ips", List.of("10.88.0.77/24", "fd00:88::77/64"), "mac", "02:42:0a:58:00:4d"));
        assertEquals(List.of("10.88.0.77/24", "fd00:88::77/64"), Ip.addresses("a", "eth0").stream().filter(x -> !x.startsWith("fe80")).toList());
        assertEquals("02:42:0a:58:00:4d", Ip.link("a", "eth0").orElseThrow().get("address"));
        List<Map<String, Object>> ips = (List<Map<String, Object>>) add.json().get("ips");
        assertEquals(List.of("10.88.0.77/24", "fd00:88::77/64"), ips.stream().map(i -> i.get("address")).toList());

        // Another container asking for the same address gets the spec's error, and nothing.
        Map<String, Object> conf = new LinkedHashMap<>((Map<String, Object>) ((List<?>) list.get("plugins")).get(0));
        conf.put("cniVersion", "1.0.0");
        conf.put("name", "wish");
        var taken = runtime.call("netgroovy-cni", "ADD", "bid", b, "eth0", with(conf, "runtimeConfig", Map.of("ips", List.of("10.88.0.77"))));
        ResultShape.error(taken.json(), CniException.NO_ADDRESS_LEFT);
        assertTrue(taken.json().get("msg").toString().contains("10.88.0.77"), taken.transcript());
        var outside = runtime.call("netgroovy-cni", "ADD", "bid", b, "eth0", with(conf, "runtimeConfig", Map.of("ips", List.of("10.99.0.5"))));
        ResultShape.error(outside.json(), CniException.INVALID_CONFIG);
        var badMac = runtime.call("netgroovy-cni", "ADD", "bid", b, "eth0", with(conf, "runtimeConfig", Map.of("mac", "02:42:zz")));
        ResultShape.error(badMac.json(), CniException.INVALID_CONFIG);
        assertTrue(badMac.json().get("msg").toString().contains("runtimeConfig.mac"), badMac.transcript());
        assertEquals(List.of("lo"), Ip.linkNames("b"), "the refused ADDs left nothing");

        // Without wishes, b gets the next free address as usual.
        var addB = runtime.call("netgroovy-cni", "ADD", "bid", b, "eth0", conf);
        assertTrue(addB.ok(), addB.transcript());
        assertEquals(List.of("10.88.0.2/24"), v4("b", "eth0"));
        runtime.list("DEL", list, "aid", a, "eth0", add.json(), Map.of());
        assertTrue(runtime.call("netgroovy-cni", "DEL", "bid", b, "eth0", conf).ok());
        assertEquals(before, NodeState.of("a", "b"));
    }

    @Test
    void ipv6SettingsThatCannotWorkAreRefusedWithTheirReason() {
        String netns = container("c1");
        var a = runtime.call("netgroovy-cni", "ADD", "x", netns, "eth0", conf("n", Map.of("subnet", "fd00:88::/64")));
        ResultShape.error(a.json(), CniException.UNSUPPORTED_FIELD);
        assertTrue(a.json().get("msg").toString().contains("is IPv6"), a.transcript());
        assertTrue(a.json().get("details").toString().contains("\"subnet6\""), a.transcript());
        a = runtime.call("netgroovy-cni", "ADD", "x", netns, "eth0", conf("n", Map.of("subnet6", "10.9.0.0/24")));
        ResultShape.error(a.json(), CniException.INVALID_CONFIG);
        assertTrue(a.json().get("msg").toString().contains("not an IPv6 subnet"), a.transcript());
        a = runtime.call("netgroovy-cni", "ADD", "x", netns, "eth0", conf("n", Map.of("subnet6", "fd00:88::/64", "gateway6", "fd00:99::1")));
        ResultShape.error(a.json(), CniException.INVALID_CONFIG);
        assertTrue(a.json().get("msg").toString().contains("outside subnet6"), a.transcript());
        assertEquals(List.of("lo"), Ip.linkNames("c1"), "nothing was made");
    }

    @Test
    void errorsAreTheSpecsErrorStructureWithItsCodes() {
        String netns = container("c1");
        Map<String, Object> conf = conf("net1", Map.of());
        var a = runtime.call("netgroovy-cni", "ADD", null, netns, "eth0", conf);
        ResultShape.error(a.json(), CniException.INVALID_ENVIRONMENT);
        assertTrue(a.json().get("msg").toString().contains("CNI_CONTAINERID"), a.transcript());
        a = runtime.call("netgroovy-cni", "ADD", "x", netns, "eth0", "{not json", Map.of());
        ResultShape.error(a.json(), CniException.DECODING_FAILURE);
        a = runtime.call("netgroovy-cni", "ADD", "x", netns, "eth0", with(conf, "cniVersion", "0.2.0"));
        ResultShape.error(a.json(), CniException.INCOMPATIBLE_VERSION);
        assertEquals("0.2.0", a.json().get("cniVersion"));
        a = runtime.call("netgroovy-cni", "ADD", "x", netns, "eth0", with(conf, "subnet", "10.88.0.0/33"));
        ResultShape.error(a.json(), CniException.INVALID_CONFIG);
        a = runtime.call("netgroovy-cni", "ADD", "x", "/var/run/netns/nosuch", "eth0", conf);
        ResultShape.error(a.json(), CniException.UNKNOWN_CONTAINER);
        a = runtime.call("netgroovy-cni", "ADD", "x", netns, "lo", conf);
        ResultShape.error(a.json(), CniException.INTERFACE_EXISTS);
        a = runtime.call("netgroovy-cni", "ADD", "x", netns, "eth0", with(conf, "recipe", "nosuchrecipe"));
        ResultShape.error(a.json(), CniException.INVALID_CONFIG);
        assertTrue(a.err().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace in the log: " + a.err());
        assertEquals(List.of("lo"), Ip.linkNames("c1"), "a failed ADD leaves nothing in the container");
        assertFalse(Ip.link(null, "ng0").isPresent(), "a failed ADD leaves no bridge");
    }

    @Test
    void chainedWithHostLocalIpamAndPortmapAndFirewallAfterIt() {
        assumeTrue(Files.isExecutable(CniRuntime.REFERENCE.resolve("portmap")), "no reference plugins: apt-get install containernetworking-plugins");
        String netns = container("web");
        String before = NodeState.of("web");
        Map<String, Object> ipam = new LinkedHashMap<>();
        ipam.put("type", "host-local");
        ipam.put("ranges", List.of(List.of(Map.of("subnet", "10.89.0.0/24", "gateway", "10.89.0.1"))));
        ipam.put("routes", List.of(Map.of("dst", "0.0.0.0/0")));
        ipam.put("dataDir", data.resolve("host-local").toString());
        Map<String, Object> ours = new LinkedHashMap<>(Map.of("type", "netgroovy-cni", "bridge", "ng1", "ipam", ipam, "dataDir", data.toString()));
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("cniVersion", "1.0.0");
        list.put("name", "chain");
        list.put("plugins", List.of(ours,
                Map.of("type", "portmap", "capabilities", Map.of("portMappings", true)),
                Map.of("type", "firewall", "backend", "iptables")));
        Map<String, Object> rc = Map.of("portMappings", List.of(Map.of("hostPort", 8080, "containerPort", 80, "protocol", "tcp")));
        var add = runtime.list("ADD", list, "webid", netns, "eth0", null, rc);
        // The reference plugins parsed our result as prevResult (libcni's types100) and passed it on.
        ResultShape.addResult(add.json(), "1.0.0");
        assertEquals(List.of("10.89.0.2/24"), v4("web", "eth0"), "host-local's first address");
        String nat = Sh.ok("iptables-save", "-t", "nat");
        assertTrue(nat.contains("--dport 8080") && nat.contains("10.89.0.2:80"), "portmap's DNAT to our address:\n" + nat);
        assertTrue(Sh.ok("iptables-save", "-t", "filter").contains("10.89.0.2"), "the firewall plugin's rules name our address");
        var check = runtime.call("netgroovy-cni", "CHECK", "webid", netns, "eth0",
                with(with(with(ours, "cniVersion", "1.0.0"), "name", "chain"), "prevResult", add.json()));
        assertTrue(check.ok(), check.transcript());
        runtime.list("DEL", list, "webid", netns, "eth0", add.json(), rc);
        assertFalse(Sh.ok("iptables-save").contains("10.89.0.2"), "no rule names the container any more");
        assertFalse(Ip.link(null, "ng1").isPresent(), "the bridge went with its last container");
        assertEquals(List.of("lo"), Ip.linkNames("web"));
        assertTrue(before.contains("sysctl"), before); // (portmap and firewall keep their own top-level chains; ours are gone)
    }

    @Test
    void gcForgetsAttachmentsTheRuntimeNoLongerHas() {
        String a = container("a");
        String b = container("b");
        Map<String, Object> conf = with(conf("gcnet", Map.of()), "cniVersion", "1.1.0");
        assertTrue(runtime.call("netgroovy-cni", "ADD", "aid", a, "eth0", conf).ok());
        assertTrue(runtime.call("netgroovy-cni", "ADD", "bid", b, "eth0", conf).ok());
        Sh.ok("ip", "netns", "del", "b"); // the runtime lost b without a DEL
        var gc = runtime.call("netgroovy-cni", "GC", null, null, null,
                with(conf, "cni.dev/valid-attachments", List.of(Map.of("containerID", "aid", "ifname", "eth0"))));
        assertTrue(gc.ok(), gc.transcript());
        var status = runtime.call("netgroovy-cni", "STATUS", null, null, null, conf);
        assertTrue(status.ok(), status.transcript());
        // b's address is free again: the next container gets an address, and a keeps its own.
        String c = container("c");
        var add = runtime.call("netgroovy-cni", "ADD", "cid", c, "eth0", conf);
        assertTrue(add.ok(), add.transcript());
        assertEquals(List.of("10.88.0.2/24"), v4("a", "eth0"));
    }
}
