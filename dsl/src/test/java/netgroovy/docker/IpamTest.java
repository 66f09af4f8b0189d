package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import netgroovy.value.Cidr;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;
import org.junit.jupiter.api.Test;

/** Address management hands out the lowest free address, whatever was taken and given back before. */
class IpamTest {
    private final Ipam ipam = new Ipam(Cidr.parse("10.9.0.0/29"), null, IpAddress.parse("10.9.0.1"));

    private String next() {
        return ipam.allocate().toString();
    }

    @Test
    void theLowestFreeAddressEvenAfterOneIsGivenBack() {
        assertEquals("10.9.0.2", next());
        assertEquals("10.9.0.3", next());
        ipam.allocate(IpAddress.parse("10.9.0.5"));
        assertEquals("10.9.0.4", next());
        assertEquals("10.9.0.6", next(), ".5 was asked for by name, .7 is the broadcast address");
        ipam.release(IpAddress.parse("10.9.0.3"));
        ipam.release(IpAddress.parse("10.9.0.6"));
        assertEquals("10.9.0.3", next(), "given back below the others: handed out first");
        assertEquals("10.9.0.6", next());
        InvalidValueException e = assertThrows(InvalidValueException.class, ipam::allocate);
        assertEquals("no free address left in 10.9.0.0/29 (5 in use)", e.getMessage());
        ipam.release(IpAddress.parse("10.9.0.2"));
        assertEquals("10.9.0.2", next());
    }
}
