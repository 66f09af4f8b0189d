package netgroovy.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.HexFormat;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.Nl;
import org.junit.jupiter.api.Test;

/** Message bytes checked against the layout in linux/netlink.h and linux/if_link.h (x86-64, little-endian). */
class MessageWriterTest {

    @Test
    void newLinkBridgeHasHeaderIfinfoNameAndNestedKind() {
        MessageWriter m = new MessageWriter(Nl.RTM_NEWLINK, Nl.F_REQUEST | Nl.F_ACK | Nl.F_CREATE | Nl.F_EXCL)
                .ifinfo(Nl.AF_UNSPEC, 0, 0, 0);
        m.attrString(Nl.IFLA_IFNAME, "br0");
        int info = m.begin(Nl.IFLA_LINKINFO);
        m.attrString(Nl.IFLA_INFO_KIND, "bridge");
        m.end(info);
        byte[] expected = HexFormat.of().parseHex(
                "38000000" + "1000" + "0506" + "07000000" + "00000000"   // nlmsghdr: len 56, RTM_NEWLINK, flags, seq 7, pid 0
                + "00000000" + "00000000" + "00000000" + "00000000"       // ifinfomsg
                + "0800" + "0300" + "62723000"                            // IFLA_IFNAME "br0\0"
                + "1000" + "1200"                                         // IFLA_LINKINFO, 16 bytes (inner padding included)
                + "0b00" + "0100" + "6272696467650000");                  // IFLA_INFO_KIND "bridge\0" + pad
        assertArrayEquals(expected, m.finish(7));
    }
}
