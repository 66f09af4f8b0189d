package netgroovy.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code capture} sees a ping's packets on the links it crosses, merged in time order, and writes a pcap. */
@ExtendWith(Sandboxed.class)
class CaptureTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Session session;
    private Engine engine;

    @BeforeEach
    void build() {
        assumeTrue(Sh.run("sh", "-c", "command -v tcpdump").ok(), "tcpdump is not installed (Debian: apt-get install tcpdump)");
        session = new Session(false, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
        engine = new Engine(session);
        engine.run("""
                bridge 'br0' cidr '192.0.2.1/24'
                ['a': '192.0.2.2/24', 'b': '192.0.2.3/24'].each { name, ip ->
                    netns name
                    veth "v$name", 'eth0', peerIn: name
                    link "v$name" master 'br0' up
                    netns(name) { addr ip dev 'eth0'; link 'eth0' up }
                }
                """, "capture.netgroovy");
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void aPingIsSeenOnBothLinksItCrossesInTimeOrder(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("ping.pcap");
        Capture c = (Capture) engine.run("capture(on: ['va', 'vb'], file: '" + pcap + "') { assert ping(from: 'a', to: '192.0.2.3') }", "c");
        String text = c.toString();
        assertTrue(text.contains("va  IP 192.0.2.2 > 192.0.2.3: ICMP echo request"), text);
        assertTrue(text.contains("vb  IP 192.0.2.2 > 192.0.2.3: ICMP echo request"), text);
        assertTrue(text.contains("IP 192.0.2.3 > 192.0.2.2: ICMP echo reply"), text);
        int request = text.indexOf("va  IP 192.0.2.2 > 192.0.2.3: ICMP echo request");
        int reply = text.indexOf("vb  IP 192.0.2.3 > 192.0.2.2: ICMP echo reply");
        assertTrue(request < reply, "time order: the request before the reply\n" + text);
        // The independent reading of the file: tcpdump itself.
        assertTrue(Files.size(pcap) > 0);
        String read = Sh.run("tcpdump", "-n", "-r", pcap.toString()).out();
        assertTrue(read.contains("ICMP echo request"), read);
    }

    @Test
    void aLinkInsideANamespaceIsFoundAndCountStops() {
        engine.run("netns('a') { sh 'ping -c 3 -i 0.2 192.0.2.3 >/dev/null &' }", "c");
        Capture c = (Capture) engine.run("capture on: 'eth0', in: 'b', count: 2, timeout: 5", "c");
        assertEquals(2, c.getPackets(), c.toString());
        assertTrue(c.getLines().get(0).contains("b/eth0"), c.toString());
    }

    @Test
    void anAmbiguousOrUnknownLinkIsAClearError() {
        DslException e = assertThrows(DslException.class, () -> engine.run("capture 'eth0'", "c"));
        assertTrue(e.getMessage().contains("there is a link 'eth0' in [a, b]; say which"), e.getMessage());
        e = assertThrows(DslException.class, () -> engine.run("capture 'nope0'", "c"));
        assertTrue(e.getMessage().contains("no link 'nope0' in any namespace"), e.getMessage());
    }
}
