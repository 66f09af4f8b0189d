package netgroovy.repl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Unforeseen;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The REPL: reads a statement (an unfinished one continues on the next line) or a
 * :command, runs it in the session, prints the result or a one-line error with a hint.
 * Statements run on a worker thread ({@link Evaluator}) so that Ctrl-C can interrupt one (a
 * hung ping, a long sh) and the shell goes on; Ctrl-C at the prompt drops the line; Ctrl-D or
 * :quit leaves with 0.
 */
public final class Repl {
    private final Engine engine;
    private final Terminal terminal;
    private final boolean debug;

    public Repl(Engine engine, Terminal terminal) {
        this(engine, terminal, false);
    }

    /** {@code debug}: errors show their stack trace too (netgroovy --debug). */
    public Repl(Engine engine, Terminal terminal, boolean debug) {
        this.engine = engine;
        this.terminal = terminal;
        this.debug = debug;
    }

    /** The terminal netgroovy runs in (a dumb one when input is piped). */
    public static Terminal systemTerminal() {
        try {
            // dumb(true): input from a pipe or a file gets a dumb terminal without JLine's
            // warning about it (and without starting java.util.logging to print that).
            return TerminalBuilder.builder().name("netgroovy").system(true).dumb(true).build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the terminal: " + e.getMessage(), e);
        }
    }

    static Path historyFile() {
        String custom = System.getenv("NETGROOVY_HISTORY");
        return custom != null && !custom.isBlank() ? Path.of(custom) : Path.of(System.getProperty("user.home"), ".netgroovy_history");
    }

    public int run() {
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("netgroovy")
                .parser(new ReplParser())
                .completer(new NameCompleter(engine))
                .highlighter(new DslHighlighter())
                .variable(LineReader.HISTORY_FILE, historyFile())
                // continuation lines: "....> " right-aligned under the prompt
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "%P ....> ")
                // Groovy uses ! and ^ (if (!ok), !!x, a ^ b): bash-style history expansion would rewrite them.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        PrintWriter out = terminal.writer();
        out.println("netgroovy — " + engine.session().target() + ". :help for words and commands, :quit to leave.");
        try (Evaluator evaluator = new Evaluator(engine, terminal, out, debug)) {
            TutorialMode tutorial = new TutorialMode(engine, evaluator, out, new TutorialProgress(TutorialProgress.defaultFile()),
                    TutorialMode.defaultFolder());
            Commands commands = new Commands(engine, evaluator, out, new Pager(terminal, out), tutorial);
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt(tutorial));
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt drops the line
                } catch (EndOfFileException e) {
                    break; // Ctrl-D
                }
                if (line.isBlank()) {
                    if (tutorial.active()) {
                        tutorial.enter(); // Enter runs the tutorial's step
                    }
                    continue;
                }
                if (line.trim().startsWith(":")) {
                    if (command(commands, line, evaluator) == Commands.Outcome.QUIT) {
                        break;
                    }
                } else {
                    evaluator.evaluate(line, "repl");
                    if (tutorial.active()) {
                        tutorial.afterStatement();
                    }
                }
                out.flush();
            }
        } finally {
            try {
                reader.getHistory().save();
            } catch (IOException ignored) {
                // history is a convenience
            }
            out.flush();
        }
        return 0;
    }

    /** A broken :command says so in one line and a hint; it never ends the session. */
    private static Commands.Outcome command(Commands commands, String line, Evaluator evaluator) {
        try {
            return commands.run(line);
        } catch (RuntimeException | Error e) {
            evaluator.printError(new Unforeseen(null, 0, e));
            return Commands.Outcome.CONTINUE;
        }
    }

    private String prompt(TutorialMode tutorial) {
        String tag = tutorial.tag();
        return "netgroovy(" + (engine.session().dryRun() ? "dry-run" : engine.session().target()) + ")"
                + (tag == null ? "" : " " + tag) + "> ";
    }
}
