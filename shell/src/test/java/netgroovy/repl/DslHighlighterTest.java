package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.jline.utils.AttributedStyle;

/** Colours: words, strings, numbers, comments, :commands; the text itself never changes. */
class DslHighlighterTest {
    private final DslHighlighter highlighter = new DslHighlighter();

    @Test
    void wordsStringsNumbersAndComments() {
        var h = highlighter.highlight(null, "bridge 'b0' mtu 1400 // note");
        assertEquals("bridge 'b0' mtu 1400 // note", h.toString());
        assertEquals(DslHighlighter.WORD, h.styleAt(0), "a DSL word");
        assertEquals(DslHighlighter.STRING, h.styleAt(8), "a string");
        assertEquals(AttributedStyle.DEFAULT, h.styleAt(12), "mtu is a chain word, not a DSL word");
        assertEquals(DslHighlighter.NUMBER, h.styleAt(17), "a number");
        assertEquals(DslHighlighter.COMMENT, h.styleAt(23), "a comment");
    }

    @Test
    void multiLineStringsCommentsAndCommands() {
        String text = "sh '''ip \"route\" // not a comment\nlink''' /* bridge\n */ veth";
        var h = highlighter.highlight(null, text);
        assertEquals(text, h.toString());
        assertEquals(DslHighlighter.STRING, h.styleAt(text.indexOf("route")), "quotes inside a triple-quoted string");
        assertEquals(DslHighlighter.STRING, h.styleAt(text.indexOf("not")), "// inside a string is string");
        assertEquals(DslHighlighter.STRING, h.styleAt(text.indexOf("link")), "the second line of the string");
        assertEquals(DslHighlighter.COMMENT, h.styleAt(text.indexOf("bridge")), "a word inside a block comment");
        assertEquals(DslHighlighter.WORD, h.styleAt(text.indexOf("veth")), "after the comment");
        assertEquals(DslHighlighter.COMMAND, highlighter.highlight(null, ":help bridge").styleAt(0));
        assertEquals(DslHighlighter.STRING, highlighter.highlight(null, "bridge 'unclosed").styleAt(10), "while typing");
    }
}
