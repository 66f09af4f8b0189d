package netgroovy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The two hand-wiring walkthroughs of seed 002, done with the kernel layer alone. */
@ExtendWith(Sandboxed.class)
class SeedScenariosTest {

    private static IfName n(String s) {
        return IfName.of(s);
    }

    @Test
    void wiringANetNoneContainerByHand() throws Exception {
        try (Rtnl host = Rtnl.host()) {
            // the host side: docker0's stand-in
            host.links().addBridge(n("docker0"));
            host.addresses().add(n("docker0"), Cidr.parse("172.17.42.1/16"));
            host.links().setUp(n("docker0"));
            // the "container"
            Namespaces.create("c1");
            try (NetNs c1 = NetNs.named("c1")) {
                host.links().addVeth(n("A"), n("B"), null);
                host.links().setMaster(n("A"), n("docker0"));
                host.links().setUp(n("A"));
                host.links().moveTo(n("B"), c1);
                try (Rtnl in = Rtnl.at(c1)) {
                    in.links().rename(n("B"), n("eth0"));
                    in.links().setMac(n("eth0"), Mac.parse("12:34:56:78:9a:bc"));
                    in.addresses().add(n("eth0"), Cidr.parse("172.17.42.99/16"));
                    in.links().setUp(n("eth0"));
                    in.routes().add(null, IpAddress.parse("172.17.42.1"), null);
                }
            }
            Map<String, Object> eth0 = Ip.link("c1", "eth0").orElseThrow();
            assertEquals("12:34:56:78:9a:bc", eth0.get("address"));
            assertEquals(List.of("172.17.42.99/16"), Ip.addresses("c1", "eth0").stream().filter(a -> !a.contains(":")).toList());
            assertTrue(Ip.routes("c1", "-4").stream().anyMatch(r -> "default".equals(r.get("dst"))
                    && "172.17.42.1".equals(r.get("gateway")) && "eth0".equals(r.get("dev"))));
            assertTrue(Sh.ok("bridge", "-j", "link").contains("\"ifname\":\"A\""));
            assertTrue(Ip.ping("c1", "172.17.42.1"), "the container reaches its gateway");
            try (NetNs c1 = NetNs.named("c1"); Rtnl in = Rtnl.at(c1)) {
                var gateway = in.neighbours().list().stream()
                        .filter(nb -> nb.address().equals(IpAddress.parse("172.17.42.1"))).findFirst().orElseThrow();
                assertEquals("eth0", gateway.device());
                assertEquals(host.links().require(n("docker0")).mac(), gateway.mac(), "the neighbour table learnt docker0's MAC");
            }

            Namespaces.delete("c1");
            // The kernel tears the namespace down asynchronously; A goes with its peer.
            for (int i = 0; i < 100 && Ip.link(null, "A").isPresent(); i++) {
                Thread.sleep(20);
            }
            assertTrue(Ip.link(null, "A").isEmpty(), "deleting the namespace removed A");
            assertFalse(Sh.ok("bridge", "-j", "link").contains("\"ifname\":\"A\""), "and so it left the bridge");
        }
    }

    @Test
    void pointToPointLinkBetweenTwoNamespaces() {
        Namespaces.create("c1");
        Namespaces.create("c2");
        try (Rtnl host = Rtnl.host(); NetNs c1 = NetNs.named("c1"); NetNs c2 = NetNs.named("c2")) {
            host.links().addVeth(n("A"), n("B"), null);
            host.links().moveTo(n("A"), c1);
            host.links().moveTo(n("B"), c2);
            try (Rtnl one = Rtnl.at(c1); Rtnl two = Rtnl.at(c2)) {
                one.addresses().add(n("A"), Cidr.parse("10.1.1.1/32"));
                one.links().setUp(n("A"));
                one.routes().add(Cidr.parse("10.1.1.2/32"), null, n("A"));
                two.addresses().add(n("B"), Cidr.parse("10.1.1.2/32"));
                two.links().setUp(n("B"));
                two.routes().add(Cidr.parse("10.1.1.1/32"), null, n("B"));
            }
        }
        assertTrue(Ip.routes("c1", "-4").stream().anyMatch(r -> "10.1.1.2".equals(r.get("dst")) && "A".equals(r.get("dev"))));
        assertTrue(Ip.ping("c1", "10.1.1.2"));
        assertTrue(Ip.ping("c2", "10.1.1.1"));
    }
}
