package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.dsl.Words;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REPL driven through real JLine terminals: typed input in, the screen's text out. */
@ExtendWith(Sandboxed.class)
class ReplTest {
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private Session session;
    private Engine engine;

    private Engine engine(boolean dry) {
        session = new Session(dry, new PrintStream(screen, true, StandardCharsets.UTF_8), "sandbox");
        engine = new Engine(session);
        return engine;
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    /** Types {@code input} into a dumb terminal and returns what the screen showed. */
    private String type(String input) throws Exception {
        if (engine == null) {
            engine(false);
        }
        Terminal t = new DumbTerminal("test", "dumb", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                screen, StandardCharsets.UTF_8);
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new Repl(engine, t).run());
        assertEquals(0, code);
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statementsRunAndChangeTheKernel() throws Exception {
        String out = type("bridge 'br0' cidr '10.0.0.1/24'\nbridges\n:quit\n");
        assertTrue(Ip.addresses(null, "br0").contains("10.0.0.1/24"));
        assertTrue(out.contains("netgroovy(sandbox)> "), out);
        assertTrue(out.contains("10.0.0.1/24"), "the bridges view was printed: " + out);
        assertFalse(out.contains("BridgeSpec"), "chain objects are not printed");
    }

    @Test
    void multiLineBlocksContinueUntilClosed() throws Exception {
        type("""
                netns('c1') {
                    veth('a', 'b')
                    addr '10.9.0.1/24' dev 'a'
                }
                :quit
                """);
        assertTrue(Ip.addresses("c1", "a").contains("10.9.0.1/24"));
        assertEquals("}", ReplParser.unfinished("netns('c1') {"));
        assertEquals("'", ReplParser.unfinished("bridge 'b0"));
        assertEquals("'''", ReplParser.unfinished("sh '''ip"));
        assertEquals(")", ReplParser.unfinished("ping(from: 'c1',"));
        assertEquals(null, ReplParser.unfinished("route 'default' via '10.0.0.1' // a {"));
        assertEquals(null, ReplParser.unfinished("println '}'"));
    }

    @Test
    void errorsAreOneLineWithAHintAndTheSessionGoesOn() throws Exception {
        String out = type("brige 'b0'\nlink 'nope' up\nbridge 'ok0'\n:quit\n");
        assertTrue(out.contains("error: unknown word 'brige'\n  hint: did you mean 'bridge'?"), out);
        assertTrue(out.contains("error: cannot set nope up: link nope does not exist"), out);
        assertFalse(out.contains("\tat "), "no stack trace");
        assertTrue(Ip.link(null, "ok0").isPresent(), "the next line still ran");
    }

    @Test
    void dryRunModePrintsCommandsAndCreatesNothing() throws Exception {
        String out = type(":dry-run on\nbridge 'b9' cidr '10.9.0.1/24'\n:dry-run off\n:quit\n");
        assertTrue(out.contains("ip link add b9 type bridge\nip link set dev b9 up\nip addr add 10.9.0.1/24 dev b9"), out);
        assertTrue(out.contains("netgroovy(dry-run)> "), "the prompt says so: " + out);
        assertTrue(Ip.link(null, "b9").isEmpty());
    }

    @Test
    void helpLoadShowAndUnknownCommands() throws Exception {
        java.nio.file.Path script = java.nio.file.Files.createTempFile("repl", ".netgroovy");
        java.nio.file.Files.writeString(script, "bridge 'lb0' cidr '10.8.0.1/24'\n");
        String out = type(":help\n:help bridge\n:help brige\n:load " + script + "\n:show\n:frobnicate\n:quit\n");
        assertTrue(out.contains("Words (:help WORD for an example):"), out);
        assertTrue(out.contains("bridge — a bridge, up"), out);
        assertTrue(out.contains("bridge 'bridge0' cidr '192.168.5.1/24' mtu 1400 stp off"), out);
        assertTrue(out.contains("no word 'brige'; did you mean 'bridge'?"), out);
        assertTrue(Ip.link(null, "lb0").isPresent(), ":load ran the file");
        assertTrue(out.contains("lb0 (bridge) 10.8.0.1/24"), ":show printed the topology: " + out);
        assertTrue(out.contains("unknown command :frobnicate; commands: :help :load :dry-run :show :quit"), out);
    }

    @Test
    void everyWordHasHelpWithAnExampleThatParses() {
        Engine e = engine(true);
        List<String> missing = new ArrayList<>(Words.all());
        missing.removeAll(Help.WORDS.keySet());
        assertEquals(List.of(), missing, "words without :help");
        Help.WORDS.forEach((word, entry) -> assertTrue(e.compiles(entry.example()), word + "'s example: " + entry.example()));
    }

    @Test
    void completionOffersWordsCommandsAndLiveNames() throws Exception {
        engine(false);
        engine.run("netns 'web1'\nbridge 'brx'", "setup");
        LineReader reader = LineReaderBuilder.builder()
                .terminal(new DumbTerminal("t", "dumb", new ByteArrayInputStream(new byte[0]), screen, StandardCharsets.UTF_8))
                .parser(new ReplParser()).completer(new NameCompleter(engine)).build();
        assertTrue(complete(reader, "brid").contains("bridge"));
        assertTrue(complete(reader, "netns 'we").contains("web1"), "a namespace that exists now");
        assertTrue(complete(reader, "link 'br").contains("brx"), "a link that exists now");
        assertTrue(complete(reader, ":he").contains(":help"));
        assertTrue(complete(reader, ":help pub").contains("publish"));
    }

    private static List<String> complete(LineReader reader, String line) {
        List<Candidate> candidates = new ArrayList<>();
        ((org.jline.reader.impl.LineReaderImpl) reader).getCompleter()
                .complete(reader, reader.getParser().parse(line, line.length(), Parser.ParseContext.COMPLETE), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }

    @Test
    void tabCompletesOnARealTerminal() throws Exception {
        engine(false);
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        Terminal t = new ExternalTerminal("t", "xterm-256color", in, screen, StandardCharsets.UTF_8);
        Thread repl = new Thread(() -> new Repl(engine, t).run());
        repl.start();
        keys.write("namespac\t".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        Thread.sleep(500);
        keys.write("\r:quit\r".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        repl.join(20_000);
        assertFalse(repl.isAlive());
        assertTrue(screen.toString(StandardCharsets.UTF_8).contains("namespaces"), "Tab completed the word");
    }

    @Test
    void ctrlCInterruptsARunningStatementAndTheShellGoesOn() throws Exception {
        engine(false);
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        Terminal t = new ExternalTerminal("t", "xterm-256color", in, screen, StandardCharsets.UTF_8);
        Thread repl = new Thread(() -> new Repl(engine, t).run());
        long start = System.nanoTime();
        repl.start();
        keys.write("sh 'sleep 30'\r".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        Thread.sleep(1500);
        keys.write(3); // Ctrl-C
        keys.flush();
        Thread.sleep(500);
        keys.write("bridge 'after0'\r:quit\r".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        repl.join(20_000);
        assertFalse(repl.isAlive(), "the REPL ended on :quit");
        assertTrue((System.nanoTime() - start) / 1e9 < 20, "sleep 30 did not run to its end");
        assertTrue(screen.toString(StandardCharsets.UTF_8).contains("interrupted"), screen.toString(StandardCharsets.UTF_8));
        assertNotNull(Ip.link(null, "after0").orElse(null), "the shell went on after Ctrl-C");
    }

    @Test
    void endOfInputLeavesLikeCtrlDAndHistoryIsKept() throws Exception {
        String out = type("bridge 'hist0'\n"); // no :quit: the input simply ends
        assertTrue(out.contains("netgroovy(sandbox)> "), out);
        String history = java.nio.file.Files.readString(Repl.historyFile());
        assertTrue(history.contains("bridge 'hist0'"), "persistent history: " + history);
    }

    @Test
    void highlightingColoursWordsStringsAndComments() {
        var h = new DslHighlighter().highlight(null, "bridge 'b0' mtu 1400 // note");
        assertEquals("bridge 'b0' mtu 1400 // note", h.toString());
        assertEquals(DslHighlighter.WORD, h.styleAt(0), "a DSL word");
        assertEquals(DslHighlighter.STRING, h.styleAt(8), "a string");
        assertEquals(DslHighlighter.NUMBER, h.styleAt(17), "a number");
        assertEquals(DslHighlighter.COMMENT, h.styleAt(23), "a comment");
    }
}
