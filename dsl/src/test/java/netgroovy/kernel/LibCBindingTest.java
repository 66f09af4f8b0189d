package netgroovy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The C library's binding survives an interrupted first caller (Ctrl-C on the REPL's first
 * statement that reaches the kernel): the caller gets the library, keeps its interrupt, and
 * the process goes on using it. Run in a JVM of its own, since the binding happens once per
 * process (this one's is long done); the child only asks which network namespace it is in.
 */
class LibCBindingTest {
    @Test
    void anInterruptedFirstCallerStillGetsTheLibraryAndKeepsItsInterrupt() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), InterruptedFirstCaller.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not finish (a binding that waits for itself?)");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of("bound while interrupted: still interrupted", "bound again: ok"), out.lines().toList(), out);
    }

    /** The child: interrupts itself, then makes its first call to the C library, and another. */
    static final class InterruptedFirstCaller {
        public static void main(String[] args) {
            Thread.currentThread().interrupt();
            NetNs.current(); // the first use: binds the library
            System.out.println("bound while interrupted: " + (Thread.interrupted() ? "still interrupted" : "interrupt lost"));
            NetNs.current();
            System.out.println("bound again: ok");
        }
    }
}
