package netgroovy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Sandboxed.class)
class AddressesRoutesTest {

    private static IfName n(String s) {
        return IfName.of(s);
    }

    @Test
    void addressesV4AndV6() {
        Namespaces.create("c1");
        try (NetNs ns = NetNs.named("c1"); Rtnl c1 = Rtnl.at(ns)) {
            c1.links().addVeth(n("d0"), n("d0peer"), null); // a link with carrier once both ends are up
            c1.links().setUp(n("d0peer"));
            c1.links().setUp(n("d0"));
            c1.addresses().add(n("d0"), Cidr.parse("10.0.0.2/24"));
            c1.addresses().add(n("d0"), Cidr.parse("2001:db8:1::2/64"));
            assertTrue(Ip.addresses("c1", "d0").containsAll(List.of("10.0.0.2/24", "2001:db8:1::2/64")),
                    Ip.addresses("c1", "d0").toString());
            List<String> ours = c1.addresses().list(n("d0")).stream().map(a -> a.cidr().toString()).toList();
            assertTrue(ours.containsAll(List.of("10.0.0.2/24", "2001:db8:1::2/64")), ours.toString());
            var dup = assertThrows(KernelException.class, () -> c1.addresses().add(n("d0"), Cidr.parse("10.0.0.2/24")));
            assertEquals("cannot add 10.0.0.2/24 to d0 in c1: ipv4: Address already assigned (EEXIST)", dup.getMessage());
            c1.addresses().delete(n("d0"), Cidr.parse("10.0.0.2/24"));
            assertTrue(!Ip.addresses("c1", "d0").contains("10.0.0.2/24"));
            var missing = assertThrows(KernelException.class, () -> c1.addresses().add(n("nope"), Cidr.parse("10.0.0.3/24")));
            assertEquals("link nope does not exist in c1", missing.getMessage());
        }
    }

    @Test
    void routesDefaultOnLinkHostAndV6AndLookup() {
        Namespaces.create("c1");
        try (NetNs ns = NetNs.named("c1"); Rtnl c1 = Rtnl.at(ns)) {
            c1.links().addVeth(n("d0"), n("d0peer"), null); // a link with carrier once both ends are up
            c1.links().setUp(n("d0peer"));
            c1.links().setUp(n("d0"));
            c1.addresses().add(n("d0"), Cidr.parse("10.0.0.2/24"));
            c1.addresses().add(n("d0"), Cidr.parse("2001:db8:1::2/64"));
            c1.routes().add(null, IpAddress.parse("10.0.0.1"), null);
            c1.routes().add(Cidr.parse("192.0.2.0/24"), null, n("d0"));
            c1.routes().add(Cidr.parse("198.51.100.7/32"), null, n("d0"));
            c1.routes().add(null, IpAddress.parse("2001:db8:1::1"), n("d0"));
            List<Map<String, Object>> v4 = Ip.routes("c1", "-4");
            assertTrue(v4.stream().anyMatch(r -> "default".equals(r.get("dst")) && "10.0.0.1".equals(r.get("gateway"))), v4.toString());
            assertTrue(v4.stream().anyMatch(r -> "192.0.2.0/24".equals(r.get("dst")) && "link".equals(r.get("scope"))), v4.toString());
            assertTrue(v4.stream().anyMatch(r -> "198.51.100.7".equals(r.get("dst")) && "d0".equals(r.get("dev"))), v4.toString());
            List<Map<String, Object>> v6 = Ip.routes("c1", "-6");
            assertTrue(v6.stream().anyMatch(r -> "default".equals(r.get("dst")) && "2001:db8:1::1".equals(r.get("gateway"))), v6.toString());

            List<String> ours = c1.routes().list().stream().map(Route::describe).toList();
            assertTrue(ours.contains("default via 10.0.0.1 dev d0"), ours.toString());
            assertTrue(ours.contains("198.51.100.7 dev d0 scope link"), ours.toString());

            Route far = c1.routes().get(IpAddress.parse("203.0.113.9"));
            assertEquals(IpAddress.parse("10.0.0.1"), far.gateway());
            assertEquals("d0", far.device());
            assertEquals(IpAddress.parse("10.0.0.2"), far.source());
            Map<String, Object> ipSays = Ip.json("c1", "route", "get", "203.0.113.9").get(0);
            assertEquals(ipSays.get("gateway"), far.gateway().toString());
            assertEquals(ipSays.get("prefsrc"), far.source().toString());

            c1.routes().delete(null, IpAddress.parse("10.0.0.1"), null);
            assertTrue(Ip.routes("c1", "-4").stream().noneMatch(r -> "default".equals(r.get("dst"))));
            var unreachable = assertThrows(KernelException.class,
                    () -> c1.routes().add(null, IpAddress.parse("172.31.0.1"), null));
            assertTrue(unreachable.getMessage().startsWith("cannot add route default via 172.31.0.1 in c1: "), unreachable.getMessage());
        }
    }
}
