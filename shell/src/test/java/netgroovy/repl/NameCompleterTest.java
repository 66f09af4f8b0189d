package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tab completion: words, :commands, and names that exist at the moment Tab is pressed. */
@ExtendWith(Sandboxed.class)
class NameCompleterTest {
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private Session session;

    private Engine engine(boolean dry) {
        session = new Session(dry, new PrintStream(screen, true, StandardCharsets.UTF_8), "sandbox");
        return new Engine(session);
    }

    @AfterEach
    void close() {
        session.close();
    }

    private LineReader reader(Engine engine) {
        try {
            return LineReaderBuilder.builder()
                    .terminal(new DumbTerminal("t", "dumb", new ByteArrayInputStream(new byte[0]), screen, StandardCharsets.UTF_8))
                    .parser(new ReplParser()).completer(new NameCompleter(engine)).build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The values offered for {@code line} with the cursor at its end. */
    private static List<String> complete(LineReader reader, String line) {
        List<Candidate> candidates = new ArrayList<>();
        ((org.jline.reader.impl.LineReaderImpl) reader).getCompleter().complete(reader, reader.getParser().parse(line, line.length(), Parser.ParseContext.COMPLETE), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }

    @Test
    void wordsAndCommands() {
        LineReader reader = reader(engine(false));
        assertTrue(complete(reader, "brid").containsAll(List.of("bridge", "bridges")));
        assertTrue(complete(reader, "netns('c1') { ad").contains("addr"), "inside a block");
        assertEquals(Commands.NAMES, complete(reader, ":he"));
        assertTrue(complete(reader, ":help pub").containsAll(List.of("publish", "publishAll")));
        assertEquals(List.of("on", "off"), complete(reader, ":dry-run o"));
    }

    @Test
    void namesThatExistNowInsideAndOutsideQuotes() {
        Engine engine = engine(false);
        LineReader reader = reader(engine);
        assertFalse(complete(reader, "netns 'we").contains("web1"), "not there yet");
        engine.run("netns 'web1'\nbridge 'brx'", "setup");
        assertTrue(complete(reader, "netns 'we").contains("web1"), "a namespace made since");
        assertTrue(complete(reader, "netns('we").contains("web1"), "after a parenthesis");
        assertTrue(complete(reader, "veth 'A', 'B', peerIn: \"we").contains("web1"), "in double quotes");
        List<String> inQuotes = complete(reader, "link 'br");
        assertTrue(inQuotes.contains("brx"), "a link that exists now: " + inQuotes);
        assertFalse(inQuotes.contains("bridge"), "words make no sense inside quotes: " + inQuotes);
        List<String> outside = complete(reader, "netns ");
        assertTrue(outside.contains("'web1'"), "outside quotes a name comes quoted: " + outside);
        assertTrue(outside.contains("bridge"), outside.toString());
        assertTrue(complete(reader, "use 'p").contains("p2p"), "recipes after use");
    }

    @Test
    void aDryRunOffersNoLiveNames() {
        Engine live = engine(false);
        live.run("netns 'web2'", "setup");
        session.setDryRun(true);
        LineReader reader = reader(live);
        assertEquals(List.of(), complete(reader, "netns 'we"));
        assertTrue(complete(reader, "vet").contains("veth"));
    }

    @Test
    void aFailureInsideCompletionIsSwallowed() {
        Engine engine = engine(false);
        LineReader reader = reader(engine);
        ParsedLine broken = new ParsedLine() {
            public String word() { return "x"; }
            public int wordCursor() { return 1; }
            public int wordIndex() { return 1; }
            public List<String> words() { return List.of("link", "x"); }
            public String line() { throw new IllegalStateException("broken"); }
            public int cursor() { return 6; }
        };
        List<Candidate> candidates = new ArrayList<>();
        new NameCompleter(engine).complete(reader, broken, candidates);
        assertTrue(candidates.isEmpty());
    }

    @Test
    void tabOnARealTerminalCompletesAWordAndANameInQuotes() {
        Engine engine = engine(false);
        engine.run("bridge 'tabbr0'", "setup");
        XtermRepl[] repl = new XtermRepl[1];
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            repl[0] = new XtermRepl(engine);
            repl[0].type("topolo\t\r");            // -> topology
            repl[0].type("link 'tabb\tmtu 1400\r");  // -> link 'tabbr0' mtu 1400
            repl[0].type(":qu\t\r");                // -> :quit
            return repl[0].exitCode();
        });
        assertEquals(0, code);
        String out = repl[0].screen();
        assertTrue(out.matches("(?s).*topology \\s*host\\s+.*tabbr0 \\(bridge\\).*"), "Tab completed the word and the view ran: " + out);
        assertTrue(out.contains("link 'tabbr0' mtu 1400"), "Tab completed the name and closed the quote: " + out);
        assertEquals(1400, ((Number) Ip.link(null, "tabbr0").map(l -> l.get("mtu")).orElse(0)).intValue(), "the completed line ran");
        assertFalse(out.contains("error"), out);
    }
}
