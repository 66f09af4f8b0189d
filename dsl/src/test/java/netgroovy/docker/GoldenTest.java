package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seeds' webapp/redis scenario plus a user network, as a real Docker 20.10.24 ran it
 * (shared/goldens/docker-20.10, README there): netgroovy's {@code iptables-save} must equal
 * Docker's {@code --userland-proxy=false} output rule for rule, once netgroovy's ownership
 * comments are stripped and the random {@code br-<id>} names normalised.
 */
@ExtendWith(Sandboxed.class)
class GoldenTest {
    /** The scenario of the golden README, in netgroovy's words (h1 only matters for container files). */
    static final String SCENARIO = """
            dockerd icc: false
            container 'redis', expose: 6379
            container 'webapp', publish: ['4567', '127.0.0.1:5000:5000', '8080:80/udp'], link: 'redis:db'
            network 'mynet', driver: 'bridge', subnet: '192.168.0.0/16', gateway: '192.168.0.1'
            container 'centos04', net: 'mynet'
            networkConnect 'mynet', 'webapp'
            container 'pall', publishAll: true, expose: [80, 443]
            """;

    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    private Object run(String script) {
        return engine.run(script, "golden.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    static Path golden(String file) {
        // The goldens live beside the worktrees: ../shared/goldens from the project root.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared/goldens/docker-20.10").resolve(file);
            if (Files.exists(p)) {
                return p;
            }
        }
        Assumptions.abort("no shared/goldens/docker-20.10/" + file + " above " + Path.of("").toAbsolutePath());
        return null;
    }

    /** One section ("### iptables-save") of a golden file. */
    static String section(String file, String heading) throws IOException {
        StringBuilder b = new StringBuilder();
        boolean in = false;
        for (String line : Files.readAllLines(golden(file))) {
            if (line.startsWith("### ")) {
                in = line.equals("### " + heading);
            } else if (in) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * iptables-save as compared: only filter and nat, no "#" lines, no counters, no
     * netgroovy comments, br-&lt;id&gt; as br-ID.
     */
    static String normalised(String save) {
        List<String> out = new ArrayList<>();
        boolean keep = false;
        for (String line : save.split("\n")) {
            if (line.startsWith("*")) {
                keep = line.equals("*filter") || line.equals("*nat");
            }
            if (!keep || line.startsWith("#") || line.isBlank()) {
                continue;
            }
            out.add(line.replaceAll(" -m comment --comment (\"[^\"]*\"|\\S+)", "")
                    .replaceAll(" \\[\\d+:\\d+\\]$", " [0:0]")
                    .replaceAll("br-[0-9a-f]{12}", "br-ID"));
        }
        return String.join("\n", out) + "\n";
    }

    /** The files-and-views run of the golden README: as SCENARIO, with h1 before the user network and no pall. */
    static final String FILES_SCENARIO = """
            dockerd icc: false
            container 'redis', expose: 6379
            container 'webapp', publish: ['4567', '127.0.0.1:5000:5000', '8080:80/udp'], link: 'redis:db'
            container 'h1', hostname: 'myhost', dns: '192.0.2.53', dnsSearch: 'example.com'
            network 'mynet', driver: 'bridge', subnet: '192.168.0.0/16', gateway: '192.168.0.1'
            container 'centos04', net: 'mynet'
            networkConnect 'mynet', 'webapp'
            """;

    /** The "== what" sections of a docker-container-*.txt golden (the shell's "+ ..." trace lines dropped). */
    static java.util.Map<String, String> containerFiles(String name) throws IOException {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        String key = null;
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(golden("docker-container-" + name + ".txt"))) {
            if (line.startsWith("+ ")) {
                continue;
            }
            if (line.startsWith("== ")) {
                if (key != null) {
                    out.put(key, b.toString());
                }
                key = line.substring(line.lastIndexOf(' ') + 1);
                b.setLength(0);
            } else {
                b.append(line).append('\n');
            }
        }
        out.put(key, b.toString());
        return out;
    }

    /** The "inet ..." and "inet6 ..." lines of {@code ip addr}, as they stand. */
    private static List<String> addressLines(String ipAddr) {
        return ipAddr.lines().map(String::strip).filter(l -> l.startsWith("inet")).toList();
    }

    /** Container IDs are random per run: every 12-hex word becomes ID. */
    static String ids(String text) {
        return text.replaceAll("\\b[0-9a-f]{12}\\b", "ID");
    }

    /** A command run inside, without a shell (a shell would add PWD to env), as docker exec runs it. */
    private String inside(String container, String command) {
        String argv = String.join("', '", command.split(" "));
        return ((netgroovy.dsl.Run) run("netns('" + container + "') { exec '" + argv + "' }")).getOut();
    }

    /**
     * The files inside each container equal Docker's, but for one deliberate difference:
     * on a user network netgroovy answers names from /etc/hosts (the seeds' era) where Docker
     * 20.10 runs its embedded DNS server at 127.0.0.11 — so a member's hosts file also lists
     * the other members, and its resolv.conf is derived from the host's (with
     * {@code resolver: 'embedded'} there is no difference: the next test).
     */
    @Test
    void containerFilesEqualDockers() throws IOException {
        run(FILES_SCENARIO);
        for (String name : List.of("webapp", "h1", "centos04")) {
            var golden = containerFiles(name);
            String hosts = inside(name, "cat /etc/hosts");
            if (!name.equals("h1")) {
                String peer = name.equals("webapp") ? "192.168.0.2\tcentos04\n" : "192.168.0.3\twebapp\n";
                assertTrue(hosts.contains(peer), "hosts mode: the other member by name\n" + hosts);
                hosts = hosts.replace(peer, "");
            }
            assertEquals(ids(golden.get("/etc/hosts")), ids(hosts), name + " /etc/hosts");
            assertEquals(ids(golden.get("hostname")), ids(inside(name, "hostname")), name + " hostname");
            String env = String.join("\n", inside(name, "env").lines().sorted().toList()) + "\n";
            assertEquals(ids(golden.get("env")), ids(env), name + " env");
            // busybox's ip and iproute2 print an address line alike; IPv6 is off in both (no ::1, no fe80::)
            assertEquals(addressLines(golden.get("addr")), addressLines(inside(name, "ip addr")), name + " ip addr");
        }
        assertEquals(containerFiles("h1").get("/etc/resolv.conf"), inside("h1", "cat /etc/resolv.conf"), "h1 resolv.conf");
        String hostResolv = Files.readString(Path.of("/etc/resolv.conf"));
        assertEquals(netgroovy.docker.EtcFiles.resolvConf(hostResolv, List.of(), List.of()), inside("webapp", "cat /etc/resolv.conf"),
                "hosts mode: webapp's resolv.conf is the host's, localhost servers removed (Docker: nameserver 127.0.0.11)");
    }

    /**
     * With dockerd's embedded DNS server ({@code resolver: 'embedded'}, Docker ≥1.10's way) the
     * files of the containers on the user network are Docker's exactly: small hosts files, and
     * resolv.conf {@code nameserver 127.0.0.11}, {@code options ndots:0} — also for webapp, which
     * joined the user network later — and the names answer through the server.
     */
    @Test
    void withTheEmbeddedResolverTheFilesOnAUserNetworkAreDockers() throws IOException {
        run(FILES_SCENARIO.replace("dockerd icc: false", "dockerd icc: false, resolver: 'embedded'"));
        for (String name : List.of("webapp", "centos04")) {
            var golden = containerFiles(name);
            assertEquals(ids(golden.get("/etc/hosts")), ids(inside(name, "cat /etc/hosts")), name + " /etc/hosts");
            assertEquals(golden.get("/etc/resolv.conf"), inside(name, "cat /etc/resolv.conf"), name + " /etc/resolv.conf");
        }
        assertEquals(containerFiles("h1").get("/etc/resolv.conf"), inside("h1", "cat /etc/resolv.conf"), "h1, on the default bridge only");
        assertTrue(inside("centos04", "getent hosts webapp").startsWith("192.168.0.3"));
    }

    @Test
    void iptablesSaveEqualsDockersWithoutUserlandProxy() throws IOException {
        run(SCENARIO);
        String expected = normalised(section("userland-proxy-false.txt", "iptables-save"));
        assertEquals(expected, normalised(Sh.ok("iptables-save")));
        // docker port webapp, without the [::] lines of Docker's default userland proxy
        assertEquals(section("userland-proxy-false.txt", "port webapp"), run("port 'webapp'") + "\n");
        String pall = Files.readString(golden("docker-port-pall.txt")).lines().filter(l -> !l.contains("[::]"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertEquals(pall, run("port 'pall'").toString());
    }

    /**
     * Docker's default mode, from the proxy-off golden and what the golden README and
     * libnetwork (drivers/bridge/setup_ip_tables.go, iptables/iptables.go, with
     * {@code hairpinMode = !EnableUserlandProxy}) say the userland proxy changes: {@code ! -d
     * 127.0.0.0/8} on the OUTPUT jump, {@code ! -i docker0} on each DNAT, a {@code -i BRIDGE -j
     * RETURN} at the top of nat DOCKER per bridge (Docker's "SKIP DNAT", newest first), and no
     * {@code -o BRIDGE -m addrtype --src-type LOCAL -j MASQUERADE} (Docker's "MASQ LOCAL HOST",
     * written only in hairpin mode).
     */
    static String withUserlandProxy(String noProxy) {
        List<String> out = new ArrayList<>();
        String table = "";
        for (String l : noProxy.split("\n")) {
            if (l.startsWith("*")) {
                table = l;
            }
            if (l.matches("-A POSTROUTING -o \\S+ -m addrtype --src-type LOCAL -j MASQUERADE")) {
                continue;
            }
            if (table.equals("*nat") && (l.startsWith("-A DOCKER ") || l.equals("COMMIT"))) {
                table = "*nat, RETURNs written"; // first in nat DOCKER (which comes last in nat)
                out.add("-A DOCKER -i br-ID -j RETURN");
                out.add("-A DOCKER -i docker0 -j RETURN");
            }
            if (l.equals("-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER")) {
                l = "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER";
            }
            if (l.contains(" -j DNAT ")) {
                l = l.replaceFirst("^(-A DOCKER(?: -d \\S+)?) ", "$1 ! -i docker0 ");
            }
            out.add(l);
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * With {@code userlandProxy: true}: iptables-save is Docker's default mode rule for rule,
     * route_localnet stays off, and {@code docker port} and inspect's Ports list the [::]
     * bindings exactly as the goldens (taken with the default proxy) do.
     */
    @Test
    @SuppressWarnings("unchecked")
    void withTheUserlandProxyRulesPortsAndInspectAreDockersDefault() throws IOException {
        run(SCENARIO.replace("dockerd icc: false", "dockerd icc: false, userlandProxy: true"));
        String expected = withUserlandProxy(normalised(section("userland-proxy-false.txt", "iptables-save")));
        assertEquals(expected, normalised(Sh.ok("iptables-save")));
        assertEquals("0\n", Sh.ok("sysctl", "-n", "net.ipv4.conf.docker0.route_localnet"));
        assertEquals(Files.readString(golden("docker-port-webapp.txt")).strip(), run("port 'webapp'").toString());
        assertEquals(Files.readString(golden("docker-port-pall.txt")).strip(), run("port 'pall'").toString());
        var slurper = new groovy.json.JsonSlurper();
        var golden = (java.util.Map<String, Object>) ((List<?>) slurper.parse(golden("docker-inspect-webapp.json").toFile())).get(0);
        var ours = (java.util.Map<String, Object>) ((List<?>) slurper.parseText((String) run("inspect 'webapp'"))).get(0);
        assertEquals(new java.util.TreeMap<>((java.util.Map<String, Object>) ((java.util.Map<String, Object>) golden.get("NetworkSettings")).get("Ports")),
                new java.util.TreeMap<>((java.util.Map<String, Object>) ((java.util.Map<String, Object>) ours.get("NetworkSettings")).get("Ports")));
    }

    /** With the userland proxy, removing everything leaves the proxy-mode base rules and nothing listening. */
    @Test
    void withTheUserlandProxyRemovingEverythingLeavesDockersBase() throws IOException {
        run(SCENARIO.replace("dockerd icc: false", "dockerd icc: false, userlandProxy: true"));
        run("rm 'pall'\nrm 'centos04'\nrm 'webapp'\nrm 'redis'\nnetworkRm 'mynet'");
        String expected = withUserlandProxy(normalised(section("userland-proxy-false.txt", "rm")))
                .replace("-A DOCKER -i br-ID -j RETURN\n", "").lines().filter(l -> !l.contains("port 6379 -j ACCEPT"))
                .collect(java.util.stream.Collectors.joining("\n")) + "\n";
        assertEquals(expected, normalised(Sh.ok("iptables-save")));
        assertEquals("", Sh.ok("ss", "-H", "-ltn") + Sh.ok("ss", "-H", "-lun"), "no proxy listens any more");
    }

    /**
     * After everything is removed, the rules equal Docker's, but for one deliberate
     * difference: Docker 20.10 leaves a removed link's two ACCEPT rules behind in filter
     * DOCKER; netgroovy removes every rule it wrote for a container with it.
     */
    @Test
    void afterRemovingEverythingTheRulesAreDockersLessItsLeftovers() throws IOException {
        run(SCENARIO);
        run("rm 'pall'\nrm 'centos04'\nrm 'webapp'\nrm 'redis'\nnetworkRm 'mynet'");
        String golden = normalised(section("userland-proxy-false.txt", "rm"));
        List<String> leftovers = golden.lines().filter(l -> l.contains("port 6379 -j ACCEPT")).toList();
        assertEquals(2, leftovers.size(), golden);
        String expected = golden.lines().filter(l -> !leftovers.contains(l)).collect(java.util.stream.Collectors.joining("\n")) + "\n";
        assertEquals(expected, normalised(Sh.ok("iptables-save")));
    }

    /** The CLI's views: inspect, network inspect, network ls, ps, shaped as Docker 20.10's. */
    @Test
    @SuppressWarnings("unchecked")
    void viewsAreShapedAsDockers() throws IOException {
        run(FILES_SCENARIO);
        var slurper = new groovy.json.JsonSlurper();
        var golden = (java.util.Map<String, Object>) ((List<?>) slurper.parse(golden("docker-inspect-webapp.json").toFile())).get(0);
        var ours = (java.util.Map<String, Object>) ((List<?>) slurper.parseText((String) run("inspect 'webapp'"))).get(0);
        assertEquals(((java.util.Map<?, ?>) golden.get("HostConfig")).get("NetworkMode"), ((java.util.Map<?, ?>) ours.get("HostConfig")).get("NetworkMode"));
        var gs = (java.util.Map<String, Object>) golden.get("NetworkSettings");
        var os = (java.util.Map<String, Object>) ours.get("NetworkSettings");
        var gp = (java.util.Map<String, List<java.util.Map<String, String>>>) gs.get("Ports");
        gp.values().forEach(l -> l.removeIf(b -> b.get("HostIp").equals("::"))); // the userland proxy's IPv6 bindings
        gp.put("4567/tcp", List.of(java.util.Map.of("HostIp", "0.0.0.0", "HostPort", ((List<java.util.Map<String, String>>) ((java.util.Map<?, ?>) os.get("Ports")).get("4567/tcp")).get(0).get("HostPort"))));
        assertEquals(new java.util.TreeMap<>(gp), new java.util.TreeMap<>((java.util.Map<String, Object>) os.get("Ports")));
        var gn = (java.util.Map<String, java.util.Map<String, Object>>) gs.get("Networks");
        var on = (java.util.Map<String, java.util.Map<String, Object>>) os.get("Networks");
        assertEquals(gn.keySet(), on.keySet());
        for (String net : gn.keySet()) {
            for (String field : List.of("Gateway", "IPAddress", "IPPrefixLen", "MacAddress")) {
                assertEquals(gn.get(net).get(field), on.get(net).get(field), net + " " + field);
            }
        }
        for (String field : List.of("Gateway", "IPAddress", "IPPrefixLen", "MacAddress")) {
            assertEquals(gs.get(field), os.get(field), field);
        }
        var gnet = (java.util.Map<String, Object>) ((List<?>) slurper.parse(golden("docker-network-inspect-mynet.json").toFile())).get(0);
        var onet = (java.util.Map<String, Object>) ((List<?>) slurper.parseText((String) run("networkInspect 'mynet'"))).get(0);
        for (String field : List.of("Name", "Scope", "Driver", "EnableIPv6", "Internal", "Options")) {
            assertEquals(gnet.get(field), onet.get(field), "network inspect " + field);
        }
        assertTrue(((String) onet.get("Id")).matches("[0-9a-f]{64}"));
        var members = (java.util.Map<String, java.util.Map<String, Object>>) onet.get("Containers");
        assertEquals(java.util.Set.of("webapp", "centos04"), members.values().stream().map(m -> m.get("Name")).collect(java.util.stream.Collectors.toSet()));
        members.keySet().forEach(id -> assertTrue(id.matches("[0-9a-f]{64}"), "containers keyed by ID: " + id));
        String ls = (String) run("networks");
        List<String> gls = Files.readAllLines(golden("docker-network-ls.txt"));
        assertEquals(gls.get(0), ls.lines().findFirst().orElseThrow(), "the header");
        assertEquals(gls.stream().skip(1).map(l -> l.substring(15).replaceAll("\\s+", " ")).toList(),
                ls.lines().skip(1).map(l -> l.substring(15).replaceAll("\\s+", " ")).toList(), "NAME DRIVER SCOPE, sorted by name");
        String ps = (String) run("ps");
        String webapp = ps.lines().filter(l -> l.contains(" webapp ")).findFirst().orElseThrow();
        // the Docker CLI's order: same-number bindings first, then the others by container port
        assertTrue(webapp.endsWith("127.0.0.1:5000->5000/tcp, 0.0.0.0:8080->80/udp, 0.0.0.0:32768->4567/tcp"), ps);
    }
}
