package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
