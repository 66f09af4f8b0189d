package netgroovy.repl;

import java.io.IOException;
import java.nio.file.Path;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Results;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** The REPL: reads a statement (or a :command), runs it in the session, prints the result. */
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

    public int run() {
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("netgroovy")
                .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".netgroovy_history"))
                .build();
        String prompt = "netgroovy(" + engine.session().target() + ")> ";
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            if (line.isBlank()) {
                continue;
            }
            if (line.trim().equals(":quit") || line.trim().equals(":q")) {
                break;
            }
            try {
                Object result = engine.run(line, "repl");
                if (Results.worthPrinting(result)) {
                    terminal.writer().println(result);
                }
            } catch (DslException e) {
                terminal.writer().println("error: " + e.getMessage());
                if (e.hint() != null) {
                    terminal.writer().println("  hint: " + e.hint());
                }
            }
            terminal.flush();
        }
        return 0;
    }
}
