package netgroovy.docker;

import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/** Docker's container MAC: 02:42 followed by the four bytes of the IPv4 address (02:42:ac:11:00:02 for 172.17.0.2). */
public final class Macs {
    private Macs() {
    }

    public static Mac fromIp(IpAddress ip) {
        byte[] a = ip.bytes();
        if (a.length != 4) {
            throw new IllegalArgumentException("a MAC is derived from an IPv4 address, not " + ip);
        }
        return Mac.of(new byte[] {0x02, 0x42, a[0], a[1], a[2], a[3]});
    }
}
