package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.dsl.Words;
import org.jline.terminal.Size;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;

/** :help: every word of the DSL has a description and an example that runs as written. */
class HelpTest {

    private static Engine dryEngine(ByteArrayOutputStream out) {
        return new Engine(new Session(true, new PrintStream(out, true, StandardCharsets.UTF_8), "dry-run"));
    }

    @Test
    void everyWordHasAnEntry() {
        List<String> missing = new ArrayList<>(Words.all());
        missing.removeAll(Help.WORDS.keySet());
        assertEquals(List.of(), missing, "words without :help");
        List<String> stale = new ArrayList<>(Help.WORDS.keySet());
        stale.removeAll(Words.all());
        assertEquals(List.of(), stale, ":help entries for words the DSL does not have");
    }

    @Test
    void everyExampleParsesAndRunsInAFreshDryRunSession() {
        Help.WORDS.forEach((word, entry) -> {
            assertTrue(entry.example().contains(word), word + "'s example uses the word: " + entry.example());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Engine engine = dryEngine(out);
            assertTrue(engine.compiles(entry.example()), word + "'s example parses: " + entry.example());
            try {
                engine.run(entry.example(), "help-" + word);
            } catch (DslException e) {
                fail(word + "'s example does not run: " + e.getMessage() + "\n" + entry.example());
            }
        });
    }

    @Test
    void helpWordShowsDescriptionAndExampleForEveryWordInTheRepl() {
        StringBuilder input = new StringBuilder(":help\n");
        Words.all().forEach(w -> input.append(":help ").append(w).append('\n'));
        input.append(":help brige\n:quit\n");
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Engine engine = dryEngine(screen);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new Repl(engine, new DumbTerminal("t", "dumb",
                new ByteArrayInputStream(input.toString().getBytes(StandardCharsets.UTF_8)), screen, StandardCharsets.UTF_8)).run());
        String out = screen.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Words (:help WORD for an example):"), out);
        assertTrue(out.contains("Commands:\n  :help [WORD]"), "the index lists the commands too");
        for (String w : Words.all()) {
            Help.Entry e = Help.WORDS.get(w);
            assertTrue(out.matches("(?s).*\n  " + w + " +" + java.util.regex.Pattern.quote(e.what()) + "\n.*"),
                    "the index has one line for " + w);
            assertTrue(out.contains(w + " — " + e.what() + "\n\nexample:\n" + e.example().indent(4)), ":help " + w + " in:\n" + out);
        }
        assertTrue(out.contains("bridge 'bridge0' < cidr '192.168.5.1/24'; mtu 1400 >"), "the design card's notation: " + out);
        assertTrue(out.contains("no word 'brige'; did you mean 'bridge'?"), out);
    }

    @Test
    void onASmallScreenHelpPagesAndQStops() {
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        XtermRepl[] repl = new XtermRepl[1];
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            repl[0] = new XtermRepl(dryEngine(ignored), new Size(100, 12));
            repl[0].type(":help\r");
            repl[0].waitFor(Pager.MORE);
            repl[0].type(" ");                      // the next screen
            repl[0].waitFor(Pager.MORE, 2);
            repl[0].type("\r");                    // one line more
            repl[0].waitFor(Pager.MORE, 3);
            repl[0].type("q");                      // enough
            repl[0].waitFor("netgroovy(dry-run)> ", 2);
            repl[0].type(":quit\r");
            return repl[0].exitCode();
        });
        assertEquals(0, code);
        String out = repl[0].screen();
        List<String> index = Help.index().lines().toList();
        int shown = 11 + 11 + 1;
        assertTrue(out.contains(index.get(shown - 1)), "three stops showed " + shown + " lines:\n" + out);
        assertFalse(out.contains(index.get(shown)), "q stopped the rest:\n" + out);
        assertFalse(out.contains("leave (Ctrl-D too)"), out);
    }

    @Test
    void helpOfARecipeWordIsTheRecipesOwnDescription() {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new Repl(dryEngine(screen), new DumbTerminal("t", "dumb",
                new ByteArrayInputStream(":help attach\n:help p2pHost\n:quit\n".getBytes(StandardCharsets.UTF_8)), screen,
                StandardCharsets.UTF_8)).run());
        String out = screen.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("attach — a recipe word: use 'attach' first (stdlib-scripts/attach.netgroovy)"), out);
        assertTrue(out.contains("attach 'br1', 'c1', '192.168.1.5/24@192.168.1.1'"), "its example: " + out);
        assertTrue(out.contains("p2pHost — a recipe word: use 'p2p' first"), out);
        assertFalse(out.contains("no word"), out);
    }
}
