package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import groovy.json.JsonSlurper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import netgroovy.docker.Container;
import netgroovy.model.World;
import netgroovy.testing.Ip;
import netgroovy.testing.Runs;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The state store is rebuilt from the kernel, its marks, the containers' files and
 * processes when it is gone, and reconciled with them when it is stale. Each test builds a
 * world, takes the store away (or changes the kernel behind its back), starts a new run, and
 * checks with iproute2, iptables-save, /proc and the files that the world came back, and that
 * the words see it again: a re-run of the script changes nothing, rm works, ports go on.
 */
@ExtendWith(Sandboxed.class)
class RebuildTest {
    private final Runs runs = new Runs();

    /** A new run: a session of its own, sharing the sandbox's state store as later runs do. */
    private Engine run() {
        return runs.next();
    }

    private static Object in(Engine e, String script) {
        return e.run(script, "rebuild.netgroovy");
    }

    @AfterEach
    void close() {
        runs.close();
    }

    private static void deleteStore() throws Exception {
        Files.delete(Path.of("/run/netgroovy/state.json"));
        Files.deleteIfExists(Path.of("/run/netgroovy/state.journal"));
    }

    private static World world(Engine e) {
        return e.session().world();
    }

    /** The records of the store's snapshot, as another program reads the file. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> stored() throws Exception {
        return (Map<String, Object>) ((Map<String, Object>) new JsonSlurper().parseText(Files.readString(Path.of("/run/netgroovy/state.json")))).get("records");
    }

    /** The lowest pid in a namespace, as {@code ip netns pids} says it. */
    private static long pidIn(String ns) {
        return Sh.ok("ip", "netns", "pids", ns).lines().filter(l -> !l.isBlank()).mapToLong(Long::parseLong).min().orElse(0);
    }

    /**
     * The environment of the process, once it runs its command ({@code sh -c 'sleep ...'}, as
     * Docker runs a command): read before that exec, it would be the launcher's, and read in the
     * middle of it (or from a step of the launcher that clears it), it can be empty. So: once the
     * command line names sleep and the environment is Docker's (HOSTNAME is always in it).
     */
    private static String environ(long pid) throws Exception {
        Path cmdline = Path.of("/proc", String.valueOf(pid), "cmdline");
        Path environ = Path.of("/proc", String.valueOf(pid), "environ");
        String env = "";
        for (int i = 0; i < 500; i++) {
            env = new String(Files.readAllBytes(environ), StandardCharsets.UTF_8).replace('\0', '\n');
            if (Files.readString(cmdline).contains("sleep") && env.contains("HOSTNAME=")) {
                break;
            }
            Thread.sleep(10);
        }
        return env;
    }

    /** Whether docker ps lists the name (as a word: an ID's hex digits may hold "c1"). */
    private static boolean lists(Object ps, String name) {
        return java.util.regex.Pattern.compile("\\b" + name + "\\b").matcher(ps.toString()).find();
    }

    private static final String SCRIPT = """
            network 'n1'
            container 'db', env: [PASS: 'secret'], expose: 6379
            container 'web', link: 'db:database', dns: ['9.9.9.9'], dnsSearch: ['corp.example'], env: [MODE: 'prod'], cmd: 'sleep 1000', publish: '80'
            container 'api', net: 'n1', alias: ['backend', 'svc']
            container 'hostly', net: 'host'
            container 'side', net: 'container:web'
            """;

    @Test
    void linksEnvDnsAliasesPidsPortsAndSharedNamespacesComeBack() throws Exception {
        Engine first = run(); // stays open: it owns web's command, as a REPL would
        in(first, SCRIPT);
        long sleep = pidIn("web");
        String hostlyId = world(first).containers.get("hostly").id;
        assertTrue(sleep > 0, "web's command runs");
        String firstPort = Sh.ok("iptables-save", "-t", "nat").lines().filter(l -> l.contains("netgroovy publish web "))
                .map(l -> l.replaceAll(".*--dport (\\d+).*", "$1")).findFirst().orElseThrow();
        deleteStore();
        runs.clearOutput();

        Engine later = run();
        String ps = (String) in(later, "ps");
        assertTrue(runs.output().contains("netgroovy: state store missing: rebuilt from the kernel (5 containers, 2 networks)"), runs.output());
        for (String name : List.of("db", "web", "api", "hostly", "side")) {
            assertTrue(lists(ps, name), name + " is listed again:\n" + ps);
        }
        World w = world(later);
        Container web = w.containers.get("web");
        assertEquals(Map.of("database", "db"), web.links, "the link, from web's /etc/hosts");
        assertEquals(List.of("9.9.9.9"), web.dns, "its own dns, from its resolv.conf");
        assertEquals(List.of("corp.example"), web.dnsSearch);
        assertEquals(sleep, web.pid, "its command's pid, found by its namespace in /proc");
        assertEquals(Map.of("MODE", "prod"), web.env, "its own environment, from /proc/PID/environ less Docker's and the link's");
        assertEquals(Map.of("PASS", "secret"), w.containers.get("db").env, "db has no command: its environment is in its eth0's mark");
        assertNull(w.containers.get("db").dns, "db's resolv.conf is the daemon's: no dns of its own");
        assertEquals(List.of("backend", "svc"), w.containers.get("api").on("n1").aliases(), "the aliases, from api's host veth's mark");
        assertEquals("host", w.containers.get("hostly").mode);
        Container side = w.containers.get("side");
        assertEquals("container", side.mode);
        assertEquals("web", side.namespace);
        assertEquals(web.ip, side.ip, "side shares web's namespace and address");
        assertEquals(hostlyId, w.containers.get("hostly").id, "its ID, from the host's lo mark");
        assertTrue(Ip.json(null, "link", "show", "lo").get(0).get("ifalias").toString().contains("hostly=" + hostlyId + ":host"));

        // Linking to db again gives the new container db's variables: db's environment came back.
        in(later, "container 'client', link: 'db:d', cmd: 'sleep 1000'");
        String env = environ(pidIn("client"));
        assertTrue(env.contains("D_ENV_PASS=secret\n") && env.contains("D_PORT=tcp://172.17.0.2:6379\n"), env);
        // The allocator goes on after web's ephemeral port.
        in(later, "container 'x', publish: '81'");
        String next = Sh.ok("iptables-save", "-t", "nat").lines().filter(l -> l.contains("netgroovy publish x "))
                .map(l -> l.replaceAll(".*--dport (\\d+).*", "$1")).findFirst().orElseThrow();
        assertEquals(Integer.parseInt(firstPort) + 1, Integer.parseInt(next), "ports continue after the last ephemeral one");

        // The same script again: nothing is made twice, nothing "exists already".
        List<String> namespaces = Ip.netnsList().stream().sorted().toList();
        in(later, SCRIPT);
        assertEquals(namespaces, Ip.netnsList().stream().sorted().toList());
        assertEquals(sleep, pidIn("web"), "web's command was not started again");
        in(later, "rm 'side'\nrm 'hostly'\nrm 'web'\nrm 'api'");
        assertFalse(Ip.netnsList().contains("web"));
        assertFalse(Ip.netnsList().contains("api"));
        String ps2 = (String) in(later, "ps");
        assertFalse(ps2.contains("side") || ps2.contains("hostly"), ps2);
        assertEquals("", Ip.json(null, "link", "show", "lo").get(0).getOrDefault("ifalias", "").toString(), "no container of mode host is left to mark");
        in(later, "bridge 'br0' cidr '10.9.0.1/24' up\nnetns 'lab'");
        in(later, "delete bridge('br0')");
        in(later, "teardown");
        assertEquals(List.of(), Ip.netnsList());
        runs.clearOutput();
        in(run(), "ps");
        assertFalse(runs.output().contains("stale"), "what the DSL deleted is not recorded: " + runs.output());
    }

    /** lo's alias and whether it is up, in the namespace, as {@code ip -j link show lo} says. */
    private static String loOf(String ns) {
        Map<String, Object> lo = Ip.json(ns, "link", "show", "lo").get(0);
        return lo.getOrDefault("ifalias", "") + " " + (((List<?>) lo.get("flags")).contains("UP") ? "up" : "down");
    }

    @Test
    void aNamespaceIsMarkedAsItsLoGoesUpAndComesBackByThatMark() throws Exception {
        Engine first = run();
        in(first, """
                netns 'n5'
                container 'c5'
                """);
        assertEquals("netgroovy netns up", loOf("n5"), "the netns word's namespace: lo up, with the mark");
        assertTrue(loOf("c5").matches("netgroovy container \\p{XDigit}{64} bridge .* up"), "a container's namespace: lo up, with the container's mark, not a namespace's: " + loOf("c5"));
        in(first, "netns 'n5'"); // said again: nothing to do
        assertEquals("netgroovy netns up", loOf("n5"));
        deleteStore();
        runs.clearOutput();

        Engine later = run();
        in(later, "ps");
        assertTrue(runs.output().contains("rebuilt from the kernel (1 containers, 1 networks)"), runs.output());
        assertTrue(world(later).namespaces.contains("n5"), "found again by lo's mark: " + world(later).namespaces);
        in(later, "teardown");
        assertEquals(List.of(), Ip.netnsList(), "teardown removes the namespace it found again");
    }

    @Test
    void aLabHostsDaemonAndPortsOnlyTheProxyServesComeBack() throws Exception {
        in(run(), """
                use 'lab'
                labSwitch 'lan'
                labHost 'h1', on: 'lan', underlay: '10.0.0.1/24', subnet: '172.20.1.0/24'
                netns('h1') { container 'c1', env: [A: '1'] }
                dockerd userlandProxy: true, iptables: false
                container 'p', publish: '8080:80'
                """);
        deleteStore();
        runs.clearOutput();
        Engine later = run();
        String h1 = (String) in(later, "netns('h1') { ps }");
        assertTrue(lists(h1, "c1"), h1);
        assertEquals(Map.of("A", "1"), world(later).hosts.get("h1").containers.get("c1").env);
        assertTrue(in(later, "port 'p'").toString().contains("80/tcp -> 0.0.0.0:8080"), "a port without rules, from p's veth's mark");
        assertFalse(lists(in(later, "ps"), "c1"), "c1 is h1's, not the sandbox's");
        in(later, "netns('h1') { container 'c2' }");
        assertEquals(List.of("172.20.1.3/24"), Ip.addresses("c2", "eth0").stream().filter(a -> !a.contains(":")).toList(),
                "h1's daemon hands out the address after c1's");
        in(later, "netns('h1') { rm 'c1' }");
        assertFalse(Ip.netnsList().contains("c1"));
        long deadline = System.currentTimeMillis() + 5000; // a veth goes with its namespace a moment after the deletion
        while (Ip.json("h1", "link", "show", "master", "docker0").size() > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, Ip.json("h1", "link", "show", "master", "docker0").size(), "c2's veth is left on h1's docker0");

        // A lab host's container deleted behind the store's back: the next run reconciles, once.
        Sh.ok("ip", "netns", "del", "c2");
        runs.clearOutput();
        Engine after = run();
        assertFalse(lists(in(after, "netns('h1') { ps }"), "c2"));
        assertTrue(runs.output().contains("netgroovy: state store stale: container c2's namespace is gone; rebuilt from the kernel"), runs.output());
        runs.clearOutput();
        in(run(), "ps");
        assertFalse(runs.output().contains("stale"), runs.output());
    }

    @Test
    void aStaleStoreIsReconciledWithTheKernelInOneLine() throws Exception {
        Engine first = run();
        in(first, """
                network 'n1'
                container 'c1', net: 'n1'
                container 'c2', net: 'n1', expose: 5000
                bridge 'br0' cidr '10.9.0.1/24' up
                """);
        // Behind the store's back: c1's namespace deleted, a bridge marked as netgroovy's made by hand.
        Sh.ok("ip", "netns", "del", "c1");
        Sh.ok("ip", "link", "add", "brx", "type", "bridge");
        Sh.ok("ip", "addr", "add", "10.99.0.1/24", "dev", "brx");
        Sh.ok("ip", "link", "set", "brx", "alias", "netgroovy bridge");
        Sh.ok("ip", "link", "add", "bry", "type", "bridge"); // without an address: nothing a rebuild would record
        Sh.ok("ip", "link", "set", "bry", "alias", "netgroovy bridge");
        runs.clearOutput();
        Engine later = run();
        String ps = (String) in(later, "ps");
        assertTrue(runs.output().contains("netgroovy: state store stale: container c1's namespace is gone, bridge brx not recorded; "
                + "rebuilt from the kernel (1 containers, 1 networks)"), runs.output());
        assertFalse(lists(ps, "c1"), ps);
        assertTrue(lists(ps, "c2"), ps);
        Map<String, Object> records = stored();
        assertFalse(records.containsKey("container c1"), "the store was written again at once: " + records.keySet());
        assertEquals("10.99.0.1/24", records.get("bridgeCidr brx"));
        assertEquals(List.of("5000/tcp"), world(later).exposed("c2"), "what no mark holds is kept from the old store for c2");
        in(later, "container 'c1', net: 'n1'");
        assertEquals(List.of("172.18.0.2/16"), Ip.addresses("c1", "eth0").stream().filter(a -> !a.contains(":")).toList(),
                "c1's address was free again");

        runs.clearOutput();
        in(run(), "ps");
        assertFalse(runs.output().contains("stale"), "the reconciled store agrees with the kernel: " + runs.output());

        // Made behind the store's back by another netgroovy (its record is not in this store), and a namespace marked by hand.
        in(run(), "container 'c3', net: 'n1'");
        Files.writeString(Path.of("/run/netgroovy/state.journal"), "[\"del\",\"container c3\"]\n[\"del\",\"spec container c3\"]\n",
                java.nio.file.StandardOpenOption.APPEND); // as if c3's statement had been kept in another store
        Sh.ok("ip", "netns", "add", "n9");
        Sh.ok("ip", "-n", "n9", "link", "set", "lo", "alias", "netgroovy netns");
        runs.clearOutput();
        Engine adopting = run();
        assertTrue(lists(in(adopting, "ps"), "c3"), "c3 is found again");
        assertTrue(runs.output().contains("netgroovy: state store stale: container c3 not recorded, namespace n9 not recorded;"), runs.output());
        assertTrue(world(adopting).namespaces.contains("n9"));
        assertEquals(world(adopting).containers.get("c3").ip.toString() + "/16",
                Ip.addresses("c3", "eth0").stream().filter(a -> !a.contains(":")).findFirst().orElseThrow());

        // A store from before the sandbox was rebooted: nothing of it is there.
        for (String ns : Ip.netnsList()) {
            Sh.ok("ip", "netns", "del", ns);
        }
        for (Map<String, Object> bridge : Ip.json(null, "link", "show", "type", "bridge")) {
            Sh.ok("ip", "link", "del", (String) bridge.get("ifname"));
        }
        runs.clearOutput();
        Engine rebooted = run();
        String none = (String) in(rebooted, "ps");
        assertTrue(runs.output().contains("netgroovy: state store stale: container c1's namespace is gone, container c2's namespace is gone, "
                + "container c3's namespace is gone, network n1's bridge"), runs.output());
        assertTrue(runs.output().contains(" and 1 more; rebuilt from the kernel (0 containers, 0 networks)"), runs.output());
        assertEquals(1, none.strip().lines().count(), "ps lists nothing: " + none);
        in(rebooted, "network 'n1'\ncontainer 'c1', net: 'n1'");
        assertEquals(List.of("172.18.0.2/16"), Ip.addresses("c1", "eth0").stream().filter(a -> !a.contains(":")).toList());
    }
}
