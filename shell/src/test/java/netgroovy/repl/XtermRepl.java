package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import netgroovy.dsl.Engine;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;

/**
 * A REPL on an xterm-type terminal that is fed key by key, for what a dumb terminal cannot
 * carry: Tab, Ctrl-C (byte 3, which the terminal turns into signal INT) and Ctrl-D. Every
 * wait is bounded, so a REPL that hangs fails the test instead of hanging it.
 */
final class XtermRepl {
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final PipedOutputStream keys = new PipedOutputStream();
    private final Thread thread;
    private final AtomicInteger exitCode = new AtomicInteger(-1);

    XtermRepl(Engine engine) throws IOException {
        this(engine, null);
    }

    /** A terminal of {@code size} (columns and rows), for what depends on the screen's height. */
    XtermRepl(Engine engine, Size size) throws IOException {
        PipedInputStream in = new PipedInputStream(keys, 8192);
        Terminal terminal = new ExternalTerminal("t", "xterm-256color", in, screen, StandardCharsets.UTF_8);
        if (size != null) {
            terminal.setSize(size);
        }
        thread = new Thread(() -> exitCode.set(new Repl(engine, terminal).run()), "repl-under-test");
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends keys as typed; Enter is "\r" on a real terminal. */
    XtermRepl type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
        return this;
    }

    XtermRepl ctrlC() throws IOException {
        return type("\u0003");
    }

    /** The screen as text, without colours and cursor movements. */
    String screen() {
        return screen.toString(StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;?]*[A-Za-z]|\u001B[=>]", "");
    }

    /** Waits until the screen shows {@code text} {@code times} times; fails after 20 seconds. */
    void waitFor(String text, int times) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (count(screen(), text) < times) {
            if (System.nanoTime() > end) {
                fail("the screen never showed '" + text + "' " + times + " time(s):\n" + screen());
            }
            Thread.sleep(50);
        }
    }

    void waitFor(String text) throws InterruptedException {
        waitFor(text, 1);
    }

    /** Waits for the REPL to end and gives its exit code; fails after 20 seconds. */
    int exitCode() throws InterruptedException {
        thread.join(20_000);
        if (thread.isAlive()) {
            fail("the REPL did not end:\n" + screen());
        }
        return exitCode.get();
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
