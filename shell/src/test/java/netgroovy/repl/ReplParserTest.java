package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.jline.reader.EOFError;
import org.jline.reader.Parser.ParseContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** When input is unfinished (and continues on the next line), and how a line splits into words. */
class ReplParserTest {

    @ParameterizedTest(name = "[{0}] lacks [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "netns('c1') {                          | }",
        "bridge 'b0                             | '",
        "sh \"ip                                 | \"",
        "sh '''ip                               | '''",
        "println \"\"\"a\\nb                      | \"\"\"",
        "ping(from: 'c1',                       | )",
        "println([1, 2,                         | ]",
        "apply {\\n  netns('c1') {\\n  }         | }",
        "bridge 'b0' \\                          | \\",
        "/* a note                              | */",
        "println 'it\\'s                         | '",
        "bridge 'b0' <                          | >",
        "bridge 'b0' < cidr '10.0.0.1/24'       | >",
        "netns 'c1' <\\n  addr '10.0.0.2/24' < dev 'lo' > | >",
        "assert 'a' =~ /a(b                       | /",
    })
    void unfinished(String text, String missing) {
        assertEquals(missing.strip(), ReplParser.unfinished(text.strip().replace("\\n", "\n")));
    }

    @ParameterizedTest(name = "[{0}] is complete")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "route 'default' via '10.0.0.1' // a {",
        "bridge 'bridge0' < cidr '192.168.5.1/24' >",
        "println 1 < 2",
        "println '}'",
        "println \"{ ( [\"",
        "netns('c1') { addr '10.0.0.2/24' dev 'eth0' }",
        "sh '''a\\nb'''",
        "// a comment ending in \\",
        "/* { */ bridge 'b0'",
        "println 'a\\\\'",
        // a one-line string cannot be closed on a later line: the compiler reports it, the prompt does not wait
        "bridge 'b0\\ncidr '10.0.0.1/24'",
        // a slashy string (a regex) may hold quotes and brackets; a '/' after an operand divides
        "def v = ['c1'].collect { (inspect(it) =~ /\"HostVeth\": \"([^\"]+)\"/)[0][1] }",
        "println 6 / 3 + (4 / 2)",
    })
    void complete(String text) {
        assertNull(ReplParser.unfinished(text.replace("\\n", "\n")));
    }

    @Test
    void acceptingAnUnfinishedLineAsksForMore() {
        ReplParser parser = new ReplParser();
        EOFError e = assertThrows(EOFError.class, () -> parser.parse("netns('c1') {", 13, ParseContext.ACCEPT_LINE));
        assertEquals("}", e.getMissing());
        assertDoesNotThrow(() -> parser.parse("netns('c1') { }", 15, ParseContext.ACCEPT_LINE));
        assertDoesNotThrow(() -> parser.parse(":load my {file", 14, ParseContext.ACCEPT_LINE), ":commands are not Groovy");
        assertDoesNotThrow(() -> parser.parse("netns('c1') {", 13, ParseContext.COMPLETE), "completion works on unfinished lines");
    }

    @Test
    void wordsEndAtGroovyPunctuationSoTheNameInQuotesCompletes() {
        ReplParser parser = new ReplParser();
        var line = parser.parse("veth('A', 'B", 12, ParseContext.COMPLETE);
        assertEquals("B", line.word());
        assertEquals(List.of("veth", "A", "B"), line.words());
        assertEquals("c", parser.parse("netns('c", 8, ParseContext.COMPLETE).word());
        assertEquals(":help", parser.parse(":help", 5, ParseContext.COMPLETE).word());
    }
}
