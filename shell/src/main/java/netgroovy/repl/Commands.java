package netgroovy.repl;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;

/** The REPL's own commands, which start with ':'. */
final class Commands {
    static final List<String> NAMES = List.of(":help", ":load", ":dry-run", ":show", ":quit");
    static final String SUMMARY = """
            Commands:
              :help [WORD]      this list, or one word with an example
              :load FILE        run a .netgroovy file in this session
              :dry-run on|off   print plans as commands instead of applying them
              :show             the topology
              :quit             leave (Ctrl-D too); the sandbox goes with the shell""";

    enum Outcome { CONTINUE, QUIT }

    private final Engine engine;
    private final PrintWriter out;

    Commands(Engine engine, PrintWriter out) {
        this.engine = engine;
        this.out = out;
    }

    Outcome run(String line) {
        String[] parts = line.trim().split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].trim() : "";
        switch (parts[0]) {
            case ":quit", ":q", ":exit" -> {
                return Outcome.QUIT;
            }
            case ":help", ":h" -> out.println(arg.isEmpty() ? Help.index() : Help.of(arg));
            case ":dry-run" -> dryRun(arg);
            case ":show" -> out.print(engine.session().live() ? engine.run("topology", "repl")
                    : "(dry run: nothing live to show)\n");
            case ":load" -> load(arg);
            default -> out.println("unknown command " + parts[0] + "; commands: " + String.join(" ", NAMES));
        }
        return Outcome.CONTINUE;
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
        Path file = Path.of(arg);
        try {
            String text = Files.readString(file);
            if (text.startsWith("#!")) {
                text = text.replaceFirst("^#![^\n]*", "");
            }
            Object result = engine.run(text, file.getFileName().toString());
            if (netgroovy.dsl.Results.worthPrinting(result)) {
                out.println(result);
            }
        } catch (java.io.IOException e) {
            out.println("error: cannot read " + file + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
        } catch (DslException e) {
            Repl.printError(out, e);
        }
    }
}
