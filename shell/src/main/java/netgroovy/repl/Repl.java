package netgroovy.repl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Results;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The REPL: reads a statement (an unfinished one continues on the next line) or a
 * :command, runs it in the session, prints the result or a one-line error with a hint.
 * Statements run on a worker thread so that Ctrl-C can interrupt one (a hung ping, a long
 * sh) and the shell goes on; Ctrl-C at the prompt drops the line; Ctrl-D or :quit leaves.
 */
public final class Repl {
    private final Engine engine;
    private final Terminal terminal;

    public Repl(Engine engine) {
        this(engine, defaultTerminal());
    }

    public Repl(Engine engine, Terminal terminal) {
        this.engine = engine;
        this.terminal = terminal;
    }

    private static Terminal defaultTerminal() {
        try {
            return TerminalBuilder.builder().name("netgroovy").system(true).build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the terminal: " + e.getMessage(), e);
        }
    }

    static Path historyFile() {
        String custom = System.getenv("NETGROOVY_HISTORY");
        return custom != null ? Path.of(custom) : Path.of(System.getProperty("user.home"), ".netgroovy_history");
    }

    public int run() {
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("netgroovy")
                .parser(new ReplParser())
                .completer(new NameCompleter(engine))
                .highlighter(new DslHighlighter())
                .variable(LineReader.HISTORY_FILE, historyFile())
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "%P ....> ")
                .build();
        PrintWriter out = terminal.writer();
        Commands commands = new Commands(engine, out);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netgroovy-statement");
            t.setDaemon(true);
            return t;
        });
        out.println("netgroovy — " + engine.session().target() + ". :help for words and commands, :quit to leave.");
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt());
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.trim().startsWith(":")) {
                    if (commands.run(line) == Commands.Outcome.QUIT) {
                        break;
                    }
                } else {
                    evaluate(worker, line, out);
                }
                out.flush();
            }
        } finally {
            worker.shutdownNow();
            try {
                reader.getHistory().save();
            } catch (IOException ignored) {
                // history is a convenience
            }
            out.flush();
        }
        return 0;
    }

    private String prompt() {
        return "netgroovy(" + (engine.session().dryRun() ? "dry-run" : engine.session().target()) + ")> ";
    }

    /** Runs one entry on the worker; Ctrl-C meanwhile interrupts it, not the shell. */
    private void evaluate(ExecutorService worker, String line, PrintWriter out) {
        Future<Object> running = worker.submit(() -> engine.run(line, "repl"));
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> running.cancel(true));
        try {
            Object result = running.get();
            if (Results.worthPrinting(result)) {
                out.println(result);
            }
        } catch (java.util.concurrent.CancellationException e) {
            out.println("interrupted");
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DslException d) {
                printError(out, d);
            } else {
                out.println("error: " + e.getCause());
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
        }
    }

    static void printError(PrintWriter out, DslException e) {
        out.println("error: " + e.getMessage());
        if (e.hint() != null) {
            out.println("  hint: " + e.hint());
        }
    }
}
