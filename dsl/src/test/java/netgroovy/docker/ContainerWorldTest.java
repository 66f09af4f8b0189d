package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import groovy.json.JsonSlurper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Run;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A container's own world, as Docker gives it: its hostname in a UTS namespace of its own,
 * Docker's environment and nothing of ours, and the modes that share another's namespaces.
 * Checked from outside with nsenter and iproute2, and from inside with hostname and env.
 */
@ExtendWith(Sandboxed.class)
class ContainerWorldTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    private Object run(String script) {
        return engine.run(script, "world.netgroovy");
    }

    private String out(String script) {
        return ((Run) run(script)).getOut().strip();
    }

    @AfterEach
    void close() {
        session.close();
    }

    private static String hostname() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    @Test
    void aContainersHostnameIsItsShortIdAndStaysInside() throws Exception {
        String outside = hostname();
        run("container 'web'");
        Map<?, ?> inspect = (Map<?, ?>) ((List<?>) new JsonSlurper().parseText((String) run("inspect \'web\'"))).get(0);
        String id = (String) inspect.get("Id");
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        String path = "/run/netgroovy/uts/web";
        assertEquals(id.substring(0, 12), Sh.ok("nsenter", "--uts=" + path, "hostname").strip(), "seen from outside");
        assertEquals(id.substring(0, 12), out("netns('web') { sh 'hostname' }"), "seen from inside");
        assertEquals(id.substring(0, 12), Sh.in("web", "cat", "/etc/hostname").out().strip());

        // What DockerTest once did to the whole machine: rename from inside the container.
        run("netns('web') { sh 'hostname -F /etc/hostname; hostname renamed' }");
        assertEquals("renamed", Sh.ok("nsenter", "--uts=" + path, "hostname").strip());
        assertEquals(outside, hostname(), "the hostname outside the container did not change");

        run("rm 'web'");
        assertFalse(Files.exists(Path.of(path)), "rm takes the UTS namespace along");
    }

    @Test
    void processesInsideGetDockersEnvironmentAndNothingOfOurs() {
        run("""
                container 'db', expose: 6379
                container 'web', link: 'db:redis', hostname: 'webhost'
                """);
        TreeSet<String> env = new TreeSet<>(out("netns('web') { exec 'env' }").lines().toList());
        assertEquals(new TreeSet<>(List.of(
                "HOME=/",
                "HOSTNAME=webhost",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "REDIS_NAME=/web/redis",
                "REDIS_PORT=tcp://172.17.0.2:6379",
                "REDIS_PORT_6379_TCP=tcp://172.17.0.2:6379",
                "REDIS_PORT_6379_TCP_ADDR=172.17.0.2",
                "REDIS_PORT_6379_TCP_PORT=6379",
                "REDIS_PORT_6379_TCP_PROTO=tcp")), env);
        // A plain namespace keeps what `ip netns exec` gives: our own environment.
        run("netns 'plain'");
        assertTrue(out("netns('plain') { exec 'env' }").contains("NETGROOVY_SANDBOX_NET="));
    }

    @Test
    void aContainersCmdRunsInItsWorld() throws Exception {
        run("container 'app', hostname: 'apphost', cmd: 'hostname > /tmp/cmd-hostname; env > /tmp/cmd-env; sleep 30'");
        long deadline = System.currentTimeMillis() + 5000;
        while (!Files.exists(Path.of("/tmp/cmd-env")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(100);
        try {
            assertEquals("apphost", Files.readString(Path.of("/tmp/cmd-hostname")).strip());
            assertTrue(Files.readString(Path.of("/tmp/cmd-env")).contains("HOSTNAME=apphost"));
            assertFalse(Files.readString(Path.of("/tmp/cmd-env")).contains("NETGROOVY"), "none of our variables");
        } finally {
            Files.deleteIfExists(Path.of("/tmp/cmd-hostname"));
            Files.deleteIfExists(Path.of("/tmp/cmd-env"));
        }
    }

    @Test
    void containerAndHostModesCanBeEntered() throws Exception {
        run("""
                container 'app', hostname: 'apphost'
                container 'side', net: 'container:app'
                container 'h', net: 'host'
                """);
        assertEquals("apphost", out("netns('side') { sh 'hostname' }"), "side shares app's UTS namespace");
        assertTrue(out("netns('side') { sh 'ip -o -4 addr show eth0' }").contains("172.17.0.2/16"), "and its network");
        assertTrue(out("netns('side') { sh 'cat /etc/hosts' }").contains("172.17.0.2\tapphost"), "and its files");
        assertTrue(out("netns('h') { sh 'ip -o link show docker0' }").contains("docker0"), "h is on the host");
        assertEquals(hostname(), out("netns('h') { sh 'hostname' }"));
        assertTrue((Boolean) run("ping(from: 'side', to: '172.17.0.1').ok"));
        var refused = assertThrows(DslException.class, () -> run("container 'other', net: 'container:app', hostname: 'x'"));
        assertTrue(refused.getMessage().contains("hostname: cannot be given"), refused.getMessage());
    }

    @Test
    void aMisspeltNamespaceIsAnErrorNotANewNamespace() {
        run("container 'web'\nnetns 'lab1'");
        var typo = assertThrows(DslException.class, () -> run("\nnetns('wbe') { sh 'true' }"));
        assertEquals("world.netgroovy:2: no namespace or container 'wbe'; did you mean 'web'? (netns 'wbe' makes a new namespace)",
                typo.located());
        var other = assertThrows(DslException.class, () -> run("netns('zzzzzz') { }"));
        assertTrue(other.getMessage().contains("(there are: lab1, web; netns 'zzzzzz' makes a new namespace)"), other.getMessage());
        assertEquals(List.of("lab1", "web"), Ip.netnsList(), "nothing was made");
        // Made earlier in the same statement, or by iproute2: both fine.
        run("apply { netns 'c9'; netns('c9') { link 'lo' up } }");
        Sh.ok("ip", "netns", "add", "byip");
        assertEquals("", out("netns('byip') { sh 'true' }"));
    }

    @Test
    void theSandboxSetsOnlyItsOwnNamespacesSysctls() {
        var refused = assertThrows(DslException.class, () -> run("sysctl 'kernel.hostname', 'other'"));
        assertTrue(refused.getMessage().contains("only net.* keys"), refused.getMessage());
        run("sysctl 'net.ipv4.ip_forward', 1");
        assertEquals("1", Sh.ok("sysctl", "-n", "net.ipv4.ip_forward").strip());
    }
}
