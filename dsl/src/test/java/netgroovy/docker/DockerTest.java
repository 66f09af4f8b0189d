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

/** Containers as Docker wires them, checked with iproute2 and with tools run inside (getent, env). */
@ExtendWith(Sandboxed.class)
class DockerTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    private Object run(String script) {
        return engine.run(script, "docker.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void theClassicDocker0AndAContainerWiredInFiveSteps() {
        run("container 'db'");
        assertTrue(Ip.addresses(null, "docker0").contains("172.17.0.1/16"));
        assertEquals("02:42:ac:11:00:02", Ip.link("db", "eth0").orElseThrow().get("address"), "MAC from the address");
        assertTrue(Ip.addresses("db", "eth0").contains("172.17.0.2/16"));
        assertTrue(Ip.routes("db", "-4").stream().anyMatch(r -> "default".equals(r.get("dst")) && "172.17.0.1".equals(r.get("gateway"))));
        assertTrue(((List<?>) Ip.link("db", "lo").orElseThrow().get("flags")).contains("UP"));
        var ports = Ip.json(null, "link", "show", "master", "docker0");
        assertEquals(1, ports.size());
        assertTrue(((String) ports.get(0).get("ifname")).startsWith("veth"));
        assertTrue(Sh.ok("iptables-save", "-t", "nat").contains("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0"), "masquerade");
        assertTrue(Ip.ping("db", "172.17.0.1"));
    }

    /**
     * rm ends with the container's veth gone from the bridge, as Docker's does: the kernel takes
     * it with the namespace a moment after the namespace's deletion, or (here: another process
     * still holds the namespace) rm deletes it itself.
     */
    @Test
    void rmEndsWithTheVethGoneEvenWhileSomethingHoldsTheNamespace() throws Exception {
        run("container 'db'");
        Process holder = new ProcessBuilder("ip", "netns", "exec", "db", "sleep", "60").start();
        try {
            Thread.sleep(200); // (in the namespace by now)
            assertEquals(1, Ip.json(null, "link", "show", "master", "docker0").size());
            run("rm 'db'");
            assertEquals(List.of(), Ip.json(null, "link", "show", "master", "docker0"), "the veth left docker0 with rm");
            assertFalse(Ip.netnsList().contains("db"));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void linksWriteHostsEntriesAndEnvironmentOneWay() {
        run("""
                container 'db', expose: 6379
                container 'web', link: 'db:redis', hostname: 'webhost'
                """);
        // iproute2 binds /etc/netns/web/* over /etc on its own: an independent check of the files
        // Docker 20.10: "IP<TAB>alias hostname name" for a link (db's hostname is its short ID), "IP<TAB>hostname" for itself
        String line = Sh.in("web", "getent", "hosts", "redis").out().strip();
        assertTrue(line.matches("172\\.17\\.0\\.2\\s+redis [0-9a-f]{12} db"), line);
        assertEquals(line, Sh.in("web", "getent", "hosts", "db").out().strip());
        assertTrue(Sh.in("web", "cat", "/etc/hosts").out().contains("172.17.0.3\twebhost\n"));
        assertFalse(Sh.in("db", "getent", "hosts", "web").ok(), "a link is one-way");
        Run env = (Run) run("netns('web') { sh 'env' }");
        assertTrue(env.getOut().contains("REDIS_PORT_6379_TCP=tcp://172.17.0.2:6379"), env.getOut());
        assertTrue(env.getOut().contains("REDIS_PORT_6379_TCP_ADDR=172.17.0.2"));
        assertTrue(env.getOut().contains("REDIS_PORT=tcp://172.17.0.2:6379"));
        assertTrue(env.getOut().contains("REDIS_NAME=/web/redis"));
        Run getent = (Run) run("netns('web') { sh 'getent hosts redis; hostname -F /etc/hostname 2>/dev/null; cat /etc/hostname' }");
        assertTrue(getent.getOut().contains("172.17.0.2") && getent.getOut().contains("webhost"), getent.getOut());
    }

    @Test
    void addressManagement() {
        run("dockerd bip: '10.7.0.1/24', fixedCidr: '10.7.0.8/30'");
        run("container 'a'\ncontainer 'b'");
        assertTrue(Ip.addresses("a", "eth0").contains("10.7.0.8/24"));
        assertTrue(Ip.addresses("b", "eth0").contains("10.7.0.9/24"));
        run("container 'c'\ncontainer 'd'");
        var full = assertThrows(DslException.class, () -> run("container 'e'"));
        assertEquals("docker.netgroovy:1: no free address left in 10.7.0.8/30 (4 in use)", full.located());
        run("rm 'b'");
        run("container 'f'");
        assertTrue(Ip.addresses("f", "eth0").contains("10.7.0.9/24"), "b's address was released and reused");
        var taken = assertThrows(DslException.class, () -> run("container 'g', ip: '10.7.0.8'"));
        assertEquals("docker.netgroovy:1: 10.7.0.8 is already in use in 10.7.0.0/24", taken.located());
        var outside = assertThrows(DslException.class, () -> run("container 'h', ip: '10.8.0.5'"));
        assertEquals("docker.netgroovy:1: 10.8.0.5 is outside the network's subnet 10.7.0.0/24", outside.located());
        var gateway = assertThrows(DslException.class, () -> run("container 'i', ip: '10.7.0.1'"));
        assertTrue(gateway.getMessage().contains("reserved"), gateway.getMessage());
    }

    @Test
    void networkModes() {
        run("""
                container 'db'
                container 'nothing', net: 'none'
                container 'side', net: 'container:db'
                container 'onhost', net: 'host'
                """);
        assertEquals(List.of("lo"), Ip.linkNames("nothing"), "none: only lo");
        assertFalse(Ip.netnsList().contains("side"), "container:db shares db's namespace");
        assertFalse(Ip.netnsList().contains("onhost"), "host mode: the host's namespace");
        @SuppressWarnings("unchecked")
        Map<String, Object> side = (Map<String, Object>) ((Map<String, Object>) ((List<?>) new JsonSlurper().parseText((String) run("inspect \'side\'"))).get(0)).get("NetworkSettings");
        // Docker 20.10 shows no address of its own for --net container:db, only the mode
        assertEquals("", side.get("IPAddress"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sideHost = (Map<String, Object>) ((Map<String, Object>) ((List<?>) new JsonSlurper().parseText((String) run("inspect 'side'"))).get(0)).get("HostConfig");
        assertEquals("container:db", sideHost.get("NetworkMode"));
        assertTrue(Ip.addresses("db", "eth0").contains("172.17.0.2/16"), "side lives in db's namespace, with db's address");
        String ps = (String) run("ps");
        assertTrue(ps.contains("nothing") && ps.contains("none") && ps.contains("onhost"), ps);
    }

    @Test
    void inspectAndRmLeaveNothingBehind() {
        String before = Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "");
        run("dockerd()");
        String withDaemon = Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "");
        run("container 'web', publish: '8080:80', mac: '12:34:56:78:9a:bc'");
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) ((List<?>) new JsonSlurper().parseText((String) run("inspect \'web\'"))).get(0)).get("NetworkSettings");
        assertEquals("172.17.0.2", s.get("IPAddress"));
        assertEquals("12:34:56:78:9a:bc", s.get("MacAddress"));
        assertEquals("172.17.0.1", s.get("Gateway"));
        assertEquals(Map.of("80/tcp", List.of(Map.of("HostIp", "0.0.0.0", "HostPort", "8080"))), s.get("Ports"), "Ports as docker inspect's map");
        assertTrue(Files.exists(Path.of("/etc/netns/web/hosts")));
        run("rm 'web'");
        assertFalse(Ip.netnsList().contains("web"));
        assertFalse(Files.exists(Path.of("/etc/netns/web")), "the files went");
        assertEquals(withDaemon, Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", ""), "the rules went, the daemon's stay");
        for (int i = 0; i < 50 && !Ip.json(null, "link", "show", "master", "docker0").isEmpty(); i++) {
            Sh.run("sleep", "0.05");
        }
        assertEquals(List.of(), Ip.json(null, "link", "show", "master", "docker0"), "the veth went");
        assertFalse(before.contains("netgroovy"));
    }

    @Test
    void userDefinedNetworksResolveNamesBothWaysAndAreIsolated() {
        String bridge = (String) run("""
                network('my-net').bridge
                """);
        assertTrue(bridge.startsWith("br-") && bridge.length() <= 15, bridge);
        run("""
                container 'c1', net: 'my-net'
                container 'c2', net: 'my-net'
                container 'c3'
                """);
        assertTrue(Ip.addresses(null, bridge).contains("172.18.0.1/16"), "the first free /16 from 172.18.0.0");
        assertEquals("172.18.0.3      c2", Sh.in("c1", "getent", "hosts", "c2").out().strip());
        assertEquals("172.18.0.2      c1", Sh.in("c2", "getent", "hosts", "c1").out().strip(), "both ways");
        assertTrue(Ip.ping("c1", "172.18.0.3"));
        assertFalse(Ip.ping("c1", "172.17.0.2"), "another network's container is out of reach");
        assertTrue(Ip.ping("c1", "172.18.0.1") && Ip.ping("c3", "172.17.0.1"), "each reaches its gateway");
        run("networkConnect 'my-net', 'c3'");
        assertTrue(Ip.addresses("c3", "eth1").contains("172.18.0.4/16"), "a second interface, a second address");
        assertEquals("172.18.0.2      c1", Sh.in("c3", "getent", "hosts", "c1").out().strip());
        assertEquals("172.18.0.4      c3", Sh.in("c1", "getent", "hosts", "c3").out().strip(), "members learn of the newcomer");
        assertTrue(Ip.ping("c3", "172.18.0.2"));
        @SuppressWarnings("unchecked")
        var net = (List<Map<String, Object>>) new JsonSlurper().parseText((String) run("networkInspect 'my-net'"));
        @SuppressWarnings("unchecked")
        Map<String, Object> members = (Map<String, Object>) net.get(0).get("Containers");
        // keyed by container ID, as docker network inspect
        assertEquals(List.of("c1", "c2", "c3"), members.values().stream().map(m -> ((Map<?, ?>) m).get("Name")).toList());
        assertTrue(members.keySet().stream().allMatch(id -> id.matches("[0-9a-f]{64}")));
        String ls = (String) run("networks");
        assertTrue(ls.contains("bridge") && ls.contains("host") && ls.contains("none") && ls.contains("my-net"), ls);
        var busy = assertThrows(DslException.class, () -> run("networkRm 'my-net'"));
        assertEquals("docker.netgroovy:1: network my-net has containers attached: c1, c2, c3 (disconnect or rm them first)", busy.located());
        run("networkDisconnect 'my-net', 'c3'\nrm 'c1'\nrm 'c2'");
        assertFalse(Sh.in("c3", "getent", "hosts", "c1").ok(), "c3 left: no more names from my-net");
        assertEquals(List.of("my-net"), run("networkPrune()"));
        assertTrue(Ip.link(null, bridge).isEmpty(), "the bridge went");
        assertFalse(Sh.ok("iptables-save").contains(bridge), "and its rules");
    }

    /**
     * A join appends the newcomer's line to each member's /etc/hosts instead of writing every
     * file again: the files must still be exactly what writing them whole gives (each other
     * member once, in the order they joined), a member's own edit stays, rm takes a member
     * out of every file, and teardown takes the folders.
     */
    @Test
    void userNetworkHostsFilesListEveryOtherMemberOnceInJoinOrder() {
        run("""
                dockerd()
                network 'my-net', subnet: '172.25.0.0/16'
                for (k in 1..4) { container "m$k", net: 'my-net' }
                netns('m1') { sh 'printf "192.0.2.10\\tprinter\\n" >> /etc/hosts' }
                container 'm5', net: 'my-net', alias: 'five'
                """);
        for (int k = 1; k <= 5; k++) {
            StringBuilder others = new StringBuilder();
            for (int j = 1; j <= 5; j++) {
                if (j != k) {
                    others.append("172.25.0.").append(j + 1).append("\tm").append(j).append(j == 5 ? " five" : "").append('\n');
                }
            }
            String hosts = Sh.in("m" + k, "cat", "/etc/hosts").out();
            String peers = hosts.lines().filter(l -> l.matches("172\\.25\\.0\\.\\d+\\tm\\d.*")).map(l -> l + "\n")
                    .collect(java.util.stream.Collectors.joining());
            assertEquals(others.toString(), peers, "m" + k + "'s /etc/hosts:\n" + hosts);
        }
        assertTrue(Sh.in("m1", "cat", "/etc/hosts").out().contains("192.0.2.10\tprinter\n"), "m1's own line stays");
        assertEquals("172.25.0.6      m5 five", Sh.in("m2", "getent", "hosts", "five").out().strip());
        run("rm 'm3'");
        for (int k : new int[] {1, 2, 4, 5}) {
            assertFalse(Sh.in("m" + k, "getent", "hosts", "m3").ok(), "m3 left m" + k + "'s /etc/hosts");
        }
        assertEquals("172.25.0.6      m5 five", Sh.in("m1", "getent", "hosts", "m5").out().strip());
        assertTrue(Sh.in("m1", "cat", "/etc/hosts").out().contains("192.0.2.10\tprinter\n"), "and m1's own line still");
        run("teardown");
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/etc/netns/m1")), "teardown takes the folders");
    }

    @Test
    void editsInsideARunningContainerSurviveNetworkChangesAsDockersDo() {
        run("""
                dockerd()
                network 'my-net'
                container 'db', net: 'my-net'
                container 'web'
                networkConnect 'my-net', 'web'
                netns('web') {
                    sh 'printf "192.0.2.10\\tprinter\\n" >> /etc/hosts'
                    sh 'echo "nameserver 192.0.2.53" > /etc/resolv.conf'
                }
                """);
        assertEquals("192.0.2.10      printer", Sh.in("web", "getent", "hosts", "printer").out().strip(), "the edit is in the file");
        run("networkDisconnect 'my-net', 'web'");
        String hosts = Sh.in("web", "cat", "/etc/hosts").out();
        assertTrue(hosts.contains("192.0.2.10\tprinter\n"), "Docker deletes only its own records:\n" + hosts);
        assertFalse(hosts.contains("172.18."), "my-net's lines went:\n" + hosts);
        assertEquals("nameserver 192.0.2.53\n", Sh.in("web", "cat", "/etc/resolv.conf").out(), "an edited resolv.conf is left alone");
        run("networkConnect 'my-net', 'web'");
        assertEquals("172.18.0.2      db", Sh.in("web", "getent", "hosts", "db").out().strip(), "netgroovy's lines come back");
        assertTrue(Sh.in("web", "cat", "/etc/hosts").out().contains("192.0.2.10\tprinter\n"));
        java.nio.file.Path kept = java.nio.file.Path.of("/run/netgroovy/etc-written");
        assertTrue(java.nio.file.Files.exists(kept.resolve("web.hosts")), "what netgroovy wrote is kept beside");
        run("rm 'web'");
        assertFalse(java.nio.file.Files.exists(kept.resolve("web.hosts")) || java.nio.file.Files.exists(kept.resolve("web.resolv.conf")),
                "rm takes what netgroovy kept beside");
    }

    @Test
    void aContainersNamespaceHasIpv6OffAsDockersSandbox() {
        // What Docker 20.10's containers show (goldens: `ip addr` in centos04 and webapp): no ::1 on
        // lo, no fe80:: on eth0 or eth1; libnetwork writes all/disable_ipv6=1 as it makes the sandbox.
        run("container 'a'\nnetwork 'my-net'\nnetworkConnect 'my-net', 'a'\ncontainer 'b', net: 'none'");
        assertEquals(List.of("127.0.0.1/8"), Ip.addresses("a", "lo"));
        assertEquals(List.of("172.17.0.2/16"), Ip.addresses("a", "eth0"));
        assertEquals(List.of("172.18.0.2/16"), Ip.addresses("a", "eth1"));
        assertEquals(List.of(), Ip.json("a", "-6", "addr", "show"), "no IPv6 address at all in a");
        assertEquals(List.of(), Ip.json("b", "-6", "addr", "show"), "nor in a container without a network");
        assertEquals("1\n1\n", Sh.in("a", "sysctl", "-n", "net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.eth1.disable_ipv6").out());
        assertTrue(Ip.ping("a", "172.18.0.1"), "IPv4 is untouched");
        assertTrue(Ip.addresses(null, "docker0").stream().anyMatch(a -> a.startsWith("fe80:")), "the host keeps its IPv6");
        assertTrue(run("explain { container 'c' }").toString().contains("ip netns exec c sysctl -w net.ipv6.conf.all.disable_ipv6=1"),
                "explain shows the switch");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHostVethIsMarkedWhileItIsStillDown() {
        // On a port that is up, a new alias makes the kernel walk the host's IPv6 routes (one
        // per port): the plan writes the mark before the port goes up, and not again after.
        List<String> plan = (List<String>) run("explain { container 'c', expose: 80 }");
        int mark = plan.indexOf(plan.stream().filter(l -> l.contains(" alias 'netgroovy container c bridge expose=80/tcp'")).findFirst().orElseThrow());
        int born = plan.indexOf(plan.stream().filter(l -> l.contains(" master docker0 type veth")).findFirst().orElseThrow());
        String veth = plan.get(born).split(" ")[3];
        int up = plan.indexOf("ip link set dev " + veth + " up");
        assertTrue(born < mark && mark < up, String.join("\n", plan));
        run("container 'c', expose: 80\nnetwork 'n'\nnetworkConnect 'n', 'c'");
        Map<String, Object> port = Ip.json(null, "link", "show", "master", "docker0").get(0);
        assertEquals("netgroovy container c bridge expose=80/tcp", port.get("ifalias"));
        assertEquals("netgroovy container c n", Ip.json(null, "-d", "link", "show", "master",
                Ip.json(null, "link", "show", "type", "bridge").stream().map(l -> (String) l.get("ifname"))
                        .filter(b -> b.startsWith("br-")).findFirst().orElseThrow()).get(0).get("ifalias"));
    }

    @Test
    void ipv6ContainersGetAddressesFromTheirMacAndTalk() {
        run("dockerd ipv6: true, fixedCidrV6: '2001:db8:1::/64'\ncontainer 'a'\ncontainer 'b'");
        assertTrue(Ip.addresses(null, "docker0").containsAll(List.of("fe80::1/64", "2001:db8:1::1/64")), Ip.addresses(null, "docker0").toString());
        assertTrue(Ip.addresses("a", "eth0").contains("2001:db8:1::242:ac11:2/64"), Ip.addresses("a", "eth0").toString());
        // IPv6 is on where Docker switches it back on: the interface with an IPv6 address, and lo.
        assertTrue(Ip.addresses("a", "eth0").stream().anyMatch(a -> a.startsWith("fe80:")), Ip.addresses("a", "eth0").toString());
        assertEquals(List.of("127.0.0.1/8", "::1/128"), Ip.addresses("a", "lo"));
        // Docker 20.10: the default route goes via the bridge's global address (the seeds' Docker 1.x: fe80::1)
        assertTrue(Ip.routes("a", "-6").stream().anyMatch(r -> "default".equals(r.get("dst")) && "2001:db8:1::1".equals(r.get("gateway"))),
                Ip.routes("a", "-6").toString());
        assertEquals("1\n", Sh.ok("sysctl", "-n", "net.ipv6.conf.all.forwarding"));
        assertEquals("0\n", Sh.ok("sysctl", "-n", "net.ipv6.conf.docker0.accept_ra"), "Docker 20.10: no router advertisements on its bridges");
        assertTrue(Ip.ping("a", "2001:db8:1::242:ac11:3"), "ping6 between containers");
        assertTrue(Ip.ping("a", "2001:db8:1::1"), "ping6 to the bridge");
        assertTrue(((String) run("inspect 'b'")).contains("\"GlobalIPv6Address\": \"2001:db8:1::242:ac11:3\""));
    }

    @Test
    void anIpv6SubnetSmallerThanDockerAllowsIsRefused() {
        var e = assertThrows(DslException.class, () -> run("dockerd ipv6: true, fixedCidrV6: '2001:db8:1::/96'"));
        assertEquals("docker.netgroovy:1: fixedCidrV6 2001:db8:1::/96 is too small: Docker needs at least a /80, "
                + "as a container's host part is its 48-bit MAC", e.located());
        assertEquals(List.of("lo"), Ip.linkNames(null), "nothing was built");
    }

    @Test
    void daemonOptionsAndPublishedPortsCarryTraffic() throws Exception {
        run("""
                bridge 'mybr' cidr '10.30.0.1/24'
                """);
        // Docker refuses -b with --bip: the bridge brings its own address. Nothing is made.
        var both = assertThrows(DslException.class, () -> run("dockerd bridge: 'mybr', bip: '10.30.0.1/24'"));
        assertEquals("docker.netgroovy:1: bridge: and bip: cannot be said together (Docker's -b and --bip are mutually exclusive): "
                + "give the bridge its address yourself (bridge 'mybr' cidr '...')", both.located());
        assertTrue(Sh.ok("iptables-save").lines().noneMatch(l -> l.startsWith("-A")), "no rule was written");
        var missing = assertThrows(DslException.class, () -> run("dockerd bridge: 'nosuchbr'"));
        assertTrue(missing.getMessage().startsWith("bridge nosuchbr does not exist"), missing.getMessage());
        run("""
                dockerd bridge: 'mybr', ip: '10.30.0.1'
                container 'web', publish: '8080:80'
                serve 'web', 80
                """);
        assertTrue(Ip.link(null, "docker0").isEmpty(), "-b: the given bridge is used, no docker0");
        assertEquals("mybr", Ip.link(null, ((String) Ip.json(null, "link", "show", "master", "mybr").get(0).get("ifname"))).orElseThrow().get("master"));
        assertEquals(List.of("80/tcp -> 10.30.0.1:8080"), run("port 'web'"), "--ip: the default host address of bindings");
        assertEquals("web saw 10.30.0.1", run("connect to: '10.30.0.1:8080'"), "a TCP connection through the published port");
    }

    @Test
    void iptablesFalseMtuAndACommandInside() throws Exception {
        String before = Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", "");
        run("dockerd iptables: false, mtu: 1400\ncontainer 'job', cmd: 'sleep 30'");
        assertEquals(before, Sh.ok("iptables-save").replaceAll("(?m)^#.*\n", ""), "iptables false: no rules");
        assertEquals(1400, Ip.link(null, "docker0").orElseThrow().get("mtu"));
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) ((List<?>) new JsonSlurper().parseText((String) run("inspect \'job\'"))).get(0)).get("State");
        long pid = ((Number) s.get("Pid")).longValue();
        assertTrue(pid > 0, "the process's pid is reported");
        String ns = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString().equals(ns), false, "it runs in the container's namespace");
        assertEquals(Sh.in("job", "readlink", "/proc/self/ns/net").out().strip(), ns);
    }

    @Test
    void aLinkAliasFollowsARecreatedContainer() {
        run("container 'db'\ncontainer 'web', link: 'db:db'");
        assertTrue(Sh.in("web", "getent", "hosts", "db").out().strip().matches("172\\.17\\.0\\.2\\s+db [0-9a-f]{12}"));
        run("rm 'db'\ncontainer 'x'\ncontainer 'db'");
        String now = Sh.in("web", "getent", "hosts", "db").out().strip();
        assertTrue(now.matches("172\\.17\\.0\\.4\\s+db [0-9a-f]{12}"), "the new address: " + now);
    }

    @Test
    void withIccFalseALinkOpensExactlyTheExposedPorts() {
        run("""
                dockerd icc: false
                container 'db', expose: 6379
                container 'web', link: 'db:db'
                container 'other'
                serve 'db', 6379
                serve 'db', 22
                """);
        assertEquals("db saw 172.17.0.3", run("connect from: 'web', to: '172.17.0.2:6379'"));
        assertEquals(null, run("connect from: 'web', to: '172.17.0.2:22'"), "not exposed");
        assertEquals(null, run("connect from: 'other', to: '172.17.0.2:6379'"), "no link");
        assertFalse(Ip.ping("web", "172.17.0.2"), "icc false");
        assertTrue(Sh.ok("iptables-save", "-t", "filter").contains("-A DOCKER -s 172.17.0.3/32 -d 172.17.0.2/32 -i docker0 -o docker0 -p tcp -m tcp --dport 6379"));
    }

    /**
     * A container's resolv.conf is derived from the host's file as it is when the container is
     * made: a rewrite in place, of the same length, shows in the next container, whether the
     * file was old (kept between containers) or had just been written (read again each time).
     */
    @Test
    void eachContainersResolvConfFollowsTheHostsFileAsItChanges() throws Exception {
        Path resolv = Path.of("/etc/resolv.conf"); // (the sandbox's /etc is an overlay of its own)
        byte[] original = Files.exists(resolv) ? Files.readAllBytes(resolv) : null;
        try {
            Files.deleteIfExists(resolv); // (a regular file of the overlay's, whatever the host's is: a link, a mount ...)
            Files.writeString(resolv, "nameserver 192.0.2.1\n");
            Files.setLastModifiedTime(resolv, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
            run("dockerd()\ncontainer 'a'\ncontainer 'b'");
            assertEquals("nameserver 192.0.2.1\n", Files.readString(Path.of("/etc/netns/a/resolv.conf")));
            assertEquals("nameserver 192.0.2.1\n", Files.readString(Path.of("/etc/netns/b/resolv.conf")), "an old file, read once");
            Files.writeString(resolv, "nameserver 192.0.2.2\n");
            run("container 'c'");
            assertEquals("nameserver 192.0.2.2\n", Files.readString(Path.of("/etc/netns/c/resolv.conf")), "rewritten in place");
            Files.writeString(resolv, "nameserver 192.0.2.3\n");
            run("container 'd'");
            assertEquals("nameserver 192.0.2.3\n", Files.readString(Path.of("/etc/netns/d/resolv.conf")), "again, at once");
            Files.writeString(resolv, "nameserver 192.0.2.1\nnameserver 127.0.0.53\n");
            run("container 'e'");
            assertEquals("nameserver 192.0.2.1\n", Files.readString(Path.of("/etc/netns/e/resolv.conf")), "a server only the host reaches is left out");
        } finally {
            if (original != null) {
                Files.write(resolv, original);
            } else {
                Files.deleteIfExists(resolv);
            }
        }
    }
}
