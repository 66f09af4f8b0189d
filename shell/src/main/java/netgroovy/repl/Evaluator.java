package netgroovy.repl;

import java.io.PrintWriter;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Results;
import netgroovy.dsl.Unforeseen;
import org.jline.terminal.Terminal;

/**
 * Runs DSL text for the REPL and prints what came of it. The text runs on a worker thread
 * so that Ctrl-C reaches the statement and not the shell: the first Ctrl-C interrupts the
 * worker (a running {@code sh} or {@code ping} kills its process) and the REPL waits for the
 * statement to wind down, so the next one never overlaps it. A statement that ignores the
 * interrupt (a busy Groovy loop) is left behind at the second Ctrl-C, on a fresh worker.
 */
final class Evaluator implements AutoCloseable {
    /** {@code explain} prints its commands itself; printing its value too would show them twice. */
    private static final Pattern PRINTS_ITSELF = Pattern.compile("^\\s*(explain|pingall|capture)\\b.*", Pattern.DOTALL);

    private final Engine engine;
    private final Terminal terminal;
    private final PrintWriter out;
    private final boolean debug;
    private ExecutorService worker = newWorker();

    Evaluator(Engine engine, Terminal terminal, PrintWriter out, boolean debug) {
        this.engine = engine;
        this.terminal = terminal;
        this.out = out;
        this.debug = debug;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netgroovy-statement");
            t.setDaemon(true); // a statement left behind must not keep the JVM alive after :quit
            return t;
        });
    }

    /** Runs {@code text} (named {@code name} in error messages) and prints its value or its error; true when it ran to its end. */
    boolean evaluate(String text, String name) {
        AtomicReference<Thread> runner = new AtomicReference<>();
        Future<String> running = worker.submit(() -> {
            runner.set(Thread.currentThread());
            try {
                Object result = engine.run(text, name);
                // Its text is made here, by the statement's thread (see Engine#text): null, nothing to print.
                return Results.worthPrinting(result) && !PRINTS_ITSELF.matcher(text).matches() ? engine.text(result) : null;
            } finally {
                runner.set(null);
                Thread.interrupted(); // a late Ctrl-C must not hit the next statement
            }
        });
        AtomicInteger presses = new AtomicInteger();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> {
            presses.incrementAndGet();
            Thread t = runner.get();
            if (t != null) {
                t.interrupt();
            } else {
                running.cancel(false); // not started yet
            }
        });
        ProgressLine progress = new ProgressLine(terminal, engine.session());
        try {
            String printed = await(running, presses, progress);
            if (presses.get() > 0) {
                out.println("interrupted");
                return false;
            } else if (printed != null) {
                print(printed);
            }
            return true;
        } catch (CancellationException | InterruptedException e) {
            out.println("interrupted");
        } catch (ExecutionException e) {
            if (presses.get() > 0) {
                out.println("interrupted");
            } else if (e.getCause() instanceof DslException d) {
                printError(d);
            } else {
                printError(new Unforeseen(name, 0, e.getCause()));
            }
        } finally {
            progress.close();
            terminal.handle(Terminal.Signal.INT, previous);
            out.flush();
        }
        return false;
    }

    /** Waits for the statement, keeping its progress line; after a second Ctrl-C gives up on it and starts a fresh worker. */
    private String await(Future<String> running, AtomicInteger presses, ProgressLine progress)
            throws InterruptedException, ExecutionException {
        while (true) {
            try {
                return running.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                progress.tick();
                if (presses.get() >= 2) {
                    out.println("the statement does not stop; it is left running in the background");
                    worker.shutdownNow();
                    worker = newWorker();
                    throw new CancellationException();
                }
            }
        }
    }

    private void print(String text) {
        if (text.isEmpty()) {
            return; // sh 'true': no output, no blank line
        }
        out.print(text);
        if (!text.endsWith("\n")) { // views and sh output end with a newline already
            out.println();
        }
    }

    /** "error: message" and its hint (the REPL's line needs no file:line); the trace only with --debug. */
    void printError(DslException e) {
        out.println("error: " + e.getMessage());
        if (e.hint() != null) {
            out.println("  hint: " + e.hint());
        }
        if (debug) {
            e.printStackTrace(out);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
