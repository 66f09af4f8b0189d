package netgroovy.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValuesTest {

    /** IfName's and Cidr's equals and hashCode are written out; they must say what the record's would. */
    @Test
    void namesAndCidrsAreEqualByTheirParts() {
        assertEquals(IfName.of("eth0"), IfName.of("eth" + 0));
        assertEquals(IfName.of("eth0").hashCode(), IfName.of("eth" + 0).hashCode());
        assertNotEquals(IfName.of("eth0"), IfName.of("eth1"));
        assertNotEquals(IfName.of("eth0"), "eth0");
        assertEquals(Cidr.parse("10.0.0.1/24"), Cidr.parse("10.0.0.1/24"));
        assertEquals(Cidr.parse("10.0.0.1/24").hashCode(), Cidr.parse("10.0.0.1/24").hashCode());
        assertNotEquals(Cidr.parse("10.0.0.1/24"), Cidr.parse("10.0.0.1/25"), "another prefix");
        assertNotEquals(Cidr.parse("10.0.0.1/24"), Cidr.parse("10.0.0.2/24"), "another address");
        assertNotEquals(Cidr.parse("10.0.0.1/24"), null);
        assertEquals(java.util.Set.of(Cidr.parse("10.0.0.1/24"), IfName.of("a")),
                new java.util.HashSet<>(java.util.List.of(Cidr.parse("10.0.0.1/24"), IfName.of("a"), Cidr.parse("10.0.0.1/24"))));
    }

    @Test
    void interfaceNamesFollowTheKernelsRules() {
        assertEquals("eth0", IfName.of("eth0").name());
        assertEquals("a23456789012345", IfName.of("a23456789012345").name());
        var tooLong = assertThrows(InvalidValueException.class, () -> IfName.of("a234567890123456"));
        assertEquals("interface name 'a234567890123456' is 16 bytes long; the kernel allows at most 15", tooLong.getMessage());
        assertTrue(assertThrows(InvalidValueException.class, () -> IfName.of("a/b")).getMessage().contains("'/'"));
        assertTrue(assertThrows(InvalidValueException.class, () -> IfName.of("a b")).getMessage().contains("whitespace"));
        assertThrows(InvalidValueException.class, () -> IfName.of(""));
        assertThrows(InvalidValueException.class, () -> IfName.of(".."));
        // bytes, not characters: 8 two-byte letters are 16 bytes
        assertThrows(InvalidValueException.class, () -> IfName.of("éééééééé"));
    }

    @Test
    void macAddresses() {
        assertEquals("12:34:56:78:9a:bc", Mac.parse("12:34:56:78:9A:BC").toString());
        var bad = assertThrows(InvalidValueException.class, () -> Mac.parse("12:34:56:78:9a"));
        assertTrue(bad.getMessage().contains("'12:34:56:78:9a' is not a MAC address"), bad.getMessage());
        assertThrows(InvalidValueException.class, () -> Mac.parse("zz:34:56:78:9a:bc"));
        assertTrue(assertThrows(InvalidValueException.class, () -> Mac.parse("01:00:5e:00:00:01")).getMessage().contains("multicast"));
        assertEquals("02:42:ac:11:00:02", Mac.parse("02:42:AC:11:00:02").toString());
        assertEquals("fe:ff:ff:ff:ff:ff", Mac.parse("fE:Ff:fF:ff:ff:FF").toString());
        for (String wrong : new String[] {"12-34-56-78-9a-bc", "12:34:56:78:9a:bc:", "12:34:56:78:9a:b", "12:34:56:78:9a:bcd",
                "123:4:56:78:9a:bc", "12:34:56:78:9g:bc", "\uff11\uff12:34:56:78:9a:bc", "", "12:34:56:78:9a bc"}) {
            var e = assertThrows(InvalidValueException.class, () -> Mac.parse(wrong), wrong);
            assertEquals("'" + wrong + "' is not a MAC address (expected six hex pairs like 12:34:56:78:9a:bc)", e.getMessage());
        }
        assertThrows(InvalidValueException.class, () -> Mac.parse(null));
    }

    @Test
    void ipAddressesAreLiteralsOnly() {
        assertEquals("172.17.42.1", IpAddress.parse("172.17.42.1").toString());
        assertEquals("2001:db8::1", IpAddress.parse("2001:db8:0:0:0:0:0:1").toString());
        assertEquals("fe80::1:0:0:1", IpAddress.parse("fe80:0:0:0:1:0:0:1").toString());
        assertThrows(InvalidValueException.class, () -> IpAddress.parse("256.1.1.1"));
        assertThrows(InvalidValueException.class, () -> IpAddress.parse("1.2.3"));
        assertThrows(InvalidValueException.class, () -> IpAddress.parse("example.com"));
        assertThrows(InvalidValueException.class, () -> IpAddress.parse("2001:db8::g"));
        assertEquals("10.0.0.1", IpAddress.parse(" 10.0.0.1 ").toString());
        assertEquals("1.2.3.4", IpAddress.parse("001.02.3.4").toString());
        for (String wrong : new String[] {"1..3.4", "1.2.3.4.", "1.2.3.1000", "1.2.3.-4", "1.2.3.+4", "\u0661.2.3.4", "\uff11.2.3.4"}) {
            var e = assertThrows(InvalidValueException.class, () -> IpAddress.parse(wrong), wrong);
            assertTrue(e.getMessage().startsWith("'" + wrong + "' is not an IPv4 address"), e.getMessage());
        }
        assertThrows(InvalidValueException.class, () -> Cidr.parse("10.0.0.1/\u0662\u0664"));
        assertThrows(InvalidValueException.class, () -> Cidr.parse("10.0.0.1/+24"));
        assertEquals(24, Cidr.parse("10.0.0.1/24").prefix());
    }

    @Test
    void cidrsKnowTheirNetworkAndContainment() {
        Cidr c = Cidr.parse("172.17.42.1/16");
        assertEquals("172.17.0.0/16", c.network().toString());
        assertFalse(c.isNetwork());
        assertTrue(c.network().isNetwork());
        assertTrue(c.contains(IpAddress.parse("172.17.255.254")));
        assertFalse(c.contains(IpAddress.parse("172.18.0.1")));
        assertTrue(c.contains(Cidr.parse("172.17.42.0/24")));
        assertFalse(Cidr.parse("172.17.42.0/24").contains(c));
        assertTrue(Cidr.parse("10.1.1.1").isHostRoute());
        assertEquals(32, Cidr.parse("10.1.1.1").prefix());
        assertEquals("2001:db8:1::/64", Cidr.parse("2001:db8:1::5/64").network().toString());
        var bad = assertThrows(InvalidValueException.class, () -> Cidr.parse("10.0.0.1/33"));
        assertEquals("'10.0.0.1/33' is not a CIDR: prefix length /33 is out of range for 10.0.0.1 (0-32)", bad.getMessage());
        assertThrows(InvalidValueException.class, () -> Cidr.parse("10.0.0/24"));
        assertThrows(InvalidValueException.class, () -> Cidr.parse("10.0.0.1/"));
        assertThrows(InvalidValueException.class, () -> Cidr.parse("10.0.0.1/x"));
    }
}
