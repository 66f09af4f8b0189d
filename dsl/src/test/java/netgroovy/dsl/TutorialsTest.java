package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every tutorial script runs here, in the sandbox; each asserts what its prose claims
 * (pings that must work or fail, routes and ports that must be there).
 */
@ExtendWith(Sandboxed.class)
class TutorialsTest {
    static final Path HOME = Path.of(System.getenv().getOrDefault("NETGROOVY_HOME", ".."));

    static String run(Path script) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Session s = new Session(false, new PrintStream(out, true, StandardCharsets.UTF_8), "sandbox")) {
            new Engine(s).run(Files.readString(script), script.getFileName().toString());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @TestFactory
    Stream<DynamicTest> everyTutorialRunsAndItsAssertionsHold() throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(HOME.resolve("tutorials"))) {
            scripts = files.filter(p -> p.toString().endsWith(".netgroovy")).sorted().toList();
        }
        assertTrue(scripts.size() >= 3, "tutorials found: " + scripts);
        return scripts.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            // each tutorial runs in a sandbox of its own (Sandboxed forks each dynamic test)
            String out = run(p);
            assertTrue(out.contains("ok: "), "the tutorial reached its end:\n" + out);
            assertTrue(Files.exists(Path.of(p.toString().replace(".netgroovy", ".md"))), "prose for " + p);
        }));
    }

    @Test
    void tutorialOneConvergesWhenRunTwice() throws Exception {
        Path t = HOME.resolve("tutorials/01-bridge-and-two-containers.netgroovy");
        run(t);
        String before = Sh.ok("ip", "-o", "addr") + Sh.ok("ip", "-n", "web", "-o", "addr") + Sh.ok("ip", "-n", "web", "route");
        run(t);
        String after = Sh.ok("ip", "-o", "addr") + Sh.ok("ip", "-n", "web", "-o", "addr") + Sh.ok("ip", "-n", "web", "route");
        assertEquals(before, after);
    }

    @Test
    void attachRecipePutsAPidOnABridgeWithGatewayAndMac() throws Exception {
        Sh.ok("ip", "netns", "add", "box");
        Process p = new ProcessBuilder("ip", "netns", "exec", "box", "sleep", "60").start();
        try {
            Thread.sleep(200);
            long pid = p.pid(); // ip netns exec execs the command in place
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (Session s = new Session(false, new PrintStream(out), "sandbox")) {
                new Engine(s).run("""
                        bridge 'br1' cidr '192.168.1.1/24'
                        use 'attach'
                        attach 'br1', %d, '192.168.1.5/24@192.168.1.1', mac: '12:34:56:78:9a:bc'
                        """.formatted(pid), "attach-test");
            }
            assertEquals("12:34:56:78:9a:bc", Ip.link("box", "eth1").orElseThrow().get("address"));
            assertTrue(Ip.addresses("box", "eth1").contains("192.168.1.5/24"));
            assertTrue(Ip.routes("box", "-4").stream().anyMatch(r -> "default".equals(r.get("dst"))
                    && "192.168.1.1".equals(r.get("gateway"))));
            var ports = Ip.json(null, "link", "show", "master", "br1");
            assertEquals(1, ports.size());
            String hostEnd = "veth" + pid + "eth1";
            assertEquals(hostEnd.substring(0, Math.min(15, hostEnd.length())), ports.get(0).get("ifname"));
            assertTrue(Ip.ping("box", "192.168.1.1"));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void customBridgeRecipe() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Session s = new Session(false, new PrintStream(out, true, StandardCharsets.UTF_8), "sandbox")) {
            new Engine(s).run("use 'custom-bridge'\ncustomBridge 'bridge0', '192.168.5.1/24', mtu: 1400", "cb");
        }
        assertTrue(Ip.addresses(null, "bridge0").contains("192.168.5.1/24"));
        assertEquals(1400, Ip.link(null, "bridge0").orElseThrow().get("mtu"));
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("bridge name") && shown.contains("bridge0"), shown);
    }

    @Test
    void attachRefusesAnAddressOutsideTheBridgesSubnet() {
        try (Session s = new Session(false, new PrintStream(new ByteArrayOutputStream()), "sandbox")) {
            Engine e = new Engine(s);
            e.run("bridge 'br1' cidr '192.168.1.1/24'\nuse 'attach'", "t");
            var err = org.junit.jupiter.api.Assertions.assertThrows(DslException.class,
                    () -> e.run("\nattach 'br1', 'c1', '192.168.2.5/24'", "t"));
            assertEquals("t:2: 192.168.2.5/24 is outside br1's subnet 192.168.1.0/24", err.located());
            var gw = org.junit.jupiter.api.Assertions.assertThrows(DslException.class,
                    () -> e.run("attach 'br1', 'c1', '192.168.1.5/24@10.0.0.1'", "t"));
            assertEquals("t:1: gateway 10.0.0.1 is outside br1's subnet 192.168.1.0/24", gw.located());
        }
        assertEquals(List.of(), Ip.netnsList(), "nothing was made");
        assertEquals(List.of("lo", "br1"), Ip.linkNames(null));
    }
}
