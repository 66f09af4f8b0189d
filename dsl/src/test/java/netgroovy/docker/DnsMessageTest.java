package netgroovy.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded server's wire format and files, without a kernel: bytes as RFC 1035 lays them out. */
class DnsMessageTest {
    @Test
    void aQueryIsReadAndAnsweredWithTheQuestionAndOneAddress() throws Exception {
        byte[] q = DnsMessage.query(0x1234, "Web.my-net", DnsMessage.A);
        DnsMessage m = DnsMessage.parse(q, q.length);
        assertEquals("web.my-net", m.name(), "names compare in lower case");
        assertEquals(DnsMessage.A, m.type());
        byte[] reply = m.addresses(List.of(InetAddress.getByName("172.18.0.3"), InetAddress.getByName("2001:db8::3")), 600);
        // header: id, QR|AA|RD|RA, 1 question, 1 answer (the AAAA address is left out of an A answer), 0, 0
        assertEquals("1234" + "8580" + "0001" + "0001" + "0000" + "0000"
                + "03576562066d792d6e657400" + "0001" + "0001"                       // the question as asked
                + "c00c" + "0001" + "0001" + "00000258" + "0004" + "ac120003",       // pointer to it, A, IN, 600 s, 172.18.0.3
                HexFormat.of().formatHex(reply));
    }

    @Test
    void errorsAndPointers() throws Exception {
        byte[] q = DnsMessage.query(7, "3.0.18.172.in-addr.arpa", DnsMessage.PTR);
        DnsMessage m = DnsMessage.parse(q, q.length);
        assertEquals(DnsMessage.SERVFAIL, DnsMessage.rcode(m.error(DnsMessage.SERVFAIL)));
        byte[] ptr = m.pointer("web.my-net", 600);
        byte[] name = DnsMessage.encodeName("web.my-net");
        assertArrayEquals(name, java.util.Arrays.copyOfRange(ptr, ptr.length - name.length, ptr.length));
        assertEquals("3.0.18.172.in-addr.arpa", DnsNames.reverse(InetAddress.getByName("172.18.0.3")));
        assertEquals("3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", DnsNames.reverse(InetAddress.getByName("2001:db8::3")));
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.parse(new byte[5], 5));
        byte[] response = m.error(0);
        assertThrows(IllegalArgumentException.class, () -> DnsMessage.parse(response, response.length), "a response is not a query");
    }

    @Test
    void resolvConfOfAServedContainerKeepsSearchAndOptionsAndAddsNdots() {
        assertEquals("search example.com\nnameserver 127.0.0.11\noptions timeout:2 ndots:0\n",
                EtcFiles.embeddedResolvConf("search example.com\nnameserver 192.0.2.53\noptions timeout:2\n"));
        assertEquals("nameserver 127.0.0.11\noptions ndots:2\n", EtcFiles.embeddedResolvConf("nameserver 192.0.2.53\noptions ndots:2\n"),
                "an ndots given stays");
        assertEquals(List.of("192.0.2.53", "192.0.2.54"), EtcFiles.nameservers("nameserver 192.0.2.53\n# x\nnameserver 192.0.2.54\n"));
    }
}
