package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Docker's default mode, {@code dockerd userlandProxy: true}: a proxy in the netgroovy
 * process serves every published port, and the rules leave it what DNAT cannot do. Checked
 * from outside the JVM: bash's /dev/tcp and /dev/udp as clients, {@code ss} for the
 * listeners, {@code sysctl} for route_localnet.
 */
@ExtendWith(Sandboxed.class)
class UserlandProxyTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    private Object run(String script) {
        return engine.run(script, "proxy.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    /** What a client in the host namespace (a bash, not the JVM) reads from ADDRESS:PORT over tcp or udp. */
    private static String bashClient(String proto, String address, int port) {
        // A datagram answer has no newline and no end: dd takes the one datagram.
        String read = proto.equals("udp") ? "echo hello >&3; timeout 3 dd bs=512 count=1 status=none <&3" : "timeout 3 head -n 1 <&3";
        return Sh.run("timeout", "5", "bash", "-c", "exec 3<>/dev/" + proto + "/" + address + "/" + port + "; " + read).out().strip();
    }

    /** The host's listening sockets (ss -ltn or -lun), one line each. */
    private static String listening(String proto) {
        return Sh.ok("ss", "-H", proto.equals("udp") ? "-lun" : "-ltn");
    }

    /**
     * The host's 127.0.0.1 reaches a container's published port through the proxy: in this
     * mode route_localnet stays 0 and the OUTPUT jump skips 127.0.0.0/8, so DNAT cannot do it.
     * The container sees the proxy's connection, from the bridge's address.
     */
    @Test
    void hostLoopbackReachesTheContainerThroughTheProxy() {
        run("""
                dockerd userlandProxy: true
                container 'web', publish: ['8080:80', '5353:53/udp']
                serve 'web', 80
                serve 'web', '53/udp'
                """);
        assertEquals("0\n", Sh.ok("sysctl", "-n", "net.ipv4.conf.docker0.route_localnet"), "no route_localnet in proxy mode");
        assertTrue(Sh.ok("iptables-save", "-t", "nat").contains("-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL"),
                Sh.ok("iptables-save", "-t", "nat"));
        assertTrue(listening("tcp").contains("*:8080"), "one dual-stack listener for 0.0.0.0:8080 and [::]:8080\n" + listening("tcp"));
        assertEquals("web saw 172.17.0.1", bashClient("tcp", "127.0.0.1", 8080));
        assertEquals("web saw 172.17.0.1", bashClient("tcp", "::1", 8080), "[::]:8080 too, as Docker's second docker-proxy");
        assertEquals("web saw 172.17.0.1", bashClient("udp", "127.0.0.1", 5353));
        // A container reaching its own published port through the host: -i docker0 -j RETURN
        // leaves the connection to the proxy (no hairpin mode on the bridge port is needed).
        assertEquals("web saw 172.17.0.1", run("connect from: 'web', to: '172.17.0.1:8080'"));
        assertFalse(Sh.ok("ip", "-d", "link", "show", "master", "docker0").contains("hairpin on"), "no hairpin mode in proxy mode");

        run("rm 'web'");
        assertFalse(listening("tcp").contains(":8080"), "rm stops the proxy\n" + listening("tcp"));
        assertFalse(listening("udp").contains(":5353"), "both protocols\n" + listening("udp"));
    }

    /** Without the proxy (netgroovy's default) 127.0.0.1 works by NAT alone, and nothing listens on the host port. */
    @Test
    void withoutTheProxyNothingListens() {
        run("""
                container 'web', publish: '8080:80'
                serve 'web', 80
                """);
        assertFalse(listening("tcp").contains(":8080"), listening("tcp"));
        assertEquals("1\n", Sh.ok("sysctl", "-n", "net.ipv4.conf.docker0.route_localnet"));
        assertEquals("web saw 172.17.0.1", bashClient("tcp", "127.0.0.1", 8080), "DNAT + route_localnet + MASQUERADE");
    }

    /** unpublish stops serving, as it removes the rules; publishing again serves again; teardown stops it all. */
    @Test
    void unpublishAndTeardownStopTheProxy() {
        run("""
                dockerd userlandProxy: true
                container 'web'
                serve 'web', 80
                publish 'web', '8080:80'
                """);
        assertEquals("web saw 172.17.0.1", bashClient("tcp", "127.0.0.1", 8080));
        run("unpublish 'web'");
        assertFalse(listening("tcp").contains(":8080"), listening("tcp"));
        assertEquals("", bashClient("tcp", "127.0.0.1", 8080));
        run("publish 'web', '8080:80'");
        assertEquals("web saw 172.17.0.1", bashClient("tcp", "127.0.0.1", 8080));
        run("teardown()");
        assertFalse(listening("tcp").contains(":8080"), listening("tcp"));
    }

    /**
     * A host port another program holds: the statement fails naming the port, and leaves
     * nothing behind — no namespace, no veth, no rule.
     */
    @Test
    void aTakenPortFailsTheWholeStatement() throws IOException {
        run("dockerd userlandProxy: true");
        String before = GoldenTest.normalised(Sh.ok("iptables-save"));
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress("127.0.0.1", 8080));
            DslException e = assertThrows(DslException.class, () -> run("container 'web', publish: '8080:80'"));
            assertTrue(e.getMessage().contains("0.0.0.0:8080/tcp") && e.getMessage().contains("web"), e.getMessage());
            assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
        }
        assertFalse(Ip.netnsList().contains("web"), Ip.netnsList().toString());
        assertEquals(java.util.List.of("docker0", "lo"), Ip.linkNames(null).stream().sorted().toList());
        assertEquals(before, GoldenTest.normalised(Sh.ok("iptables-save")), "no rule of the failed statement is left");
        assertFalse(Files.exists(java.nio.file.Path.of("/etc/netns/web")), "nor its files");
        run("container 'web', publish: '8080:80'"); // the port is free again: the same statement now works
        assertTrue(listening("tcp").contains("*:8080"), listening("tcp"));
    }

    /** -P with the proxy passes over a port some other program holds, as Docker's portmapper retries. */
    @Test
    void ephemeralPortsPassOverTakenOnes() throws IOException {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress("0.0.0.0", 40000));
            run("""
                    dockerd userlandProxy: true, portRange: '40000-40009'
                    container 'web', publish: '80'
                    """);
            assertEquals("0.0.0.0:40001\n[::]:40001", run("port 'web', 80").toString());
        }
    }

    /** As Docker with --iptables=false: no rule at all, but the proxy still serves the port (from the host's addresses). */
    @Test
    void withoutRulesTheProxyAloneServes() {
        run("""
                dockerd userlandProxy: true, iptables: false
                container 'web', publish: '8080:80'
                serve 'web', 80
                """);
        assertFalse(Sh.ok("iptables-save").contains("DNAT"), Sh.ok("iptables-save"));
        assertEquals("web saw 172.17.0.1", bashClient("tcp", "127.0.0.1", 8080));
        assertEquals("80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080", run("port 'web'").toString());
    }

    /** explain (and --dry-run) print the proxy as the docker-proxy process Docker would start. */
    @Test
    void explainNamesTheDockerProxy() {
        String said = run("explain { dockerd userlandProxy: true; container 'web', publish: '8080:80' }").toString();
        assertTrue(said.contains("docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80"), said);
        assertFalse(said.contains("route_localnet"), said);
        assertFalse(listening("tcp").contains(":8080"), "explained only");
    }

    /** With --ipv6, what reaches [::]:P goes to the container's IPv6 address, as Docker's -host-ip :: docker-proxy sends it. */
    @Test
    void ipv6ClientsReachTheContainersIpv6Address() {
        run("""
                dockerd userlandProxy: true, ipv6: true, fixedCidrV6: '2001:db8:1::/64'
                container 'web', publish: ['8080:80', '5353:53/udp']
                serve 'web', 80
                serve 'web', '53/udp'
                """);
        assertEquals("web saw 172.17.0.1", bashClient("tcp", "127.0.0.1", 8080));
        assertEquals("web saw 2001:db8:1:0:0:0:0:1", bashClient("tcp", "::1", 8080), "by IPv6 to the container's IPv6 address, from docker0's (Java's long form)");
        assertEquals("web saw 2001:db8:1:0:0:0:0:1", bashClient("udp", "::1", 5353));
        String said = run("explain { publish 'web', '9090:90' }").toString();
        assertTrue(said.contains("-host-ip :: -host-port 9090 -container-ip 2001:db8:1::242:ac11:2 -container-port 90"), said);
    }
}
