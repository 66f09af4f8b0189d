package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ctrl-C and Ctrl-D on a real (xterm-type) terminal. */
@ExtendWith(Sandboxed.class)
class InterruptTest {
    private Session session;

    private Engine engine() {
        session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
        return new Engine(session);
    }

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void ctrlCInterruptsARunningStatementAndTheShellGoesOn() {
        Engine engine = engine();
        XtermRepl[] repl = new XtermRepl[1];
        long[] took = new long[1];
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            repl[0] = new XtermRepl(engine);
            repl[0].type("sh 'echo started; sleep 30'\r");
            Thread.sleep(1000); // let sleep start
            long start = System.nanoTime();
            repl[0].ctrlC();
            repl[0].waitFor("interrupted");
            took[0] = (System.nanoTime() - start) / 1_000_000;
            repl[0].type("bridge 'after0'\r:quit\r");
            return repl[0].exitCode();
        });
        assertEquals(0, code);
        assertTrue(took[0] < 10_000, "Ctrl-C ended sleep 30 at once, not after " + took[0] + " ms");
        assertTrue(Ip.link(null, "after0").isPresent(), "the shell went on after Ctrl-C:\n" + repl[0].screen());
    }

    @Test
    void ctrlCAtThePromptDropsTheLineAndCtrlDLeaves() {
        Engine engine = engine();
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            XtermRepl repl = new XtermRepl(engine);
            repl.waitFor("netgroovy(sandbox)> ");
            repl.type("bridge 'dropped0'");
            repl.waitFor("'dropped0'");
            repl.ctrlC();
            repl.waitFor("netgroovy(sandbox)> ", 2);
            repl.type("bridge 'kept0'\r");
            repl.waitFor("netgroovy(sandbox)> ", 3);
            repl.type("\u0004"); // Ctrl-D on an empty line
            return repl.exitCode();
        });
        assertEquals(0, code);
        assertTrue(Ip.link(null, "dropped0").isEmpty(), "Ctrl-C dropped the line");
        assertTrue(Ip.link(null, "kept0").isPresent(), "the next line ran");
    }

    @Test
    void aStatementThatIgnoresCtrlCIsLeftBehindAtTheSecond() {
        Engine engine = engine();
        // The statement says when it runs and when it swallowed the first Ctrl-C, so each key
        // is pressed at the right moment however loaded the machine is (no guessed sleeps).
        var started = new java.util.concurrent.CountDownLatch(1);
        var ignored = new java.util.concurrent.CountDownLatch(1);
        engine.binding().setVariable("started", started);
        engine.binding().setVariable("ignored", ignored);
        XtermRepl[] repl = new XtermRepl[1];
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            repl[0] = new XtermRepl(engine);
            // swallows interrupts for 15 s, sleeping, so a left-behind loop costs no CPU and ends by itself
            repl[0].type("started.countDown(); def t0 = System.currentTimeMillis(); while (System.currentTimeMillis() - t0 < 15000) "
                    + "{ try { Thread.sleep(50) } catch (InterruptedException e) { ignored.countDown() } }\r");
            assertTrue(started.await(20, java.util.concurrent.TimeUnit.SECONDS), "the statement started");
            repl[0].ctrlC();
            assertTrue(ignored.await(20, java.util.concurrent.TimeUnit.SECONDS), "the first Ctrl-C reached it");
            repl[0].ctrlC();
            repl[0].waitFor("left running in the background");
            repl[0].waitFor("(sandbox)> ", 2); // typed before the next prompt, the keys raced its drawing
            repl[0].type("bridge 'after1'\r:quit\r");
            return repl[0].exitCode();
        });
        assertEquals(0, code);
        assertTrue(Ip.link(null, "after1").isPresent(), "a fresh worker ran the next statement:\n" + repl[0].screen());
    }
}
