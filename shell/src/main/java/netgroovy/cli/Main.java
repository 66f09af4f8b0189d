package netgroovy.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Results;
import netgroovy.dsl.Session;
import netgroovy.dsl.Unforeseen;
import netgroovy.repl.Repl;

/**
 * {@code netgroovy [--dry-run] [--host] [--debug] [-e STATEMENTS | FILE [ARGS...]]}. Without a
 * file or {@code -e} it starts the REPL. The launcher script has already put us in the sandbox
 * (it passes {@code --sandbox}) unless {@code --host} or {@code --dry-run} was given.
 */
public final class Main {
    private String eval;
    private final boolean dryRun;
    private final boolean host;
    private final boolean sandbox;
    private final boolean debug;
    private Path file;
    private final List<String> args;

    private Main(Arguments a) {
        eval = a.eval;
        dryRun = a.dryRun;
        host = a.host;
        sandbox = a.sandbox;
        debug = a.debug;
        file = a.file;
        args = a.args;
    }

    public static void main(String[] argv) {
        Arguments a;
        try {
            a = Arguments.parse(argv);
        } catch (Arguments.UsageException e) {
            System.err.println(e.getMessage());
            System.err.print(Arguments.USAGE);
            System.exit(2);
            return;
        }
        if (a.help || a.version) {
            System.out.print(a.help ? Arguments.USAGE : Arguments.VERSION + "\n");
            System.exit(0);
        }
        WarmUp.start(!a.dryRun);
        System.exit(new Main(a).call());
    }

    /** The folder ./netgroovy keeps compiled scripts in (-Dnetgroovy.compiled), or null. */
    private static Path keptCompiled() {
        String dir = System.getProperty("netgroovy.compiled");
        return dir == null || dir.isEmpty() ? null : Path.of(dir);
    }

    int call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        String target = dryRun ? "dry-run" : host ? "host" : "sandbox";
        if (!dryRun && !Privileges.hasNetAdmin()) {
            err.println("netgroovy: " + (host
                    ? "--host needs CAP_NET_ADMIN on this machine: run it as root (sudo), or leave out --host to use the sandbox"
                    : "no CAP_NET_ADMIN here: start netgroovy through ./netgroovy, which enters the sandbox, or use --dry-run"));
            return 2;
        }
        if (!host && !dryRun && !netgroovy.kernel.Sandbox.inside()) {
            err.println("netgroovy: " + (sandbox
                    ? "--sandbox was given, but this is not the sandbox's network namespace; refusing to run"
                    : "refusing to change this machine's network without --host")
                    + "; start through ./netgroovy for the sandbox");
            return 2;
        }
        String script = eval != null ? "-e" : file != null ? file.getFileName().toString() : null;
        if (eval == null && file != null && file.toString().equals("doctor") && !java.nio.file.Files.exists(file)) {
            // `netgroovy [--host] doctor [--fix]`: the doctor word, as a command.
            eval = "println doctor(fix: " + args.contains("--fix") + ")";
            file = null;
        }
        // The REPL's terminal (JLine: about a fifth of a second) is opened on another thread
        // while this one starts the session and Groovy's runtime, which it does not need.
        java.util.concurrent.CompletableFuture<org.jline.terminal.Terminal> terminal = script == null
                ? java.util.concurrent.CompletableFuture.supplyAsync(Repl::systemTerminal) : null;
        try (Session session = new Session(dryRun, out, target)) {
            Engine engine = new Engine(session);
            if (terminal != null) {
                return new Repl(engine, opened(terminal), debug).run();
            }
            engine.binding().setVariable("args", args.toArray(new String[0]));
            Path kept = keptCompiled(); // (set by ./netgroovy: shell/target/compiled)
            if (kept != null) {
                engine.keepCompiledIn(kept);
            }
            if (eval != null) {
                Object result = engine.run(eval, script);
                if (Results.worthPrinting(result)) {
                    out.println(engine.text(result));
                }
            } else {
                engine.run(read(file), script);
            }
            return 0;
        } catch (ScriptFileException e) {
            report(err, e);
            return 2;
        } catch (DslException e) {
            report(err, e);
            return 1;
        } catch (Throwable e) {
            // Outside the script's run (the session's start or teardown, the REPL's terminal):
            // the same one line and hint; no Error reaches the user as a bare stack trace.
            report(err, new Unforeseen(script, 0, e));
            return 1;
        }
    }

    private static org.jline.terminal.Terminal opened(java.util.concurrent.CompletableFuture<org.jline.terminal.Terminal> terminal) {
        try {
            return terminal.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e; // "cannot open the terminal: ..."
        }
    }

    /** One line "netgroovy: FILE:LINE: message" and a hint; the stack trace only with --debug. */
    private void report(PrintStream err, DslException e) {
        err.println("netgroovy: " + e.located());
        if (e.hint() != null) {
            err.println("  hint: " + e.hint());
        }
        if (debug) {
            e.printStackTrace(err);
        }
    }

    /** The script's text, without a shebang line (kept as an empty line so line numbers stay right). */
    static String read(Path file) {
        try {
            String text = Files.readString(file);
            return text.startsWith("#!") ? text.replaceFirst("^#![^\n]*", "") : text;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ScriptFileException(file, "no such script",
                    "check the name and the folder it is in (here is " + Path.of("").toAbsolutePath() + "); "
                            + "netgroovy without a file starts the REPL", e);
        } catch (java.io.IOException e) {
            throw new ScriptFileException(file, "cannot read it: " + e.getMessage(), "check that it is a readable file", e);
        }
    }

    /** The script file itself is the trouble (exit code 2, like a usage error): it names the file as the place. */
    static final class ScriptFileException extends DslException {
        ScriptFileException(Path file, String message, String hint, Throwable cause) {
            super(file.toString(), 0, message, hint, cause);
        }
    }
}
