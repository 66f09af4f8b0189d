package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A run keeps its handles on the namespaces it used last from one statement to the next
 * (opening one costs a thread's trip into the namespace). Kept, they must never act on a
 * namespace that is no longer the one of that name, never keep a deleted namespace alive
 * after a command deleted it, and never pile up descriptors. iproute2 is the observer.
 */
@ExtendWith(Sandboxed.class)
class KeptNamespaceHandlesTest {
    private final Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
    private final Engine engine = new Engine(session);

    @AfterEach
    void close() {
        session.close();
    }

    private Object run(String script) {
        return engine.run(script, "kept.netgroovy");
    }

    @SuppressWarnings("unchecked")
    private static boolean up(String ns, String link) {
        Map<String, Object> l = Ip.link(ns, link).orElseThrow();
        return ((List<String>) l.get("flags")).contains("UP");
    }

    @Test
    void aNamespaceMadeAgainUnderItsNameMidRunIsTheOneChanged() {
        // Deleted and made again behind netgroovy's back (not through a word, which would let
        // go of the handle itself): the next statement must find the new namespace.
        run("""
                netns 'x'
                netns('x') { link 'lo' up }
                netgroovy.testing.Sh.ok('ip', 'netns', 'del', 'x')
                netgroovy.testing.Sh.ok('ip', 'netns', 'add', 'x')
                netns('x') { link 'lo' up }
                """);
        assertTrue(up("x", "lo"), "lo of the namespace now named x is up: " + Ip.link("x", "lo"));
    }

    @Test
    void whatAnotherProgramChangedBetweenTwoStatementsIsSeenByTheSecond() {
        // A statement finds the bridge and lo up, over handles the run keeps; another program
        // (not `sh`, which makes the run let go of its handles) takes them down before the next
        // statement, which must see that and bring them up again: a handle that kept its
        // answers from one statement to the next would skip them as done.
        netgroovy.testing.Sh.ok("ip", "link", "add", "kb0", "type", "bridge");
        netgroovy.testing.Sh.ok("ip", "link", "set", "kb0", "up");
        netgroovy.testing.Sh.ok("ip", "netns", "add", "k");
        netgroovy.testing.Sh.ok("ip", "-n", "k", "link", "set", "lo", "up");
        run("""
                link 'kb0' up
                netns('k') { link 'lo' up }
                netgroovy.testing.Sh.ok('ip', 'link', 'set', 'kb0', 'down')
                netgroovy.testing.Sh.ok('ip', '-n', 'k', 'link', 'set', 'lo', 'down')
                link 'kb0' up
                netns('k') { link 'lo' up }
                """);
        assertTrue(up(null, "kb0"), "kb0 up again: " + Ip.link(null, "kb0"));
        assertTrue(up("k", "lo"), "lo of k up again: " + Ip.link("k", "lo"));
    }

    @Test
    void aNamespaceDeletedByACommandOfTheScriptIsNotKeptAlive() {
        // A veth goes when the namespace of its other end is destroyed, which a handle on
        // that namespace would put off for as long as it is held.
        Object gone = run("""
                netns 'y'
                veth 'h1', 'eth0', peerIn: 'y'
                netns('y') { link 'eth0' up }
                sh 'ip netns del y'
                def gone = false
                for (i in 0..<300) {
                    if (!sh('ip link show h1').ok) { gone = true; break }
                    Thread.sleep(10)
                }
                gone
                """);
        assertEquals(true, gone, "h1 went with its peer's namespace within 3 s");
        assertTrue(Ip.link(null, "h1").isEmpty(), "no h1 in the host");
    }

    @Test
    void aNamespaceDeletedBehindTheScriptsBackIsMadeAgainByTheNextNetns() {
        // Whether a namespace is there is asked once per statement (the word and its plan's
        // check share the answer): the next statement asks again.
        run("""
                netns 'z'
                netgroovy.testing.Sh.ok('ip', 'netns', 'del', 'z')
                netns 'z'
                """);
        assertTrue(netgroovy.testing.Sh.ok("ip", "netns", "list").contains("z"), "z made again");
        assertTrue(up("z", "lo"), "its lo up: " + Ip.link("z", "lo"));
    }

    @Test
    void handlesKeptBetweenStatementsAreFew() {
        // 60 namespaces, each used by a statement of its own: what is kept stays bounded.
        Object grown = run("""
                def fds = { new File('/proc/self/fd').list().length }
                int before = fds()
                for (k in 0..<60) {
                    netns "n$k"
                    netns("n$k") { link 'lo' up }
                }
                fds() - before
                """);
        assertTrue(((Number) grown).intValue() <= 40, "descriptors grew by " + grown + " over 60 namespaces");
        for (int k = 0; k < 60; k += 7) {
            assertTrue(up("n" + k, "lo"), "lo up in n" + k);
        }
    }
}
