package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One grammar (issue 13): the design card's {@code < >} notation, the block forms of every
 * word that takes settings, chains that behave alike, and the errors of the grammar — each
 * checked on the real kernel with {@code ip -j} as the observer.
 */
@ExtendWith(Sandboxed.class)
class GrammarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Session session;
    private Engine engine;

    private Object run(String script) {
        if (session == null) {
            session = new Session(false, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
            engine = new Engine(session);
        }
        return engine.run(script, "test.netgroovy");
    }

    private DslException fails(String script) {
        return assertThrows(DslException.class, () -> run(script));
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    private static boolean up(String ns, String link) {
        return ((List<?>) Ip.link(ns, link).orElseThrow().get("flags")).contains("UP");
    }

    private static List<String> v4(String ns, String link) {
        return Ip.addresses(ns, link).stream().filter(a -> !a.contains(":")).toList();
    }

    @Test
    void theDesignCardsThreeLinesVerbatim() throws Exception {
        Sh.ok("ip", "netns", "add", "box");
        Process p = new ProcessBuilder("ip", "netns", "exec", "box", "sleep", "60").start();
        try {
            Thread.sleep(200);
            long pid = p.descendants().findFirst().map(ProcessHandle::pid).orElse(p.pid());
            session = new Session(false, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
            engine = new Engine(session);
            engine.binding().setVariable("pid", pid);
            run("""
                    bridge 'bridge0' < cidr '192.168.5.1/24' >
                    veth('A','B')
                    link 'B' into netns(pid)
                    """);
            assertEquals(List.of("192.168.5.1/24"), v4(null, "bridge0"));
            assertTrue(up(null, "bridge0"));
            assertTrue(Ip.link(null, "A").isPresent());
            assertTrue(Ip.link("box", "B").isPresent(), "B went into the process's namespace");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void angleSettingsMeanTheSameAsBraceSettings() {
        run("""
                bridge 'b1' < cidr '10.1.0.1/24'; mtu 1400 >
                bridge 'b2' { cidr '10.2.0.1/24'; mtu 1400 }
                bridge('b3') { cidr '10.3.0.1/24'; stp off; mtu 1400 }
                bridge 'b4' <
                    cidr '10.4.0.1/24'
                    mtu 1400
                >
                """);
        for (int i = 1; i <= 4; i++) {
            assertEquals(List.of("10." + i + ".0.1/24"), v4(null, "b" + i));
            assertEquals(1400, ((Number) Ip.link(null, "b" + i).get().get("mtu")).intValue());
        }
    }

    @Test
    void everyWordThatTakesSettingsTakesTheBlock() {
        run("""
                bridge 'br0' < cidr '10.0.0.1/24' >
                netns 'c1' { }
                netns 'c2' < >
                veth 'A', 'B' < master 'br0'; up >
                veth('C', 'D') { master 'br0'; up }
                veth 'E', 'F', peerIn: 'c2' < up >
                link 'B' < into 'c1'; rename 'eth0'; up >
                link('D') { into 'c2'; up }
                netns 'c1' < addr '10.0.0.2/24' < dev 'eth0' >; route 'default' < via '10.0.0.1' > >
                netns('c2') { addr('10.0.0.3/24') { dev 'D' } }
                route '10.9.0.0/24' < dev 'br0' >
                unroute('10.9.0.0/24') { dev 'br0' }
                """);
        assertTrue(up("c1", "eth0"));
        assertEquals("br0", Ip.link(null, "A").get().get("master"));
        assertEquals("br0", Ip.link(null, "C").get().get("master"));
        assertTrue(Ip.link("c2", "F").isPresent());
        assertTrue(up("c2", "D"));
        assertEquals(List.of("10.0.0.2/24"), v4("c1", "eth0"));
        assertEquals(List.of("10.0.0.3/24"), v4("c2", "D"));
        assertTrue(Ip.routes("c1", "-4").stream().anyMatch(r -> "default".equals(r.get("dst")) && "10.0.0.1".equals(r.get("gateway"))));
        assertTrue(Ip.routes(null, "-4").stream().noneMatch(r -> "10.9.0.0/24".equals(r.get("dst"))));
        assertTrue(Ip.ping("c1", "10.0.0.1"));
    }

    @Test
    void aSettingsBlockIsOnePlanWithItsWord() {
        DslException e = fails("bridge 'b0' < cidr '10.0.0.1/24'; mtu 9 >");
        assertTrue(e.getMessage().contains("MTU 9 is out of range"), e.getMessage());
        assertFalse(Ip.link(null, "b0").isPresent(), "nothing of the failed statement is made");
    }

    @Test
    void notationIsOnTokensNotInStringsOrCommentsAndKeepsLines() {
        String src = """
                // bridge 'x' < cidr '1.2.3.4/24' >
                println "bridge 'y' < mtu 1 >"
                def same = 1 < 2 && 3 > 2
                bridge 'b0' <
                  mtu 1400
                >
                bridge 'b1' { mtu 1400 } ; List<String> names = ['a']
                """;
        SettingsNotation.Rewritten r = SettingsNotation.rewrite(src);
        assertEquals(src.lines().count(), r.text().lines().count());
        List<String> lines = r.text().lines().toList();
        assertEquals("// bridge 'x' < cidr '1.2.3.4/24' >", lines.get(0));
        assertEquals("println \"bridge 'y' < mtu 1 >\"", lines.get(1));
        assertEquals("def same = 1 < 2 && 3 > 2", lines.get(2));
        assertEquals("bridge('b0') {", lines.get(3));
        assertEquals("__netnsMade('c1') { }", SettingsNotation.rewrite("netns 'c1' < >").text());
        assertEquals("}", lines.get(5));
        assertEquals("bridge('b1') { mtu 1400 } ; List<String> names = ['a']", lines.get(6));
        assertEquals(0, r.unclosedLine());
        assertEquals(2, SettingsNotation.rewrite("netns 'c1'\nbridge 'b0' < mtu 1400\n").unclosedLine());
    }

    @Test
    void errorsKeepTheirLineThroughTheRewrite() {
        DslException e = fails("""
                bridge 'b0' <
                  cidr '10.0.0.1/24'
                  mtu 9
                >
                """);
        assertEquals(3, e.line(), e.located());
    }

    @Test
    void chainsBehaveAlikeOnEveryObject() {
        run("""
                bridge 'b0' cidr '10.0.0.1/24'
                link 'b0' down
                bridge 'b0' up
                veth('A', 'B')
                link 'A' up
                """);
        assertTrue(up(null, "b0"));
        assertTrue(up(null, "A"));
    }

    @Test
    void grammarErrorsSayWhatIsMissing() {
        run("veth('A', 'B')");
        DslException noDev = fails("addr '10.0.0.1/24'");
        assertTrue(noDev.getMessage().contains("addr 10.0.0.1/24 needs the link it goes on: addr '10.0.0.1/24' dev 'eth0'"), noDev.getMessage());
        assertTrue(Ip.addresses(null, "A").stream().noneMatch(a -> a.startsWith("10.0.0.1")));

        DslException noValue = fails("bridge 'b0' cidr");
        assertTrue(noValue.getMessage().contains("'cidr' after bridge needs a value: a value in quotes, like cidr 'VALUE'"), noValue.getMessage());
        assertFalse(Ip.link(null, "b0").isPresent());

        DslException noMtu = fails("link 'A' mtu");
        assertTrue(noMtu.getMessage().contains("'mtu' after link needs a value: a number, like mtu 1400"), noMtu.getMessage());

        DslException open = fails("netns 'c1'\nbridge 'b0' < cidr '10.0.0.1/24'\n");
        assertEquals(2, open.line());
        assertTrue(open.getMessage().contains("settings opened with '<' are not closed with '>'"), open.getMessage());

        DslException netns = fails("netns 'c1', 'c2' < >");
        assertTrue(netns.getMessage().startsWith("wrong arguments for 'netns'"), netns.getMessage());

        DslException stray = fails("bridge 'b0' cidr '10.0.0.1/24' >");
        assertTrue(stray.hint().contains("bridge 'b0' < cidr '10.0.0.1/24'; mtu 1400 >"), stray.hint());
    }

    @Test
    void namedOptionsAreCheckedByNameAndKind() {
        DslException typo = fails("ping to: '127.0.0.1', cout: 3");
        assertEquals("test.netgroovy:1: ping has no option 'cout'; did you mean 'count'?", typo.located());
        DslException kind = fails("ping(to: '127.0.0.1', count: 'three')");
        assertEquals("test.netgroovy:1: ping count: 'three' is not a number (like ping count: 3)", kind.located());
        assertFalse(kind.getCause() instanceof ClassCastException);

        DslException peer = fails("netns 'c1'\nveth 'A', 'B', peerin: 'c1'");
        assertEquals("test.netgroovy:2: veth has no option 'peerin'; did you mean 'peerIn'?", peer.located());
        assertFalse(Ip.link(null, "A").isPresent());

        DslException docker = fails("container 'web', hostnme: 'w1'");
        assertEquals("test.netgroovy:1: container has no option 'hostnme'; did you mean 'hostname'?", docker.located());
        assertFalse(Ip.netnsList().contains("web"), "nothing was made");
        DslException flag = fails("dockerd icc: 'no'");
        assertEquals("test.netgroovy:1: dockerd icc: 'no' is not true or false (on or off) (like dockerd icc: true)", flag.located());
        assertFalse(Ip.link(null, "docker0").isPresent());
        DslException fw = fails("firewall 'docker0', masquerad: false");
        assertEquals("test.netgroovy:1: firewall has no option 'masquerad'; did you mean 'masquerade'?", fw.located());
        DslException capture = fails("capture on: 'lo', count: 'ten'");
        assertTrue(capture.getMessage().startsWith("capture count: 'ten' is not a number"), capture.getMessage());
    }

    @Test
    void aHelperMethodCalledAsOneStatementIsOnePlan() {
        DslException e = fails("""
                def endpoint(n) {
                    netns "c$n"
                    veth "h$n", "e$n"
                    link "e$n" into "c$n"
                    netns("c$n") {
                        link "e$n" up
                        addr '10.0.0.2/24' dev "e$n"
                    }
                    link "h$n" master 'nobridge'
                }
                endpoint(1)
                """);
        assertEquals(9, e.line(), "the line that planned the failed step: " + e.located());
        assertTrue(e.getMessage().contains("nobridge"), e.getMessage());
        assertFalse(Ip.netnsList().contains("c1"), "nothing of endpoint(1) was left: " + Ip.netnsList());
        assertFalse(Ip.link(null, "h1").isPresent());

        run("""
                bridge 'br0' cidr '10.0.0.1/24'
                endpoint = { n ->
                    netns "c$n"
                    veth "h$n", "e$n", peerIn: "c$n"
                    link "h$n" master 'br0' up
                    netns("c$n") { link "e$n" up; addr "10.0.0.${n + 1}/24" dev "e$n" }
                }
                endpoint(1)
                """);
        assertTrue(Ip.ping("c1", "10.0.0.1"), "the helper closure worked as a whole");
        DslException half = fails("[endpoint(2), link('h2').mtu(9)]");
        assertTrue(half.getMessage().contains("MTU 9"), half.getMessage());
        assertFalse(Ip.netnsList().contains("c2"), "a failing statement that called the helper left nothing");
    }

    @Test
    void aStatementsErrorIsCaughtAtTheStatementThatFailedEvenInAHelper() {
        run("""
                caught = []
                def wire(n) {
                    bridge "ok$n"
                    try { link 'nope' up } catch (e) { caught << e.message }
                }
                wire(1)
                try { link 'nope2' master 'x' } catch (e) { caught << e.message }
                assert caught.size() == 2
                println caught
                """);
        assertTrue(Ip.link(null, "ok1").isPresent(), "the helper went on after the caught failure");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("link nope does not exist") && out.contains("link x does not exist"), out);
    }

    @Test
    void scriptsCanBeTypeCheckedAndCompiledStatically() {
        run("""
                @groovy.transform.TypeChecked
                void wire() {
                    bridge('tb0') { cidr '10.5.0.1/24'; mtu 1400; stp off }
                    veth('TA', 'TB').master('tb0').up()
                    link('TB') { up }
                }
                @groovy.transform.CompileStatic
                void more() {
                    bridge('tb1') { cidr '10.6.0.1/24' }
                    veth 'TC', 'TD', peerIn: netns('tc1')
                    PingResult p = ping(to: '10.5.0.1', count: 1)
                    assert p.ok
                }
                wire()
                more()
                """);
        assertEquals(List.of("10.5.0.1/24"), v4(null, "tb0"));
        assertEquals("tb0", Ip.link(null, "TA").get().get("master"));
        assertTrue(up(null, "TB"));
        assertTrue(Ip.link("tc1", "TD").isPresent());
        DslException wrong = fails("""
                @groovy.transform.TypeChecked
                void bad() {
                    bridge('tb2') { cidr 42 }
                }
                """);
        assertTrue(wrong.getMessage().contains("cidr"), "the type checker names the word: " + wrong.getMessage());
    }

    @Test
    void containerReturnsTheContainerAsDockerShowsIt() {
        Object web = run("""
                dockerd()
                web = container 'web', publish: '8080:80'
                """);
        assertTrue(web instanceof ContainerRef, String.valueOf(web));
        ContainerRef c = (ContainerRef) web;
        assertEquals("web", c.getName());
        assertTrue(Ip.addresses("web", "eth0").contains(c.getIp() + "/16"), c.getIp() + " is eth0's: " + Ip.addresses("web", "eth0"));
        assertEquals(Ip.link("web", "eth0").get().get("address"), c.getMac());
        assertEquals("bridge", c.getNetwork());
        assertEquals(64, c.getId().length());
        assertEquals(List.of("80/tcp -> 0.0.0.0:8080"), c.getPorts());
        String shown = c.toString();
        assertTrue(shown.startsWith("CONTAINER ID") && shown.contains(c.getId().substring(0, 12)) && shown.contains("0.0.0.0:8080->80/tcp"), shown);
        assertEquals(true, run("def w = container 'web', publish: '8080:80'\nw.ip == '" + c.getIp() + "'"), "said again, the same container");
        run("container 'app'");
        assertEquals(true, run("ping(from: web, to: container('app')).ok"), "a container goes where a container's name does");
        run("delete web");
        assertFalse(Ip.netnsList().contains("web"), "delete removes a container as rm does");
    }

    @Test
    void networkReturnsTheNetworkAsDockerShowsIt() {
        Object made = run("""
                dockerd()
                net = network 'n1', subnet: '172.30.0.0/16'
                container 'c1', net: net.name
                net
                """);
        assertTrue(made instanceof NetworkRef, String.valueOf(made));
        NetworkRef n = (NetworkRef) made;
        assertEquals("n1", n.getName());
        assertEquals(64, n.getId().length());
        assertEquals(n.getId(), n.toString(), "printed by its ID, as docker network create prints it");
        assertEquals("br-" + n.getId().substring(0, 12), n.getBridge());
        assertTrue(Ip.addresses(null, n.getBridge()).contains("172.30.0.1/16"), "the bridge ip shows has the gateway: " + Ip.addresses(null, n.getBridge()));
        assertEquals("172.30.0.0/16", n.getSubnet());
        assertEquals("172.30.0.1", n.getGateway());
        assertEquals(List.of("c1"), n.getContainers());
        DslException busy = org.junit.jupiter.api.Assertions.assertThrows(DslException.class, () -> run("delete net"));
        assertTrue(busy.getMessage().contains("containers attached: c1"), busy.getMessage());
        run("rm 'c1'\ndelete net");
        assertFalse(Ip.link(null, n.getBridge()).isPresent(), "delete removes a network as networkRm does");
    }

    @Test
    void deleteTakesAddressesAndRoutesToo() {
        run("""
                netns 'c1'
                veth 'x0', 'eth0', peerIn: 'c1'
                netns('c1') {
                    link 'eth0' up
                    addr '10.9.0.2/24' dev 'eth0'
                    addr '10.9.0.3/24' dev 'eth0'
                    route '10.50.0.0/16' via '10.9.0.1'
                }
                """);
        assertTrue(Ip.addresses("c1", "eth0").contains("10.9.0.3/24"));
        assertTrue(Ip.routes("c1", "-4").stream().anyMatch(r -> "10.50.0.0/16".equals(r.get("dst"))));
        run("""
                netns('c1') {
                    delete addr('10.9.0.3/24') dev 'eth0'
                    delete route('10.50.0.0/16') via '10.9.0.1'
                }
                """);
        assertFalse(Ip.addresses("c1", "eth0").contains("10.9.0.3/24"), "the address went: " + Ip.addresses("c1", "eth0"));
        assertTrue(Ip.addresses("c1", "eth0").contains("10.9.0.2/24"), "and only that one");
        assertFalse(Ip.routes("c1", "-4").stream().anyMatch(r -> "10.50.0.0/16".equals(r.get("dst"))), "the route went: " + Ip.routes("c1", "-4"));
        DslException e = fails("delete 'c1'");
        assertTrue(e.getMessage().contains("delete takes") && e.getMessage().contains("rm 'c1'"), e.getMessage());
    }
}
