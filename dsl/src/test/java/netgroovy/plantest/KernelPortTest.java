package netgroovy.plantest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import netgroovy.firewall.FirewallException;
import netgroovy.kernel.KernelException;
import netgroovy.plan.Kernel;
import netgroovy.plan.MemoryKernel;
import netgroovy.plan.RecordingKernel;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-memory kernel refuses and cascades as the real one does where a plan depends on it
 * (LinksTest and AddressesRoutesTest show the real kernel doing the same), and the recording
 * kernel tells what a script asked of the system, in order.
 */
@ExtendWith(NoRealKernel.class)
class KernelPortTest {
    private static final Where C1 = Where.named("c1");
    private final MemoryKernel k = new MemoryKernel();

    private static IfName n(String name) {
        return IfName.of(name);
    }

    @Test
    void aVethGoesWithItsPeerAndWithThePeersNamespace() {
        k.namespaces().create("c1", true);
        k.links(Where.HOST).addVeth(n("v1"), n("eth0"), C1);
        assertEquals(k.links(C1).require(n("eth0")).peerIndex(), k.links(Where.HOST).require(n("v1")).index());
        k.links(C1).delete(n("eth0"));
        assertTrue(k.links(Where.HOST).get(n("v1")).isEmpty(), "deleting one end deletes both");

        k.links(Where.HOST).addVeth(n("v2"), n("eth0"), C1);
        k.namespaces().delete("c1");
        assertTrue(k.links(Where.HOST).get(n("v2")).isEmpty(), "the namespace took its end, and the peer with it");
        assertThrows(KernelException.class, () -> k.links(C1).list(), "no namespace c1 any more");
    }

    @Test
    void refusesWhatTheKernelRefuses() {
        Kernel.Links host = k.links(Where.HOST);
        host.addBridge(n("br0"));
        assertEquals(17, assertThrows(KernelException.class, () -> host.addDummy(n("br0"))).errno(), "EEXIST");
        host.setUp(n("br0"));
        assertEquals(16, assertThrows(KernelException.class, () -> host.rename(n("br0"), n("br1"))).errno(), "EBUSY: up");
        assertEquals(19, assertThrows(KernelException.class, () -> host.setMaster(n("nope"), n("br0"))).errno(), "ENODEV");
        assertEquals(101, assertThrows(KernelException.class,
                () -> k.routes(Where.HOST).add(Cidr.parse("10.9.0.0/24"), IpAddress.parse("10.1.0.1"), null)).errno(), "ENETUNREACH");
        k.addresses(Where.HOST).add(n("br0"), Cidr.parse("10.1.0.2/24"));
        k.routes(Where.HOST).add(Cidr.parse("10.9.0.0/24"), IpAddress.parse("10.1.0.1"), null);
        assertEquals("10.9.0.0/24 via 10.1.0.1 dev br0", k.routes(Where.HOST).get(IpAddress.parse("10.9.0.7")).describe());
        host.setDown(n("br0"));
        assertTrue(k.routes(Where.HOST).list().isEmpty(), "a link going down takes its routes, the connected one too");
    }

    @Test
    void anIptablesBatchIsTakenWholeOrNotAtAll() {
        Kernel.Firewall fw = k.firewall(Where.HOST);
        fw.restore(Map.of("nat", List.of("-N DOCKER", "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER")));
        String before = fw.save().text();
        FirewallException e = assertThrows(FirewallException.class, () -> fw.restore(Map.of("nat",
                List.of("-A DOCKER -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80", "-D DOCKER -p udp -j ACCEPT"))));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertEquals(before, fw.save().text(), "the first line of the refused batch did not stay");
        assertThrows(FirewallException.class, () -> fw.restore(Map.of("nat", List.of("-X DOCKER"))), "still jumped to");
        assertThrows(FirewallException.class, () -> fw.restore(Map.of("filter", List.of("-A FORWARD -j DOCKER"))), "no such chain in filter");
        fw.restore(Map.of("nat", List.of("-D PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-X DOCKER")));
        assertFalse(fw.save().hasChain("nat", "DOCKER"));
    }

    @Test
    void theRecordingKernelTellsWhatAScriptAskedOfTheSystem() {
        RecordingKernel recorded = new RecordingKernel(k);
        try (OnMemory m = new OnMemory(k, recorded)) {
            m.run("netns 'c1'\nveth 'v1', 'eth0', peerIn: 'c1'\nnetns('c1') { addr '10.0.0.2/24' dev 'eth0'; link 'eth0' up }");
            assertEquals(List.of("c1"), m.run("namespaceNames"), "words that read the system read this one");
            netgroovy.dsl.DslException e = assertThrows(netgroovy.dsl.DslException.class, () -> m.run("\nnetns('c1') { show links }"));
            assertTrue(e.line() == 2 && e.getMessage().contains("needs the live system"), e.line() + ": " + e.getMessage());
        }
        assertEquals(List.of(
                "namespaces.create(c1, true)",
                "links(c1).setUp(lo, netgroovy netns)", // lo up with the namespace's mark, one request
                "links(host).addVeth(v1, eth0, c1)",
                "addresses(c1).add(eth0, 10.0.0.2/24)",
                "links(c1).setUp(eth0)"), recorded.changes());
        assertTrue(recorded.calls().containsAll(List.of("namespaces.exists(c1)", "links(host).glance(v1)")), "and what it looked at first: " + recorded.calls());
    }
}
