package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Run;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Docker 20.10's behaviour where netgroovy used to differ: -b without --bip, links' ports and environment. */
@ExtendWith(Sandboxed.class)
class DockerProfileTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    private Object run(String script) {
        return engine.run(script, "profile.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    private List<String> env(String container) {
        Run r = (Run) run("netns('" + container + "') { sh 'env' }");
        return Arrays.stream(r.getOut().split("\n")).sorted().toList();
    }

    /** Item 4: seed 002's own bridge, -b without --bip: containers take its subnet and gateway. */
    @Test
    void ownBridgeWithoutBipGivesItsSubnetAndGateway() {
        run("""
                bridge 'bridge0' cidr '10.20.0.1/24'
                dockerd bridge: 'bridge0'
                container 'a'
                """);
        assertTrue(Ip.addresses("a", "eth0").contains("10.20.0.2/24"), Ip.addresses("a", "eth0").toString());
        assertTrue(Ip.routes("a", "-4").stream().anyMatch(r -> "default".equals(r.get("dst")) && "10.20.0.1".equals(r.get("gateway"))));
        assertTrue(Ip.ping("a", "10.20.0.1"), "the gateway is the bridge");
    }

    /** Item 5: -p ports count as exposed, _PORT is the lowest, a run of ports gets _START/_END, _ENV_ from env:. */
    @Test
    void linkEnvironmentAsDockerWritesIt() {
        run("""
                container 'db', expose: ['8000-8002', '53/udp'], publish: '6379', env: [SECRET: 'x', PATH: '/bin']
                container 'web', link: 'db:db'
                """);
        List<String> env = env("web");
        for (String line : List.of("DB_PORT=udp://172.17.0.2:53", "DB_PORT_53_UDP=udp://172.17.0.2:53",
                "DB_PORT_6379_TCP=tcp://172.17.0.2:6379", "DB_PORT_6379_TCP_PORT=6379",
                "DB_PORT_8000_TCP_START=tcp://172.17.0.2:8000", "DB_PORT_8000_TCP_PORT_START=8000",
                "DB_PORT_8000_TCP_END=tcp://172.17.0.2:8002", "DB_PORT_8000_TCP_PORT_END=8002",
                "DB_PORT_8001_TCP_ADDR=172.17.0.2", "DB_NAME=/web/db", "DB_ENV_SECRET=x")) {
            assertTrue(env.contains(line), line + " in " + env);
        }
        assertFalse(env.stream().anyMatch(l -> l.startsWith("DB_ENV_PATH")), "PATH is not passed on, as in Docker");
        assertTrue(env("db").contains("SECRET=x"), "the container's own env:");
    }

    /** Item 5: under icc: false, a link to a container that only publishes opens the published port. */
    @Test
    void iccFalseLinkToAPublishingContainer() {
        run("""
                dockerd icc: false
                container 'db', publish: '6379'
                container 'web', link: 'db:db'
                container 'other'
                serve 'db', 6379
                serve 'db', 22
                """);
        assertEquals("db saw 172.17.0.3", run("connect from: 'web', to: '172.17.0.2:6379'"), "the linked port");
        assertNull(run("connect from: 'web', to: '172.17.0.2:22'"), "only that port");
        assertNull(run("connect from: 'other', to: '172.17.0.2:6379'"), "only for the linked container");
    }

    /** Item 8: --mtu reaches the containers' eth0; --iptables=false still forwards, and says published ports are unreachable. */
    @Test
    void mtuAndIptablesFalse() {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Session s = new Session(false, new PrintStream(said, true, StandardCharsets.UTF_8), "sandbox");
        try {
            new Engine(s).run("""
                    dockerd mtu: 1400, iptables: false
                    container 'a', publish: '8080:80'
                    """, "p");
        } finally {
            s.close();
        }
        assertEquals(1400, Ip.link("a", "eth0").orElseThrow().get("mtu"), "eth0 inside");
        assertEquals("1\n", netgroovy.testing.Sh.ok("sysctl", "-n", "net.ipv4.ip_forward"), "Docker forwards with --iptables=false too");
        assertTrue(said.toString().contains("NOT reachable"), said.toString());
    }

    /** Item 6: a container's own dns:/dnsSearch: stay when it joins and leaves networks. */
    @Test
    void ownDnsSurvivesNetworkChanges() {
        run("""
                dockerd dns: '192.0.2.1'
                network 'n1'
                container 'h', dns: '192.0.2.53', dnsSearch: 'example.com'
                networkConnect 'n1', 'h'
                container 'other', net: 'n1'
                networkDisconnect 'n1', 'h'
                """);
        assertEquals("search example.com\nnameserver 192.0.2.53\n", netgroovy.testing.Sh.in("h", "cat", "/etc/resolv.conf").out());
        assertTrue(netgroovy.testing.Sh.in("other", "cat", "/etc/resolv.conf").out().contains("nameserver 192.0.2.1"), "the daemon's");
    }

    /** Item 3: -P ports come from ip_local_port_range (32768+ here); dockerd portRange: sets the seeds' 49153-65535. */
    @Test
    void portRangeOfTheDaemon() {
        run("container 'a', publish: '80'");
        assertEquals(List.of("80/tcp -> 0.0.0.0:32768"), run("port 'a'"));
        run("teardown");
        run("""
                dockerd portRange: '49153-65535'
                container 'b', publish: '80'
                """);
        assertEquals(List.of("80/tcp -> 0.0.0.0:49153"), run("port 'b'"));
    }

    /**
     * Issue 10, item 2: Docker's port allocator continues after the last port it gave (for
     * that host address and protocol), wrapping round at the range's end; a released port is
     * not taken again at once.
     */
    @Test
    void ephemeralPortsContinueAfterTheLastOneAndWrapRound() {
        run("""
                dockerd portRange: '40000-40002'
                container 'a', publish: '80'
                """);
        assertEquals(List.of("80/tcp -> 0.0.0.0:40000"), run("port 'a'"));
        run("rm 'a'\ncontainer 'b', publish: '80'");
        assertEquals(List.of("80/tcp -> 0.0.0.0:40001"), run("port 'b'"), "not 40000 again, though it is free");
        run("container 'c', publish: ['80', '53/udp']");
        assertEquals(List.of("53/udp -> 0.0.0.0:40000", "80/tcp -> 0.0.0.0:40002"), run("port 'c'"), "udp counts apart from tcp");
        run("container 'd', publish: '80'");
        assertEquals(List.of("80/tcp -> 0.0.0.0:40000"), run("port 'd'"), "wrapped round to the free 40000");
        run("rm 'b'\ncontainer 'e', publish: '127.0.0.1::80'");
        assertEquals(List.of("80/tcp -> 127.0.0.1:40001"), run("port 'e'"),
                "another host address counts apart (from the start), and skips what 0.0.0.0 holds (40000)");
    }

    /**
     * Issue 10, item 3: Docker 20.10 (libnetwork's setupDefaultSysctl) writes accept_ra=0 on
     * every bridge it makes, with or without IPv6, and leaves the host's own settings alone.
     */
    @Test
    void bridgesIgnoreRouterAdvertisements() {
        String all = netgroovy.testing.Sh.ok("sysctl", "-n", "net.ipv6.conf.all.accept_ra");
        run("""
                dockerd()
                network 'n1'
                """);
        String br = (String) ((java.util.Map<?, ?>) ((List<?>) new groovy.json.JsonSlurper().parseText((String) run("networkInspect 'n1'"))).get(0))
                .get("Bridge");
        assertEquals("0\n", netgroovy.testing.Sh.ok("sysctl", "-n", "net.ipv6.conf.docker0.accept_ra"));
        assertEquals("0\n", netgroovy.testing.Sh.ok("cat", "/proc/sys/net/ipv6/conf/" + br + "/accept_ra"), br);
        assertEquals(all, netgroovy.testing.Sh.ok("sysctl", "-n", "net.ipv6.conf.all.accept_ra"), "the host's own is left alone");
    }
}
