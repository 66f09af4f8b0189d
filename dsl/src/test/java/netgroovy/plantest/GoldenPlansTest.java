package netgroovy.plantest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DSL → plan, without root: each script in src/test/resources/plantest runs against an
 * in-memory kernel, and what it planned (the commands, as {@code --dry-run} prints them) and
 * the kernel it left behind must match the script's golden file beside it, line for line.
 * Also, a dry run of the same script must plan the same commands as the live run did, as
 * LauncherIT checks on the real kernel.
 *
 * <p>When a change to the plans is meant, refresh the goldens and read their diff before
 * committing it:
 * <pre>NETGROOVY_GOLDENS=refresh mvn -B -o -q -pl dsl test -Dtest=GoldenPlansTest -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * (the files are written in the source folder, src/test/resources/plantest/NAME.golden).
 */
@ExtendWith(NoRealKernel.class)
class GoldenPlansTest {
    private static final Path FOLDER = Path.of("src/test/resources/plantest");
    private static final boolean REFRESH = "refresh".equals(System.getenv("NETGROOVY_GOLDENS"));

    @TestFactory
    Stream<DynamicTest> eachScriptPlansWhatItsGoldenSays() throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(FOLDER)) {
            scripts = files.filter(p -> p.toString().endsWith(".netgroovy")).sorted().toList();
        }
        assertTrue(scripts.size() >= 4, "the scripts in " + FOLDER.toAbsolutePath() + ": " + scripts);
        return scripts.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> check(s)));
    }

    private static void check(Path script) throws IOException {
        String name = script.getFileName().toString().replace(".netgroovy", "");
        String text = Files.readString(script);
        String actual;
        List<String> live;
        try (OnMemory m = new OnMemory()) {
            m.run(text);
            live = m.plans;
            actual = "# " + name + ": the plan (the commands, as --dry-run prints them)\n" + lines(live)
                    + "# what the script printed\n" + m.printed()
                    + "# the in-memory kernel afterwards\n" + m.kernel.state();
        }
        assertEquals(normalised(lines(OnMemory.dryPlan(text, "memory"))), normalised(lines(live)),
                name + ": --dry-run planned other commands than the run on the in-memory kernel");
        Path golden = FOLDER.resolve(name + ".golden");
        if (REFRESH) {
            Files.writeString(golden, normalised(actual), StandardCharsets.UTF_8);
        } else if (!Files.exists(golden)) {
            Files.writeString(golden, normalised(actual), StandardCharsets.UTF_8);
            throw new AssertionError(golden + " did not exist: written now; read it, and commit it if it is right");
        }
        assertEquals(Files.readString(golden), normalised(actual), name + ": differs from " + golden
                + " (if the change is meant: NETGROOVY_GOLDENS=refresh, see this class's comment)");
    }

    private static String lines(List<String> commands) {
        return commands.isEmpty() ? "" : String.join("\n", commands) + "\n";
    }

    /** Container and network IDs are random per run, as Docker's (12 hex digits shown, 64 in full); so is a container's hostname. */
    static String normalised(String text) {
        return text.replaceAll("\\b[0-9a-f]{64}\\b", "<ID>").replaceAll("\\b[0-9a-f]{12}\\b", "<id>");
    }
}
