package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

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
        assertFalse(outside.contains("bridge"), "netns takes a namespace, not a word: " + outside);
        assertTrue(complete(reader, "println ").containsAll(List.of("bridge", "'web1'")), "any expression: " + complete(reader, "println "));
        assertTrue(complete(reader, "use 'p").contains("p2p"), "recipes after use");
    }

    @Test
    void completionKnowsTheGrammar() {
        Engine engine = engine(false);
        LineReader reader = reader(engine);
        engine.run("netns 'gns1'\nbridge 'gbr0'", "setup");
        List<String> link = complete(reader, "link 'gbr0' ");
        assertTrue(link.containsAll(List.of("master", "nomaster", "up", "down", "into", "rename", "mac", "mtu", "addr")), link.toString());
        assertFalse(link.contains("bridge") || link.contains("'gns1'"), "after link 'A' only the link's words: " + link);
        assertTrue(complete(reader, "link 'gbr0' master 'gbr0' ").contains("up"), "the chain goes on after an argument");
        assertEquals(List.of("dev", "via"), complete(reader, "route 'default' "));
        assertEquals(List.of("dev", "via"), complete(reader, "netns('gns1') { route 'default' via '10.0.0.1' "), "inside a block");
        assertTrue(complete(reader, "bridge 'b7' cidr '10.7.0.1/24' ").containsAll(List.of("mtu", "stp", "mac")));
        assertEquals(List.of("on", "off"), complete(reader, "bridge 'b7' stp "));
        assertEquals(List.of("reaches", "blocked").stream().sorted().toList(), complete(reader, "expect 'gns1' ").stream().sorted().toList());
        List<String> views = complete(reader, "show ");
        assertTrue(views.containsAll(List.of("links", "routes", "topology", "nat", "ps")), views.toString());
        assertFalse(views.contains("bridge") || views.contains("'gns1'"), "show takes a view: " + views);
        // arguments: the names that fit the word
        assertTrue(complete(reader, "netns('").contains("gns1"));
        assertFalse(complete(reader, "netns('").contains("gbr0"), "netns( takes a namespace, not a link");
        assertTrue(complete(reader, "link '").contains("gbr0"));
        assertFalse(complete(reader, "link '").contains("gns1"), "link takes a link");
        assertTrue(complete(reader, "link 'x' into '").contains("gns1"));
        assertFalse(complete(reader, "link 'x' master '").contains("gns1"), "master takes a bridge");
        assertTrue(complete(reader, "ping from: 'gns1', to: '").contains("gns1"), "a named argument's value");
        assertTrue(complete(reader, "println trace(from: '").contains("gns1"), "inside parentheses");
        assertTrue(complete(reader, "veth 'C', 'eth0', peerIn: '").contains("gns1"));
        engine.run("netns('gns1') { bridge 'inner0' }", "setup");
        List<String> inside = complete(reader, "netns('gns1') {\n    link 'in");
        assertTrue(inside.contains("inner0"), "inside a netns block, the links there: " + inside);
        assertFalse(complete(reader, "link 'in").contains("inner0"), "outside it, the host's");
        assertEquals(List.of("'attach'", "'custom-bridge'", "'lab'", "'p2p'"), complete(reader, "use "), "recipes after use");
        // the words recipes bring
        assertFalse(complete(reader, "att").contains("attach"), "not before the recipe is used");
        engine.run("use 'attach'", "setup");
        assertTrue(complete(reader, "att").contains("attach"), "a recipe's word once it is used");
        assertTrue(complete(reader, ":help att").contains("attach"), ":help knows recipe words");
    }

    @Test
    void loadOffersOnlyNetgroovyFilesAndFolders(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("lab.netgroovy"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
        Files.createDirectory(dir.resolve("more"));
        LineReader reader = reader(engine(false));
        List<String> offered = complete(reader, ":load " + dir + "/");
        assertTrue(offered.stream().anyMatch(c -> c.endsWith("lab.netgroovy")), offered.toString());
        assertTrue(offered.stream().anyMatch(c -> c.contains("more")), "folders, to walk into: " + offered);
        assertFalse(offered.stream().anyMatch(c -> c.endsWith("notes.txt")), offered.toString());
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
            repl[0].waitFor("tabbr0 (bridge)");     // keys typed ahead would be echoed into the view
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

    @Test
    void onARealTerminalTabFollowsTheGrammarAndATypoInAChainIsNamed(@TempDir Path dir) throws Exception {
        Engine engine = engine(false);
        engine.run("netns 'tabns1'\nbridge 'tabbr0'\nveth('tabv0', 'tabv1')", "setup");
        Files.writeString(dir.resolve("only.netgroovy"), "bridge 'tabload0'\n");
        Files.writeString(dir.resolve("only.txt"), "");
        XtermRepl[] repl = new XtermRepl[1];
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            repl[0] = new XtermRepl(engine);
            String[] lines = {
                "link 'tabv0' mas\t'tabb\tu\t\r",            // -> link 'tabv0' master 'tabbr0' up
                "link 'tabv1' into 'tabn\t\r",                 // -> link 'tabv1' into 'tabns1'
                "sho\ttopo\t\r",                              // -> show topology
                "use 'att\t\r",                                // -> use 'attach'
                "atta\t'tabbr0', 'tabns1', '10.99.0.5/24'\r",  // -> attach ..., a recipe's word
                "link 'tabv0' mster 'tabbr0'\r",
                ":load " + dir + "/on\t\r"};                   // -> only.netgroovy, not only.txt
            for (int i = 0; i < lines.length; i++) {
                repl[0].type(lines[i]);
                repl[0].waitFor("netgroovy(sandbox)> ", i + 2); // each line done before the next is typed
            }
            repl[0].type(":quit\r");
            return repl[0].exitCode();
        });
        assertEquals(0, code);
        String out = repl[0].screen().replace("\r", "");
        assertTrue(out.contains("link 'tabv0' master 'tabbr0' up"), out);
        assertEquals("tabbr0", Ip.link(null, "tabv0").map(l -> l.get("master")).orElse(null), "the completed line ran: " + out);
        assertTrue(out.contains("link 'tabv1' into 'tabns1'") && Ip.link("tabns1", "tabv1").isPresent(), out);
        assertTrue(out.matches("(?s).*show (topo\\x08+)?topology \n.*"), "Tab completed show and the view (the terminal redraws as it goes): " + out);
        assertTrue(screen.toString(StandardCharsets.UTF_8).contains("tabns1"), "the view was printed (by show, where the session prints)");
        assertTrue(out.contains("attach 'tabbr0', 'tabns1', '10.99.0.5/24'"), out);
        assertTrue(Ip.addresses("tabns1", "eth1").contains("10.99.0.5/24"), "the recipe's word ran: " + out);
        assertTrue(out.contains("error: link has no word 'mster'\n  hint: did you mean 'master'?"), out);
        assertTrue(out.contains(":load " + dir + "/only.netgroovy"), out);
        assertTrue(Ip.link(null, "tabload0").isPresent(), out);
    }
}
