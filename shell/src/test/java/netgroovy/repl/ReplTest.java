package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.testing.Ip;
import netgroovy.testing.Sandboxed;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The REPL fed whole lines through a dumb JLine terminal, as when input is piped in. */
@ExtendWith(Sandboxed.class)
class ReplTest {
    private static final String BANNER = "netgroovy — sandbox. :help for words and commands, :quit to leave.\n";
    private static final String PROMPT = "netgroovy(sandbox)> ";
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private Session session;
    private Engine engine;

    private Engine engine(boolean dry) {
        session = new Session(dry, new PrintStream(screen, true, StandardCharsets.UTF_8), dry ? "dry-run" : "sandbox");
        engine = new Engine(session);
        return engine;
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    /** Types {@code input} into a dumb terminal and returns what the screen showed; the REPL must end with 0. */
    private String type(String input) {
        if (engine == null) {
            engine(false);
        }
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Terminal t = new DumbTerminal("test", "dumb", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                    screen, StandardCharsets.UTF_8);
            return new Repl(engine, t).run();
        });
        assertEquals(0, code, "exit code");
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statementsRunAndChangeTheKernel() {
        String out = type("bridge 'br0' cidr '10.0.0.1/24'\nbridges\n:quit\n");
        assertTrue(Ip.addresses(null, "br0").contains("10.0.0.1/24"));
        assertTrue(out.contains(PROMPT), out);
        assertTrue(out.contains("10.0.0.1/24"), "the bridges view was printed: " + out);
    }

    @Test
    void chainObjectsAreNotPrintedButValuesAre() {
        String out = type("veth('v1', 'v2')\nnetns 'c7'\nlink 'v1' up\n1 + 2\nprintln 'said'\n:quit\n");
        assertTrue(Ip.link(null, "v1").isPresent());
        // veth, netns and link give chain objects: three prompts in a row with nothing between them
        assertEquals(BANNER + PROMPT.repeat(4) + "3\n" + PROMPT + "said\n" + PROMPT, out);
    }

    @Test
    void outputIsPrintedOnceWithoutExtraBlankLines() {
        String out = type("sh 'echo hi'\nexplain { bridge 'ex0' }\nsh 'true'\n:quit\n");
        assertTrue(out.contains(PROMPT + "hi\n" + PROMPT), "sh output as it is: " + out);
        assertEquals(1, XtermRepl.count(out, "ip link add ex0 type bridge"), "explain's commands once: " + out);
        assertTrue(out.endsWith(PROMPT + PROMPT), "sh 'true' printed nothing: " + out);
        assertTrue(Ip.link(null, "ex0").isEmpty(), "explain made nothing");
    }

    @Test
    void multiLineInputContinuesUntilComplete() {
        String out = type("""
                netns 'c1'
                netns('c1') {
                    veth('a', 'b')
                    addr '10.9.0.1/24' dev 'a'
                }
                bridge 'bs0' \\
                    cidr '10.7.0.1/24'
                println '''two
                lines'''
                :quit
                """);
        assertTrue(Ip.addresses("c1", "a").contains("10.9.0.1/24"), "the block ran in c1");
        assertTrue(Ip.addresses(null, "bs0").contains("10.7.0.1/24"), "a trailing backslash continued the line");
        assertTrue(out.contains("two\nlines\n"), out);
    }

    @Test
    void theDesignCardsNotationAsTyped(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("card.netgroovy");
        Files.writeString(script, "bridge 'lb1' < cidr '10.8.1.1/24'; mtu 1400 >\nveth('LA','LB')\n");
        String out = type("""
                bridge 'bridge0' < cidr '192.168.5.1/24' >
                veth('A','B')
                bridge 'br1' <
                    cidr '10.6.0.1/24'
                    mtu 1400
                >
                netns 'c1' < >
                link 'B' < into 'c1'; up >
                :load %s
                :quit
                """.formatted(script));
        assertFalse(out.contains("error"), out);
        assertTrue(Ip.addresses(null, "bridge0").contains("192.168.5.1/24"), out);
        assertTrue(Ip.addresses(null, "br1").contains("10.6.0.1/24"), "settings over several lines: " + out);
        assertEquals(1400, ((Number) Ip.link(null, "br1").get().get("mtu")).intValue());
        assertTrue(Ip.link("c1", "B").isPresent(), out);
        assertTrue(Ip.addresses(null, "lb1").contains("10.8.1.1/24"), ":load reads the notation: " + out);
        assertTrue(Ip.link(null, "LA").isPresent());
    }

    @Test
    void anUnfinishedLineShowsTheContinuationPrompt() {
        engine(false);
        XtermRepl[] repl = new XtermRepl[1];
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            repl[0] = new XtermRepl(engine);
            repl[0].type("netns 'c5'\r");
            repl[0].type("netns('c5') {\r");
            repl[0].waitFor("....> ");
            repl[0].type("addr '10.5.0.1/24' dev 'lo'\r}\r:quit\r");
            return repl[0].exitCode();
        });
        assertEquals(0, code);
        assertTrue(Ip.addresses("c5", "lo").contains("10.5.0.1/24"), "the block ran once complete:\n" + repl[0].screen());
    }

    @Test
    void errorsAreOneLineWithAHintAndTheSessionGoesOn() {
        String out = type("brige 'b0'\nlink 'nope' up\nbridge 'x' cidr '10.0.0.1/24' )\nbridge 'ok0'\n:quit\n");
        assertTrue(out.contains(PROMPT + "error: unknown word 'brige'\n  hint: did you mean 'bridge'?\n" + PROMPT), out);
        assertTrue(out.contains(PROMPT + "error: cannot set nope up: link nope does not exist\n"), out);
        assertTrue(out.contains(PROMPT + "error: syntax error: "), out);
        assertFalse(out.contains("\tat "), "no stack trace");
        assertTrue(Ip.link(null, "ok0").isPresent(), "the next line still ran");
    }

    @Test
    void errorsTheDslDidNotForeseeAreOneLineWithAHintToo() {
        String out = type("def f() { f() }; f()\nClass.forName('no.such.Thing')\n'abc'.shout()\nbridge 'ok1'\n:quit\n");
        assertTrue(out.contains(PROMPT + "error: stack overflow: calls nested too deep\n  hint: "), out);
        assertTrue(out.contains(PROMPT + "error: no class no.such.Thing\n  hint: "), out);
        assertTrue(out.contains(PROMPT + "error: String has no method shout()\n  hint: "), out);
        assertFalse(out.contains("\tat "), "no stack trace: " + out);
        assertTrue(Ip.link(null, "ok1").isPresent(), "the session went on");
    }

    @Test
    void variablesClosuresAndMethodsLiveOnInLaterStatements() {
        String out = type("mtu = 1400\ndef lan(n) { bridge \"lan$n\" mtu mtu; \"lan$n\" }\nname = { n -> \"pod$n\" }\n"
                + "lan(1)\nname(2)\nlan('a', 'b')\n:quit\n");
        assertEquals(1400, ((Number) Ip.link(null, "lan1").get().get("mtu")).intValue(), "the method and the variable: " + out);
        assertTrue(out.contains(PROMPT + "lan1\n" + PROMPT + "pod2\n"), "the closure: " + out);
        assertTrue(out.contains(PROMPT + "error: wrong arguments for 'lan': (String, String)\n"), out);
    }

    @Test
    void dryRunModePrintsCommandsAndCreatesNothing() {
        String out = type(":dry-run on\nbridge 'b9' cidr '10.9.0.1/24'\n:show\n:dry-run off\nbridge 'b10'\n:dry-run maybe\n:quit\n");
        assertTrue(out.contains("dry run is on: plans are printed, nothing is applied"), out);
        assertTrue(out.contains("ip link add b9 type bridge\nip link set dev b9 up\nip addr add 10.9.0.1/24 dev b9"), out);
        assertTrue(out.contains("netgroovy(dry-run)> "), "the prompt says so: " + out);
        assertTrue(out.contains("(dry run: nothing live to show)"), out);
        assertTrue(out.contains("dry run is off"), out);
        assertTrue(out.contains(":dry-run takes on or off"), out);
        assertTrue(Ip.link(null, "b9").isEmpty(), "nothing was made in the dry run");
        assertTrue(Ip.link(null, "b10").isPresent(), "after :dry-run off statements apply again");
    }

    @Test
    void aDryRunSessionStaysDry() {
        engine(true);
        String out = type(":dry-run off\nbridge 'd0'\n:quit\n");
        assertTrue(out.contains("netgroovy(dry-run)> "), out);
        assertTrue(out.contains("ip link add d0 type bridge"), out);
        assertTrue(Ip.link(null, "d0").isEmpty());
    }

    @Test
    void loadShowAndUnknownCommands(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("lab.netgroovy");
        Files.writeString(script, "#!/usr/bin/env netgroovy\nbridge 'lb0' cidr '10.8.0.1/24'\n");
        Path broken = dir.resolve("broken.netgroovy");
        Files.writeString(broken, "\n\nlink 'missing0' up\n");
        String out = type(":load " + script + "\n:show\n:load " + broken + "\n:load " + dir.resolve("none.netgroovy")
                + "\n:load " + dir + "\n:frobnicate\n:q\n");
        assertTrue(Ip.link(null, "lb0").isPresent(), ":load ran the file");
        assertTrue(out.contains("lb0 (bridge) 10.8.0.1/24"), ":show printed the topology: " + out);
        assertTrue(out.contains("error: cannot set missing0 up: link missing0 does not exist"), out);
        assertTrue(out.contains("error: cannot read " + dir.resolve("none.netgroovy") + ": no such file"), out);
        assertTrue(out.contains("error: cannot read " + dir + ": "), "a folder is one error line too: " + out);
        assertTrue(out.contains(PROMPT + "unknown command :frobnicate; commands: :help :load :dry-run :show :tutorial :quit\n" + PROMPT), out);
    }

    @Test
    void quitAndEndOfInputLeaveWithZeroAndHistoryIsKept() throws Exception {
        String out = type("bridge 'hist0'\n"); // no :quit: the input simply ends, like Ctrl-D
        assertTrue(out.endsWith(PROMPT), out);
        assertTrue(Ip.link(null, "hist0").isPresent());
        assertEquals(Path.of(System.getenv("NETGROOVY_HISTORY")), Repl.historyFile(), "NETGROOVY_HISTORY is respected");
        String history = Files.readString(Repl.historyFile());
        assertTrue(history.contains("bridge 'hist0'"), "persistent history: " + history);
        screen.reset();
        String after = type(":quit\nbridge 'never0'\n");
        assertTrue(Ip.link(null, "never0").isEmpty(), "nothing after :quit ran");
        assertTrue(after.endsWith(PROMPT), after);
    }

    @Test
    void exclamationMarksAreGroovyNotHistoryExpansion() {
        String out = type("println 'first'\nprintln(!!true)\nprintln !false\n:quit\n");
        assertTrue(out.contains(PROMPT + "true\n" + PROMPT + "true\n"), "!! and ! reached Groovy as typed: " + out);
    }

    @Test
    void wordsOfOtherShellsPointToTheirPlaceAndResultsReadAsPeopleReadThem() {
        String out = type("exit\nhelp\nshow\nbridge 'td0'\nveth('td1', 'td2')\nteardown\n:quit\n");
        assertTrue(out.contains("error: 'exit' is not a word of the DSL\n  hint: in the REPL, :quit (or Ctrl-D) leaves\n"), out);
        assertTrue(out.contains("error: 'help' is not a word of the DSL\n  hint: :help lists the words"), out);
        assertTrue(out.contains("views (show NAME prints one): links, addrs, routes"), "show alone lists the views: " + out);
        assertTrue(out.contains(PROMPT + "removed everything netgroovy made: 3 steps undone\n"), "teardown says how much, not every command: " + out);
        assertTrue(Ip.link(null, "td0").isEmpty() && Ip.link(null, "td1").isEmpty());
    }

    @Test
    void listsOfNamesPrintOneALineAndEmptyArraysAsBrackets() {
        String out = type("netns 'pr1'\nnetns 'pr2'\nnamespaceNames.findAll { it.startsWith('pr') }.sort()\n"
                + "new String[0]\n['a', 'b'] as String[]\n[1, 2]\n[]\n:quit\n");
        assertTrue(out.contains(PROMPT + "pr1\npr2\n" + PROMPT), "names as lines, like docker port: " + out);
        assertTrue(out.contains(PROMPT + "[]\n" + PROMPT + "[a, b]\n" + PROMPT + "[1, 2]\n" + PROMPT + "[]\n"), out);
        assertFalse(out.contains("[Ljava"), out);
    }

    @Test
    void aLongStatementShowsItsProgressOnAStatusLine() {
        engine(false);
        XtermRepl[] repl = new XtermRepl[1];
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            repl[0] = new XtermRepl(engine, new org.jline.terminal.Size(100, 20));
            // A loop of the script's own statements: each applies at its end (a closure's would be one plan).
            repl[0].type("for (i in 1..20) { bridge \"pg$i\"; sleep 100 }\r");
            repl[0].waitFor("steps applied (");
            repl[0].waitFor(PROMPT, 2);
            repl[0].type(":quit\r");
            return repl[0].exitCode();
        });
        assertEquals(0, code);
        String out = repl[0].screen();
        // The status line is drawn whole once, then only what changed in it is redrawn: on a busy
        // machine the first drawing can come before the first step (0 steps), so the count that
        // moves on is looked for in the redrawn parts.
        assertTrue(out.matches("(?s).*running \\d+\\.\\d s: \\d+ steps applied \\(\\d+/s\\); Ctrl-C stops it.*"), out);
        assertTrue(out.matches("(?s).*s: [1-9]\\d* steps applied \\(.*"), "the count of steps moves on: " + out);
        assertTrue(Ip.link(null, "pg20").isPresent(), "the statement ran to its end");
    }
}
