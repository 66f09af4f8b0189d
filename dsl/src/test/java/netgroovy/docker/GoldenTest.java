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
     * the other members, and its resolv.conf is derived from the host's.
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
        }
        assertEquals(containerFiles("h1").get("/etc/resolv.conf"), inside("h1", "cat /etc/resolv.conf"), "h1 resolv.conf");
        String hostResolv = Files.readString(Path.of("/etc/resolv.conf"));
        assertEquals(netgroovy.docker.EtcFiles.resolvConf(hostResolv, List.of(), List.of()), inside("webapp", "cat /etc/resolv.conf"),
                "hosts mode: webapp's resolv.conf is the host's, localhost servers removed (Docker: nameserver 127.0.0.11)");
    }

    @Test
    void iptablesSaveEqualsDockersWithoutUserlandProxy() throws IOException {
        run(SCENARIO);
        String expected = normalised(section("userland-proxy-false.txt", "iptables-save"));
        assertEquals(expected, normalised(Sh.ok("iptables-save")));
    }
}
