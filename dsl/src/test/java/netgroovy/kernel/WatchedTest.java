package netgroovy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.Mac;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A watching handle ({@link Watched}) keeps its answers for as long as it lives, so each of
 * them must stay what an independent observer ({@code ip -j}) reports, whoever changed the
 * namespace: the handle itself, or another program between two questions. Every change made
 * by {@code ip} here is one the handle never hears of except through the kernel's notifications.
 */
@ExtendWith(Sandboxed.class)
class WatchedTest {
    private final List<Rtnl> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Rtnl::close);
        for (String l : Ip.linkNames(null)) {
            if (l.startsWith("w")) {
                Sh.run("ip", "link", "del", l);
            }
        }
        Sh.run("ip", "netns", "del", "wns");
    }

    private Rtnl watching() {
        Rtnl r = Rtnl.watching(null);
        opened.add(r);
        return r;
    }

    private static IfName n(String s) {
        return IfName.of(s);
    }

    @Test
    void linksChangedByAnotherProgramAreSeenAtTheNextQuestion() {
        Rtnl host = watching();
        assertTrue(host.links().get(n("wv0")).isEmpty());
        Sh.ok("ip", "link", "add", "wv0", "type", "veth", "peer", "name", "wv1");
        assertTrue(host.links().get(n("wv0")).isPresent(), "made by another program after 'not there' was kept");
        Sh.ok("ip", "link", "add", "wbr0", "type", "bridge");
        Sh.ok("ip", "link", "set", "wv0", "mtu", "1300", "address", "02:00:00:00:00:09", "master", "wbr0", "up");
        Link v = host.links().require(n("wv0"));
        Map<String, Object> ip = Ip.link(null, "wv0").orElseThrow();
        assertEquals(1300, v.mtu());
        assertEquals(ip.get("address"), v.mac().toString());
        assertEquals(host.links().require(n("wbr0")).index(), v.master());
        assertTrue(v.up());
        // The hairpin mode set through the bridge (an AF_BRIDGE request: the kernel says so in
        // the bridge's words only), then through the link's own bridge_slave data.
        Sh.ok("bridge", "link", "set", "dev", "wv0", "hairpin", "on");
        assertTrue(host.links().hairpin(n("wv0")));
        Sh.ok("ip", "link", "set", "wv0", "type", "bridge_slave", "hairpin", "off");
        assertFalse(host.links().hairpin(n("wv0")));
        Sh.ok("ip", "link", "set", "wv1", "name", "wv2");
        assertTrue(host.links().get(n("wv1")).isEmpty(), "renamed away");
        assertEquals(v.peerIndex(), host.links().require(n("wv2")).index());
        Sh.ok("ip", "link", "set", "wv0", "down", "nomaster");
        assertFalse(host.links().require(n("wv0")).up());
        assertEquals(0, host.links().require(n("wv0")).master());
        assertEquals(new TreeSet<>(Ip.linkNames(null)), names(host.links().list()));
        Sh.ok("ip", "netns", "add", "wns");
        Sh.ok("ip", "link", "set", "wv2", "netns", "wns");
        assertTrue(host.links().get(n("wv2")).isEmpty(), "moved to another namespace");
        Sh.ok("ip", "link", "del", "wv0");
        assertTrue(host.links().get(n("wv0")).isEmpty());
        assertEquals(new TreeSet<>(Ip.linkNames(null)), names(host.links().list()));
    }

    @Test
    void addressesAndRoutesFollowEvenWhatTheKernelDoesNotAnnounce() {
        Rtnl host = watching();
        host.links().addBridge(n("wbr0"));
        host.links().setUp(n("wbr0"));
        assertTrue(host.addresses().list(n("wbr0")).stream().allMatch(a -> a.cidr().toString().startsWith("fe80:")));
        Sh.ok("ip", "addr", "add", "10.61.0.1/24", "dev", "wbr0");
        Sh.ok("ip", "addr", "add", "fd61::1/64", "dev", "wbr0");
        eventually(() -> assertEquals(new TreeSet<>(Ip.addresses(null, "wbr0")), new TreeSet<>(cidrs(host.addresses().list(n("wbr0"))))));
        Sh.ok("ip", "route", "add", "10.62.0.0/16", "via", "10.61.0.9");
        assertEquals(v4Routes(), v4Routes(host));
        assertTrue(v4Routes(host).contains("10.62.0.0/16 via 10.61.0.9"));
        // Down: the kernel drops the link's IPv4 routes without a notification for each.
        Sh.ok("ip", "link", "set", "wbr0", "down");
        assertFalse(v4Routes(host).contains("10.62.0.0/16 via 10.61.0.9"));
        assertEquals(v4Routes(), v4Routes(host));
        Sh.ok("ip", "link", "set", "wbr0", "up");
        Sh.ok("ip", "route", "add", "10.62.0.0/16", "via", "10.61.0.9");
        Sh.ok("ip", "addr", "del", "10.61.0.1/24", "dev", "wbr0"); // takes the route through it along, unannounced
        eventually(() -> assertEquals(new TreeSet<>(Ip.addresses(null, "wbr0")), new TreeSet<>(cidrs(host.addresses().list(n("wbr0"))))));
        assertEquals(v4Routes(), v4Routes(host));
        Sh.ok("ip", "link", "del", "wbr0");
        assertTrue(host.addresses().list().stream().noneMatch(a -> a.cidr().toString().startsWith("fd61")));
    }

    /** Random changes by the handle and by ip, in turns; after each, the handle's answers equal ip's. */
    @Test
    void randomChangesByAnyoneKeepEveryAnswerTrue() {
        Rtnl host = watching();
        Random random = new Random(11);
        host.links().addBridge(n("wbr0"));
        for (int step = 0; step < 120; step++) {
            String v = "wv" + random.nextInt(4);
            String peer = "wp" + v.substring(2);
            boolean exists = host.links().get(n(v)).isPresent();
            boolean byIp = random.nextBoolean();
            switch (exists ? random.nextInt(6) : 0) {
                case 0 -> {
                    if (exists) {
                        del(host, byIp, v);
                    } else if (byIp) {
                        Sh.ok("ip", "link", "add", v, "type", "veth", "peer", "name", peer);
                    } else {
                        host.links().addVeth(n(v), n(peer), null);
                    }
                }
                case 1 -> {
                    if (byIp) {
                        Sh.ok("ip", "link", "set", v, "up");
                    } else {
                        host.links().setUp(n(v));
                    }
                }
                case 2 -> {
                    if (byIp) {
                        Sh.ok("ip", "link", "set", v, "down");
                    } else {
                        host.links().setDown(n(v));
                    }
                }
                case 3 -> {
                    if (byIp) {
                        Sh.ok("ip", "link", "set", v, "master", "wbr0");
                    } else {
                        host.links().setMaster(n(v), n("wbr0"));
                    }
                }
                case 4 -> {
                    String cidr = "10.63." + random.nextInt(4) + ".1/24";
                    if (host.addresses().list(n(v)).stream().noneMatch(a -> a.cidr().toString().equals(cidr))
                            && !host.addresses().list().stream().map(a -> a.cidr().toString()).toList().contains(cidr)) {
                        if (byIp) {
                            Sh.ok("ip", "addr", "add", cidr, "dev", v);
                        } else {
                            host.addresses().add(n(v), Cidr.parse(cidr));
                        }
                    }
                }
                default -> {
                    int mtu = 1280 + random.nextInt(200);
                    if (byIp) {
                        Sh.ok("ip", "link", "set", v, "mtu", String.valueOf(mtu), "address", mac(random));
                    } else {
                        host.links().setMtu(n(v), mtu);
                        host.links().setMac(n(v), Mac.parse(mac(random)));
                    }
                }
            }
            String when = "step " + step;
            eventually(() -> assertSameAsIp(host, when));
        }
    }

    /**
     * When the kernel cannot queue a notification (the listener's queue is full), it says so
     * once; the handle then forgets everything and asks again, rather than answer from what it
     * missed: here "wv0 is not there" was kept, and wv0 was made among too many changes to hear.
     */
    @Test
    void whatAFullQueueLostIsAskedAgain() throws java.io.IOException {
        Rtnl host = Rtnl.watching(null, 2048);
        opened.add(host);
        assertTrue(host.links().get(n("wv0")).isEmpty());
        StringBuilder batch = new StringBuilder("link add wv0 type bridge\n");
        for (int i = 0; i < 60; i++) {
            batch.append("link add wd").append(i).append(" type bridge\n");
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("watched", ".batch");
        java.nio.file.Files.writeString(file, batch);
        try {
            Sh.ok("ip", "-batch", file.toString());
            assertTrue(host.links().get(n("wv0")).isPresent());
            assertEquals(new TreeSet<>(Ip.linkNames(null)), names(host.links().list()));
        } finally {
            java.nio.file.Files.delete(file);
            for (int i = 0; i < 60; i++) {
                Sh.run("ip", "link", "del", "wd" + i);
            }
        }
    }

    /**
     * The kernel does some things a moment after the request that causes them (an IPv6
     * link-local address when a link's carrier comes up), and ip and the handle may ask on
     * either side of that moment: what is checked is that the handle's answers come to agree.
     */
    private static void eventually(Runnable check) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void del(Rtnl host, boolean byIp, String v) {
        if (byIp) {
            Sh.ok("ip", "link", "del", v);
        } else {
            host.links().delete(n(v));
        }
    }

    private static String mac(Random random) {
        return String.format("02:00:00:00:%02x:%02x", random.nextInt(256), random.nextInt(256));
    }

    private static void assertSameAsIp(Rtnl host, String when) {
        TreeSet<String> seen = new TreeSet<>();
        for (Link l : host.links().list()) {
            String master = l.master() == 0 ? "-" : host.links().byIndex(l.master()).map(Link::name).orElse("?");
            seen.add(l.name() + " up=" + l.up() + " mtu=" + l.mtu() + " mac=" + l.mac() + " master=" + master
                    + " " + new TreeSet<>(cidrs(host.addresses().list(n(l.name())))));
        }
        TreeSet<String> ip = new TreeSet<>();
        for (Map<String, Object> l : Ip.json(null, "link", "show")) {
            String name = (String) l.get("ifname");
            ip.add(name + " up=" + ((List<?>) l.get("flags")).contains("UP") + " mtu=" + l.get("mtu") + " mac=" + l.get("address")
                    + " master=" + l.getOrDefault("master", "-") + " " + new TreeSet<>(Ip.addresses(null, name)));
        }
        assertEquals(ip, seen, when);
        assertEquals(v4Routes(), v4Routes(host), when);
    }

    private static TreeSet<String> names(List<Link> links) {
        TreeSet<String> out = new TreeSet<>();
        links.forEach(l -> out.add(l.name()));
        return out;
    }

    private static List<String> cidrs(List<Address> addresses) {
        return addresses.stream().map(a -> a.cidr().toString()).toList();
    }

    /** The main table's IPv4 routes as "destination via gateway", by ip. */
    private static TreeSet<String> v4Routes() {
        TreeSet<String> out = new TreeSet<>();
        for (Map<String, Object> r : Ip.routes(null, "-4")) {
            out.add(r.get("dst") + " via " + r.getOrDefault("gateway", "-"));
        }
        return out;
    }

    private static TreeSet<String> v4Routes(Rtnl host) {
        TreeSet<String> out = new TreeSet<>();
        for (Route r : host.routes().list()) {
            if (r.destination() == null ? r.gateway() != null && r.gateway().isV4() : r.destination().isV4()) {
                out.add((r.destination() == null ? "default" : r.destination().toString().replace("/32", ""))
                        + " via " + (r.gateway() == null ? "-" : r.gateway()));
            }
        }
        return out;
    }
}
