package netgroovy.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;

/**
 * {@code KeepCompiled FILE...}: compiles scripts, without running them, into the folder where
 * {@code ./netgroovy} keeps compiled scripts ({@code -Dnetgroovy.compiled}, see the DSL's
 * CompiledScripts), under the name {@code ./netgroovy FILE} (or {@code use 'NAME'}) compiles them
 * by. The launcher runs it on the bundled tutorials, recipes and recipe examples after each
 * build, so that even their first run skips Groovy's compile. A script that does not compile is passed over: its run says what is wrong.
 */
public final class KeepCompiled {
    private KeepCompiled() {
    }

    public static void main(String[] files) {
        String dir = System.getProperty("netgroovy.compiled");
        if (dir == null || dir.isEmpty()) {
            System.err.println("KeepCompiled: -Dnetgroovy.compiled=FOLDER is not set");
            System.exit(2);
        }
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int kept = 0;
        try (Session session = new Session(true, quiet, "dry-run")) {
            Engine engine = new Engine(session);
            engine.keepCompiledIn(Path.of(dir));
            for (String f : files) {
                Path file = Path.of(f);
                try {
                    engine.prepare(Main.read(file), file.getFileName().toString()); // (as Main reads it: a #! line dropped, so the texts match)
                    kept++;
                } catch (netgroovy.dsl.DslException e) {
                    System.err.println("KeepCompiled: " + e.located());
                } catch (Exception e) {
                    System.err.println("KeepCompiled: " + f + ": " + e.getMessage());
                }
            }
        }
        System.out.println("KeepCompiled: " + kept + " of " + files.length + " compiled and kept in " + dir);
    }
}
