package netgroovy.repl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import netgroovy.dsl.Engine;

/**
 * The REPL's own commands, which start with ':'. Those that run DSL text (:load, :show) go
 * through the {@link Evaluator} like typed statements: Ctrl-C stops them, errors are one line.
 */
final class Commands {
    static final List<String> NAMES = List.of(":help", ":load", ":dry-run", ":show", ":tutorial", ":quit");
    static final String SUMMARY = """
            Commands:
              :help [WORD]      this list, or one word with an example (a recipe's word too)
              :load FILE        run a .netgroovy file in this session
              :dry-run on|off   print plans as commands instead of applying them
              :show             the topology
              :tutorial [NN]    the tutorials, or one step by step (check, hint, skip, stop)
              :quit             leave (Ctrl-D too); the sandbox goes with the shell""";

    enum Outcome { CONTINUE, QUIT }

    private final Engine engine;
    private final Evaluator evaluator;
    private final PrintWriter out;
    private final Pager pager;
    private final TutorialMode tutorial;

    Commands(Engine engine, Evaluator evaluator, PrintWriter out, Pager pager, TutorialMode tutorial) {
        this.engine = engine;
        this.evaluator = evaluator;
        this.out = out;
        this.pager = pager;
        this.tutorial = tutorial;
    }

    Outcome run(String line) {
        String[] parts = line.trim().split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].trim() : "";
        switch (parts[0]) {
            case ":quit", ":q", ":exit" -> {
                return Outcome.QUIT;
            }
            case ":help", ":h" -> pager.print(arg.isEmpty() ? Help.index() : Help.of(arg));
            case ":dry-run" -> dryRun(arg);
            case ":show" -> show();
            case ":load" -> load(arg);
            case ":tutorial", ":t" -> tutorial.command(arg);
            default -> out.println("unknown command " + parts[0] + "; commands: " + String.join(" ", NAMES));
        }
        return Outcome.CONTINUE;
    }

    private void show() {
        if (engine.session().live()) {
            evaluator.evaluate("topology", "repl");
        } else {
            out.println("(dry run: nothing live to show)");
        }
    }

    private void dryRun(String arg) {
        switch (arg) {
            case "on" -> engine.session().setDryRun(true);
            case "off" -> engine.session().setDryRun(false);
            case "" -> {
            }
            default -> {
                out.println(":dry-run takes on or off");
                return;
            }
        }
        out.println("dry run is " + (engine.session().dryRun() ? "on: plans are printed, nothing is applied" : "off"));
    }

    private void load(String arg) {
        if (arg.isEmpty()) {
            out.println(":load needs a file, like :load tutorials/01-bridge-and-two-containers.netgroovy");
            return;
        }
        String text;
        Path file;
        try {
            file = Path.of(arg.startsWith("~/") ? System.getProperty("user.home") + arg.substring(1) : arg);
            text = Files.readString(file);
        } catch (InvalidPathException e) {
            out.println("error: not a file name: " + arg);
            return;
        } catch (IOException e) {
            out.println("error: cannot read " + arg + ": " + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
            return;
        }
        // The shebang line is blanked, not removed, so that error line numbers match the file.
        evaluator.evaluate(text.startsWith("#!") ? text.replaceFirst("^#![^\n]*", "") : text, file.getFileName().toString());
    }
}
