package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sweep;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** :tutorial: the tutorial scripts as steps, checked against the kernel; "break it" exercises that break and get fixed. */
@ExtendWith(Sandboxed.class)
class TutorialTest {
    private static final Path FOLDER = TutorialMode.defaultFolder();

    @Test
    void everyTutorialReadsAsStepsThatKeepEveryStatementOfItsScript() throws Exception {
        List<Tutorial> all = Tutorial.all(FOLDER);
        assertTrue(all.size() >= 10, all.toString());
        for (Tutorial t : all) {
            assertTrue(t.steps().size() >= 2, t.id() + " has steps");
            String code = Files.readString(t.file()).lines().filter(l -> !l.isBlank() && !l.strip().startsWith("//"))
                    .collect(Collectors.joining("\n"));
            String stepped = t.steps().stream().flatMap(s -> s.statements().stream()).flatMap(String::lines)
                    .filter(l -> !l.isBlank() && !l.strip().startsWith("//")).collect(Collectors.joining("\n"));
            assertEquals(code, stepped, t.id() + ": the steps together are the script");
            for (Tutorial.Step s : t.steps()) {
                assertFalse(s.title().isBlank(), t.id() + ": a step without a title");
                boolean asserts = s.statements().stream().anyMatch(st -> st.contains("assert"));
                assertEquals(asserts, !s.check().isEmpty(), t.id() + " step '" + s.title() + "': its asserts are its check");
            }
            assertTrue(t.title().matches("\\d\\d — .*"), t.id() + ": titled from its prose: " + t.title());
        }
        assertTrue(all.stream().filter(t -> t.breakIt() != null).count() >= 3, "break-it exercises");
    }

    /** For each "break it": the script holds its check, the breaking statement breaks it, the scripted fix mends it. */
    @Test
    void breakItExercisesBreakAndTheirFixesMendThem() throws Exception {
        for (Tutorial t : Tutorial.all(FOLDER)) {
            Tutorial.BreakIt b = t.breakIt();
            if (b == null) {
                continue;
            }
            assertNotNull(b.fix(), t.id() + " has a scripted fix");
            assertFalse(b.hints().isEmpty(), t.id() + " has hints");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (Session s = new Session(false, new PrintStream(out, true, StandardCharsets.UTF_8), "sandbox")) {
                Engine e = new Engine(s);
                e.run(Files.readString(t.file()), t.id());
                e.run(b.check(), "check");
                e.run(b.breaking(), "break");
                assertThrows(DslException.class, () -> e.run(b.check(), "check"), t.id() + ": broken, the check fails");
                e.run(b.fix(), "fix");
                e.run(b.check(), "check");
            } finally {
                Sweep.clear(); // the next tutorial's world starts from nothing, in this same sandbox
            }
        }
    }

    @Test
    void aTutorialStepByStepInTheReplWithProgressSaved(@TempDir Path home) throws Exception {
        String saved = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Session session = new Session(false, new PrintStream(screen, true, StandardCharsets.UTF_8), "sandbox")) {
            Engine engine = new Engine(session);
            Tutorial one = Tutorial.find(FOLDER, "01");
            int steps = one.steps().size();
            StringBuilder input = new StringBuilder(":tutorial\n:tutorial 01\n");
            input.append("bridge 'docker0' cidr '172.17.0.1/16'\n"); // typed by hand: step 1 has no check, Enter finishes it
            input.append("\n".repeat(steps - 2));                   // Enter finishes step 1, then runs steps 2 to steps-2
            input.append("show bridges\n");                          // step 5's check asks the kernel: the state is there
            input.append("\n");                                      // the last step (a println)
            input.append("\n");                                      // an Enter in "break it" gives a hint
            input.append(one.breakIt().fix()).append('\n');         // fixed
            input.append(":tutorial\n:quit\n");
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> new Repl(engine, new DumbTerminal("t", "dumb",
                    new ByteArrayInputStream(input.toString().getBytes(StandardCharsets.UTF_8)), screen, StandardCharsets.UTF_8)).run());
            String out = screen.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("Tutorials (:tutorial NN runs one step by step):\n  01 — A bridge and two containers"), out);
            assertTrue(out.contains("── 01 — A bridge and two containers ──"), out);
            assertTrue(out.contains("Step 1/" + steps + ": 1. The host side: a bridge"), out);
            assertTrue(out.contains("    bridge 'docker0' cidr '172.17.0.1/16'\n"), "the step's statements are shown: " + out);
            assertTrue(out.contains("netgroovy(sandbox) 01 1/" + steps + "> "), "the prompt says where: " + out);
            for (int i = 1; i <= steps; i++) {
                assertTrue(out.contains("✓ step " + i + " done"), "step " + i + " done:\n" + out);
            }
            assertTrue(out.contains("Break it: something was just broken.\n  web no longer reaches db"), out);
            assertTrue(out.contains("hint: trace(from: 'web', to: 'db')"), out);
            assertTrue(out.contains("✓ fixed: 01 — A bridge and two containers works again"), out);
            assertTrue(out.contains("[done, broken and fixed]"), out);
            assertTrue(Ip.ping("web", "172.17.0.3"), "the kernel holds what the tutorial built");
            String progress = Files.readString(home.resolve(".netgroovy/progress"));
            assertTrue(progress.contains("01-bridge-and-two-containers=" + steps), progress);
            assertTrue(progress.contains("01-bridge-and-two-containers.break=done"), progress);
        } finally {
            System.setProperty("user.home", saved);
        }
    }

    @Test
    void aTutorialTakenUpAgainRebuildsTheStepsDoneAndAFailedCheckGivesTheHint(@TempDir Path home) throws Exception {
        Path file = home.resolve(".netgroovy/progress");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "03-point-to-point=1\n");
        String saved = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Session session = new Session(false, new PrintStream(screen, true, StandardCharsets.UTF_8), "sandbox")) {
            Engine engine = new Engine(session);
            Tutorial three = Tutorial.find(FOLDER, "03");
            String input = ":tutorial 03\nnetns 'c2'\n:tutorial check\n:tutorial hint\n:tutorial stop\n:quit\n";
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> new Repl(engine, new DumbTerminal("t", "dumb",
                    new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), screen, StandardCharsets.UTF_8)).run());
            String out = screen.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("(steps 1-1 were done before; building their state again)"), out);
            assertTrue(Ip.netnsList().contains("c1"), "step 1's state was rebuilt: " + Ip.netnsList());
            assertTrue(out.contains("Step 2/" + three.steps().size()), out);
            assertTrue(out.contains("(step 2 not done yet: no namespace or container 'c3'"), "a statement that does not do the step: " + out);
            assertTrue(out.contains("not yet: no namespace or container 'c3'"), out);
            assertTrue(out.contains("hint: the step's own statements do it; Enter runs them:"), out);
            assertTrue(out.contains("tutorial stopped at 03 2/"), out);
        } finally {
            System.setProperty("user.home", saved);
        }
    }
}
