package netgroovy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.Mac;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Sandboxed.class)
class LinksTest {
    private Rtnl host;

    @BeforeEach
    void open() {
        host = Rtnl.host();
    }

    @AfterEach
    void close() {
        host.close();
    }

    private static IfName n(String s) {
        return IfName.of(s);
    }

    /**
     * The kernel echoes the veth end it made (Linux 6.3 and later): a plan's next look at it
     * is answered from that, as ip -j would answer it, without asking again.
     */
    @Test
    void aVethJustMadeIsKnownFromTheKernelsEcho() {
        String[] release = System.getProperty("os.version").split("[.-]");
        org.junit.jupiter.api.Assumptions.assumeTrue(Integer.parseInt(release[0]) * 100 + Integer.parseInt(release[1]) >= 603,
                "RTM_NEWLINK echoes since Linux 6.3");
        host.remember(true);
        try {
            host.links().addVeth(n("ev0"), n("ev1"), null);
            long before = host.socket().sends();
            Link made = host.links().get(n("ev0")).orElseThrow();
            assertEquals(before, host.socket().sends(), "known from the echo");
            Map<String, Object> seen = Ip.link(null, "ev0").orElseThrow();
            assertEquals(((Number) seen.get("ifindex")).intValue(), made.index());
            assertEquals(seen.get("address"), made.mac().toString());
            assertTrue(made.isVeth());
            assertFalse(made.up());
            assertEquals(0, made.master());
            assertTrue(host.links().get(n("ev1")).isPresent(), "the peer is asked for");
            assertEquals(before + 1, host.socket().sends());
        } finally {
            host.remember(false);
        }
        Sh.ok("ip", "link", "del", "ev0");
    }

    /**
     * The links a plan will look up are asked for in one datagram when the first is looked
     * up; each answer is the kernel's for that link (as ip -j shows it), a missing one is
     * missing, and a link not expected is asked on its own.
     */
    @Test
    void linksAPlanExpectsAreAskedForTogether() {
        Sh.ok("ip", "link", "add", "lb0", "type", "bridge");
        Sh.ok("ip", "link", "add", "lv0", "type", "veth", "peer", "name", "lv1");
        Sh.ok("ip", "link", "set", "lv0", "master", "lb0", "up");
        host.remember(true);
        try {
            host.links().expect(List.of(n("lb0"), n("lv0"), n("lnone"), n("lv1")));
            long before = host.socket().sends();
            Link v = host.links().get(n("lv0")).orElseThrow();
            Link b = host.links().get(n("lb0")).orElseThrow();
            Link peer = host.links().get(n("lv1")).orElseThrow();
            assertTrue(host.links().get(n("lnone")).isEmpty());
            assertEquals(before + 1, host.socket().sends(), "one datagram for the four");
            for (Link l : List.of(v, b, peer)) {
                Map<String, Object> seen = Ip.link(null, l.name()).orElseThrow();
                assertEquals(((Number) seen.get("ifindex")).intValue(), l.index(), l.name());
                assertEquals(((List<?>) seen.get("flags")).contains("UP"), l.up(), l.name());
            }
            assertEquals(b.index(), v.master());
            assertTrue(b.isBridge() && v.isVeth() && peer.isVeth());
            assertFalse(peer.up());
            assertTrue(host.links().get(n("lo")).isPresent());
            assertEquals(before + 2, host.socket().sends(), "a link not expected is asked on its own");
        } finally {
            host.remember(false);
        }
        host.links().expect(List.of(n("lb0"), n("lv0")));
        long before = host.socket().sends();
        host.links().get(n("lv0"));
        assertEquals(before + 1, host.socket().sends());
        host.links().get(n("lv0"));
        assertEquals(before + 2, host.socket().sends(), "outside a plan nothing is kept or expected");
        Sh.ok("ip", "link", "del", "lv0");
        Sh.ok("ip", "link", "del", "lb0");
    }

    /**
     * While a plan is applied the handle keeps what it saw and what it wrote (Seen): every
     * answer must still equal what an independent observer (ip -j) reports, through creates,
     * changes, renames, moves and deletes; and once it stops remembering, a change made
     * behind its back is seen again.
     */
    @Test
    void whatAPlanSawIsKeptInStepWithWhatItWrites() {
        host.remember(true);
        try {
            assertTrue(host.links().get(n("sv0")).isEmpty());
            host.links().addBridge(n("sbr0"));
            host.links().addVeth(n("sv0"), n("sv1"), null);
            assertTrue(host.links().get(n("sv0")).isPresent(), "made by the plan: seen at once");
            assertEquals(host.links().list().size(), Ip.linkNames(null).size());
            host.links().setMac(n("sv0"), Mac.parse("02:00:00:00:00:07"));
            host.links().setMtu(n("sv0"), 1400);
            host.links().setMaster(n("sv0"), n("sbr0"));
            host.links().setUp(n("sv0"));
            Link seen = host.links().require(n("sv0"));
            Map<String, Object> ip = Ip.link(null, "sv0").orElseThrow();
            assertEquals(ip.get("address"), seen.mac().toString());
            assertEquals(ip.get("mtu"), seen.mtu());
            assertEquals(ip.get("master"), host.links().byIndex(seen.master()).orElseThrow().name());
            assertEquals(((List<?>) ip.get("flags")).contains("UP"), seen.up());
            host.links().setNoMaster(n("sv0"));
            host.links().setDown(n("sv0"));
            assertEquals(0, host.links().require(n("sv0")).master());
            assertFalse(host.links().require(n("sv0")).up());
            assertFalse(Ip.link(null, "sv0").orElseThrow().containsKey("master"));
            host.links().rename(n("sv1"), n("sv2"));
            assertTrue(host.links().get(n("sv1")).isEmpty());
            assertTrue(host.links().get(n("sv2")).isPresent());
            host.addresses().add(n("sbr0"), netgroovy.value.Cidr.parse("10.77.0.1/24"));
            assertEquals(Ip.addresses(null, "sbr0"), host.addresses().list(n("sbr0")).stream().map(a -> a.cidr().toString()).toList());
            host.links().delete(n("sv0"));
            assertTrue(host.links().get(n("sv2")).isEmpty(), "a veth's peer goes with it");
            // Behind its back (another program): not seen while the plan runs (the answer is kept) ...
            int mtu = host.links().require(n("sbr0")).mtu();
            Sh.ok("ip", "link", "set", "sbr0", "mtu", "1300");
            assertEquals(mtu, host.links().require(n("sbr0")).mtu());
            assertNotEquals(1300, mtu);
        } finally {
            host.remember(false);
        }
        // ... but by the next statement.
        assertEquals(1300, host.links().require(n("sbr0")).mtu());
        host.links().delete(n("sbr0"));
    }

    @Test
    void bridgeUpDownMtuMacStp() {
        host.links().addBridge(n("br0"));
        host.links().setMtu(n("br0"), 1400);
        host.links().setMac(n("br0"), Mac.parse("02:00:00:00:00:01"));
        host.links().setUp(n("br0"));
        host.links().setStp(n("br0"), true);
        Map<String, Object> l = Ip.json(null, "-d", "link", "show", "br0").get(0);
        assertEquals(1400, l.get("mtu"));
        assertEquals("02:00:00:00:00:01", l.get("address"));
        assertTrue(((List<?>) l.get("flags")).contains("UP"));
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) ((Map<String, Object>) l.get("linkinfo")).get("info_data");
        assertEquals(1, info.get("stp_state"));
        host.links().setDown(n("br0"));
        assertFalse(((List<?>) Ip.link(null, "br0").get().get("flags")).contains("UP"));
        Link ours = host.links().require(n("br0"));
        assertEquals("bridge", ours.kind());
        assertEquals(1400, ours.mtu());
        assertEquals(Mac.parse("02:00:00:00:00:01"), ours.mac());
        host.links().delete(n("br0"));
        assertTrue(Ip.link(null, "br0").isEmpty());
    }

    @Test
    void vethMasterRenameAndList() {
        host.links().addBridge(n("br0"));
        host.links().addVeth(n("A"), n("B"), null);
        host.links().setMaster(n("A"), n("br0"));
        assertEquals("br0", Ip.link(null, "A").get().get("master"));
        assertTrue(Sh.ok("bridge", "-j", "link").contains("\"ifname\":\"A\""));
        host.links().rename(n("B"), n("eth9"));
        assertTrue(Ip.link(null, "eth9").isPresent());
        Link a = host.links().require(n("A"));
        Link peer = host.links().require(n("eth9"));
        Link br = host.links().require(n("br0"));
        assertEquals("veth", a.kind());
        assertEquals(br.index(), a.master());
        assertEquals(peer.index(), a.peerIndex(), "a veth knows its peer's index");
        assertEquals(-1, a.peerNsId());
        host.links().setNoMaster(n("A"));
        assertFalse(Ip.link(null, "A").get().containsKey("master"));
        host.links().delete(n("A"));
        assertTrue(Ip.link(null, "eth9").isEmpty(), "deleting one end of a veth deletes both");
    }

    @Test
    void attachPlugsIntoABridgeAndBringsUpInOneRequest() {
        host.links().addBridge(n("br0"));
        host.links().addVeth(n("A"), n("B"), null);
        host.links().attach(n("A"), host.links().require(n("br0")), true);
        Map<String, Object> a = Ip.link(null, "A").orElseThrow();
        assertEquals("br0", a.get("master"));
        assertTrue(((List<?>) a.get("flags")).contains("UP"));
    }

    /** Hairpin mode over netlink, read back by iproute2 (the bridge_slave details of {@code ip -d link}). */
    @Test
    void hairpinModeOfABridgePort() {
        host.links().addBridge(n("br0"));
        host.links().addVeth(n("A"), n("B"), null);
        host.links().attach(n("A"), host.links().require(n("br0")), true);
        assertFalse(host.links().hairpin(n("A")));
        host.links().setHairpin(n("A"), true);
        assertTrue(Sh.ok("ip", "-d", "link", "show", "dev", "A").contains("hairpin on"));
        assertTrue(host.links().hairpin(n("A")));
        host.links().setHairpin(n("A"), false);
        assertTrue(Sh.ok("ip", "-d", "link", "show", "dev", "A").contains("hairpin off"));
        assertFalse(host.links().hairpin(n("A")));
        assertFalse(host.links().hairpin(n("B")), "not a bridge port");
        KernelException e = assertThrows(KernelException.class, () -> host.links().setHairpin(n("nosuch"), true));
        assertTrue(e.getMessage().contains("nosuch does not exist"), e.getMessage());
    }

    /**
     * A glance at a link (index, up, MAC) from three ioctls: what ip -j says of it in its own
     * namespace, without a netlink message; nothing for a link that is not there.
     */
    @Test
    void aGlanceAtALinkIsWhatIpSaysWithoutAMessage() {
        try (Rtnl c1 = Rtnl.createNamespace("c1")) {
            c1.links().addVeth(n("e0"), n("e1"), null);
            c1.links().setMac(n("e0"), Mac.parse("02:42:ac:11:00:09"), true);
            long sends = c1.socket().sends();
            for (String name : List.of("e0", "e1", "lo")) {
                Map<String, Object> ip = Ip.link("c1", name).orElseThrow();
                Glance g = c1.links().glance(n(name)).orElseThrow();
                assertEquals(((Number) ip.get("ifindex")).intValue(), g.index(), name);
                assertEquals(((List<?>) ip.get("flags")).contains("UP"), g.up(), name);
                assertEquals(ip.get("address"), g.mac().toString(), name);
            }
            assertTrue(c1.links().glance(n("e0")).orElseThrow().up());
            assertFalse(c1.links().glance(n("e1")).orElseThrow().up());
            assertTrue(c1.links().glance(n("nosuch")).isEmpty());
            assertEquals(sends, c1.socket().sends(), "no message sent");
            assertTrue(host.links().glance(n("e0")).isEmpty(), "the host's socket sees the host's links");
        }
    }

    /**
     * The bridge a port is on, by its index, when the plan has looked the bridge up: no dump of
     * every link (a container's plan asks it of a port born on its bridge, among a thousand).
     */
    @Test
    void aLinkByIndexIsTheOneThePlanSawWithoutADump() {
        host.links().addBridge(n("br0"));
        host.remember(true);
        try {
            Link br0 = host.links().require(n("br0"));
            host.links().addVeth(n("A"), n("B"), null, n("br0"));
            Link a = host.links().require(n("A"));
            long sends = host.socket().sends();
            assertEquals(br0.index(), a.master(), "born on br0, as the plan knows it (the kernel's echo comes before)");
            assertEquals("br0", host.links().byIndex(a.master()).orElseThrow().name());
            assertEquals(sends, host.socket().sends(), "known: nothing asked");
            int loIndex = ((Number) Ip.link(null, "lo").orElseThrow().get("ifindex")).intValue();
            assertEquals("lo", host.links().byIndex(loIndex).orElseThrow().name(), "not seen: asked");
            assertEquals(sends + 1, host.socket().sends());
        } finally {
            host.remember(false);
        }
        assertEquals(((Number) Ip.link(null, "br0").orElseThrow().get("ifindex")).intValue(),
                host.links().byIndex(host.links().require(n("A")).master()).orElseThrow().index(), "and between plans, by a dump");
    }

    /**
     * A link's index by name, as an address or a route names its link: the namespace's own (as
     * ip -j shows it there), asked without a netlink message, and a missing link said so.
     */
    @Test
    void aLinksIndexIsLookedUpByNameInItsNamespaceWithoutAMessage() {
        try (Rtnl c1 = Rtnl.createNamespace("c1")) {
            c1.links().addBridge(n("b1"));
            c1.links().addBridge(n("b2"));
            host.links().addBridge(n("b2")); // the same name on the host: another link
            long sends = c1.socket().sends();
            assertEquals(((Number) Ip.link("c1", "b2").orElseThrow().get("ifindex")).intValue(), c1.links().index(n("b2")));
            assertEquals(((Number) Ip.link("c1", "lo").orElseThrow().get("ifindex")).intValue(), c1.links().index(n("lo")));
            assertEquals(((Number) Ip.link(null, "b2").orElseThrow().get("ifindex")).intValue(), host.links().index(n("b2")));
            assertEquals(sends, c1.socket().sends(), "no message sent");
            KernelException e = assertThrows(KernelException.class, () -> c1.links().index(n("nosuch")));
            assertTrue(e.getMessage().contains("link nosuch does not exist in c1"), e.getMessage());
            c1.addresses().add(n("b2"), netgroovy.value.Cidr.parse("10.9.0.1/24"));
            assertTrue(Sh.ok("ip", "-n", "c1", "-4", "-o", "addr", "show", "dev", "b2").contains("10.9.0.1/24"), "an address by that index");
        }
    }

    /**
     * A container's host end as the DSL makes it: born on its bridge (one request), marked and
     * put in hairpin mode while still down (one request), seen by iproute2 and by bridge(8).
     */
    @Test
    void aVethBornOnItsBridgeThenMarkedWithHairpinWhileDown() {
        host.links().addBridge(n("br0"));
        Namespaces.create("c1");
        try (NetNs c1 = NetNs.named("c1")) {
            host.links().addVeth(n("A"), n("eth0"), c1, n("br0"));
        }
        Map<String, Object> a = Ip.link(null, "A").orElseThrow();
        assertEquals("br0", a.get("master"), "a port of br0 from birth");
        assertFalse(((List<?>) a.get("flags")).contains("UP"), "still down");
        assertTrue(Ip.link("c1", "eth0").isPresent(), "the peer in c1");
        host.links().setAliasAndHairpin(n("A"), "netgroovy mark");
        String detail = Sh.ok("ip", "-d", "link", "show", "dev", "A");
        assertTrue(detail.contains("hairpin on"), detail);
        assertTrue(detail.contains("alias netgroovy mark"), detail);
        assertTrue(Sh.ok("bridge", "-d", "link", "show", "dev", "A").contains("hairpin on"));
        assertFalse(((List<?>) Ip.link(null, "A").orElseThrow().get("flags")).contains("UP"), "the mark brings nothing up");

        // A bridge that is no bridge, and a name taken: the kernel's refusal, named; nothing made.
        host.links().addVeth(n("X"), n("Y"), null);
        KernelException e = assertThrows(KernelException.class,
                () -> host.links().addVeth(n("C"), n("D"), null, n("X")));
        assertEquals("cannot create veth pair C/D on bridge X: X is a veth, not a bridge", e.getMessage());
        assertTrue(Ip.link(null, "C").isEmpty() && Ip.link(null, "D").isEmpty(), "no half-made pair");
        KernelException taken = assertThrows(KernelException.class,
                () -> host.links().addVeth(n("A"), n("E"), null, n("br0")));
        assertTrue(taken.getMessage().contains("create veth pair A/E on bridge br0"), taken.getMessage());
    }

    /**
     * A master that takes no ports is refused with EOPNOTSUPP, "Operation not supported": both
     * verbs that plug a port in say instead what the master is (a veth, or a device of no kind;
     * a veth born on one: {@link #aVethBornOnItsBridgeThenMarkedWithHairpinWhileDown}).
     */
    @Test
    void aMasterThatIsNoBridgeIsNamedAsWhatItIs() {
        host.links().addVeth(n("A"), n("B"), null);
        host.links().addVeth(n("X"), n("Y"), null);
        var veth = assertThrows(KernelException.class, () -> host.links().setMaster(n("A"), n("X")));
        assertEquals("cannot attach A to X: X is a veth, not a bridge", veth.getMessage());
        var lo = assertThrows(KernelException.class, () -> host.links().setMaster(n("A"), n("lo"), true));
        assertEquals("cannot attach A to lo and set it up: lo is a device, not a bridge", lo.getMessage());
        assertFalse(Ip.link(null, "A").orElseThrow().containsKey("master"), "plugged in nowhere");
        host.links().addBridge(n("br0"));
        host.links().setMaster(n("A"), n("br0"), true);
        assertEquals("br0", Ip.link(null, "A").orElseThrow().get("master"), "and a bridge takes it");
    }

    @Test
    void aNamespaceMadeWithItsHandle() {
        try (Rtnl c1 = Rtnl.createNamespace("c1")) {
            c1.links().addBridge(n("inner"));
        }
        assertTrue(Ip.link("c1", "inner").isPresent());
        assertTrue(Ip.link(null, "inner").isEmpty());
        assertThrows(KernelException.class, () -> Rtnl.createNamespace("c1"));
        assertEquals(List.of("c1"), Ip.netnsList());
    }

    @Test
    void vethPeerBornInAnotherNamespaceOrMovedThere() {
        Namespaces.create("c1");
        Namespaces.create("c2");
        try (NetNs c1 = NetNs.named("c1"); NetNs c2 = NetNs.named("c2")) {
            host.links().addVeth(n("v1"), n("eth0"), c1);
            assertTrue(Ip.link("c1", "eth0").isPresent());
            Link v1 = host.links().require(n("v1"));
            assertNotEquals(-1, v1.peerNsId());
            assertEquals(host.nsIdOf(c1), v1.peerNsId(), "the peer's namespace id is c1's");
            host.links().addVeth(n("v2"), n("x2"), null);
            host.links().moveTo(n("x2"), c2);
            assertTrue(Ip.link("c2", "x2").isPresent());
            assertTrue(Ip.link(null, "x2").isEmpty());
            try (Rtnl in = Rtnl.at(c1)) {
                Link eth0 = in.links().require(n("eth0"));
                assertEquals(v1.index(), eth0.peerIndex());
            }
        }
    }

    @Test
    void moveIntoTheNamespaceOfAPid() throws Exception {
        Namespaces.create("c1");
        Process sleeper;
        try (NetNs c1 = NetNs.named("c1")) {
            sleeper = Exec.start(c1, List.of("sleep", "60"));
        }
        try {
            host.links().addVeth(n("v0"), n("v0peer"), null);
            host.links().moveToPid(n("v0peer"), sleeper.pid());
            assertTrue(Ip.link("c1", "v0peer").isPresent());
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void severalRequestsInOneDatagramEachGetTheirOwnAnswer() {
        host.links().addBridge(n("br0"));
        java.util.List<netgroovy.kernel.netlink.Request> batch = new java.util.ArrayList<>();
        for (String name : new String[] {"b1", "br0", "b2"}) {
            netgroovy.kernel.netlink.MessageWriter m = new netgroovy.kernel.netlink.MessageWriter(
                    netgroovy.kernel.netlink.Nl.RTM_NEWLINK,
                    netgroovy.kernel.netlink.Nl.F_REQUEST | netgroovy.kernel.netlink.Nl.F_ACK
                            | netgroovy.kernel.netlink.Nl.F_CREATE | netgroovy.kernel.netlink.Nl.F_EXCL)
                    .ifinfo(0, 0, 0, 0);
            m.attrString(netgroovy.kernel.netlink.Nl.IFLA_IFNAME, name);
            int info = m.begin(netgroovy.kernel.netlink.Nl.IFLA_LINKINFO);
            m.attrString(netgroovy.kernel.netlink.Nl.IFLA_INFO_KIND, "bridge");
            m.end(info);
            batch.add(new netgroovy.kernel.netlink.Request("create bridge " + name, m));
        }
        var results = host.links().sendAll(batch);
        assertEquals(null, results.get(0));
        assertEquals("cannot create bridge br0: File exists (EEXIST)", results.get(1).getMessage());
        assertEquals(null, results.get(2), "a refused request does not stop the ones after it");
        assertTrue(Ip.link(null, "b1").isPresent() && Ip.link(null, "b2").isPresent());
    }

    @Test
    void dummyLinksWhereTheKernelHasThem() {
        try {
            host.links().addDummy(n("d0"));
        } catch (KernelException e) {
            // Some kernels (this CI's among them) are built without the dummy driver.
            assertEquals("cannot create dummy link d0: Unknown device type (ENOTSUP)", e.getMessage());
            org.junit.jupiter.api.Assumptions.abort("no dummy driver in this kernel");
        }
        assertEquals("dummy", ((Map<?, ?>) Ip.json(null, "-d", "link", "show", "d0").get(0).get("linkinfo")).get("info_kind"));
    }

    @Test
    void badInputGivesClearMessagesAndLeavesNothing() {
        var tooLong = assertThrows(InvalidValueException.class, () -> host.links().addBridge(n("abcdefghijklmnop")));
        assertTrue(tooLong.getMessage().contains("16 bytes long"));
        host.links().addBridge(n("br0"));
        var exists = assertThrows(KernelException.class, () -> host.links().addBridge(n("br0")));
        assertEquals("cannot create bridge br0: File exists (EEXIST)", exists.getMessage());
        var veth = assertThrows(KernelException.class, () -> host.links().addVeth(n("A"), n("br0"), null));
        assertTrue(veth.getMessage().startsWith("cannot create veth pair A/br0: "), veth.getMessage());
        assertTrue(Ip.link(null, "A").isEmpty(), "a refused veth leaves no half");
        var missing = assertThrows(KernelException.class, () -> host.links().setUp(n("nope")));
        assertEquals("cannot set nope up: link nope does not exist", missing.getMessage());
        var master = assertThrows(KernelException.class, () -> host.links().setMaster(n("br0"), n("nobridge")));
        assertEquals("link nobridge does not exist", master.getMessage());
        assertThrows(KernelException.class, () -> host.links().moveToPid(n("br0"), 999_999_999L));
        assertEquals(List.of("lo", "br0"), Ip.linkNames(null));
    }
}
