package netgroovy.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pingall} and {@code expect}: the matrix agrees with {@code ping} run by hand, and a
 * failed expectation explains itself with trace's verdict.
 */
@ExtendWith(Sandboxed.class)
class ReachabilityTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Session session;
    private Engine engine;

    /** a and b share br0; c is alone on br1 with no route back: a and b cannot reach c, nor c them. */
    private static final String SETUP = """
            bridge 'br0' cidr '192.0.2.1/25'
            bridge 'br1' cidr '192.0.2.129/25'
            ['a': ['br0', '192.0.2.2/25'], 'b': ['br0', '192.0.2.3/25'], 'c': ['br1', '192.0.2.130/25']].each { name, v ->
                netns name
                veth "v$name", 'eth0', peerIn: name
                link "v$name" master v[0] up
                netns(name) { addr v[1] dev 'eth0'; link 'eth0' up }
            }
            serve 'b', 80
            """;

    @BeforeEach
    void build() {
        session = new Session(false, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
        engine = new Engine(session);
        engine.run(SETUP, "reach.netgroovy");
    }

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void pingallMatchesPingByHand() {
        Reachability r = (Reachability) engine.run("pingall()", "p");
        Map<String, String> address = Map.of("a", "192.0.2.2", "b", "192.0.2.3", "c", "192.0.2.130");
        for (String from : List.of("a", "b", "c")) {
            for (String to : List.of("a", "b", "c")) {
                if (!from.equals(to)) {
                    boolean byHand = Sh.run("ip", "netns", "exec", from, "ping", "-c", "1", "-W", "1", address.get(to)).ok();
                    assertEquals(byHand, r.getMatrix().get(from).get(to), from + " -> " + to + "\n" + r);
                }
            }
        }
        assertTrue(r.getMatrix().get("a").get("b"), r.toString());
        assertFalse(r.getMatrix().get("a").get("c"), r.toString());
        assertEquals(List.of("a -> c", "b -> c", "c -> a", "c -> b"), r.getFailures());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("a -> b X\n"), bytes.toString(StandardCharsets.UTF_8));
        assertTrue(r.toString().contains("pingall: 67% dropped (2/6 received)"), r.toString());
    }

    @Test
    void pingallOfSomeNamespaces() {
        Reachability r = (Reachability) engine.run("pingall 'a', 'b'", "p");
        assertTrue(r.isOk(), r.toString());
        assertEquals(2, r.getSent());
    }

    @Test
    void expectationsPassQuietlyAndFailWithTheTrace() {
        engine.run("expect 'a' reaches 'b:80'\nexpect 'a' reaches 'b'\nexpect 'a' blocked 'c'\nexpect 'a' blocked 'b:81'", "e");
        DslException e = assertThrows(DslException.class, () -> engine.run("expect 'a' reaches 'c'", "e"));
        assertTrue(e.getMessage().contains("expected a to reach c, but it got no route; trace: no route to 192.0.2.130 in a"), e.getMessage());
        e = assertThrows(DslException.class, () -> engine.run("expect 'a' blocked 'b:80'", "e"));
        assertTrue(e.getMessage().contains("expected a to be blocked from b:80, but it was answered; trace: delivered to b"), e.getMessage());
    }
}
