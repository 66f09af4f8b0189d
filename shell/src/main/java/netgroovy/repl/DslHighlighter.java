package netgroovy.repl;

import java.util.Set;
import java.util.regex.Pattern;
import netgroovy.dsl.Words;
import org.jline.reader.LineReader;
import org.jline.reader.impl.DefaultHighlighter;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** Colours the line as it is typed: DSL words, strings, numbers, comments and :commands. */
final class DslHighlighter extends DefaultHighlighter {
    private static final Set<String> WORDS = Set.copyOf(Words.all());
    // Longest forms first: a triple-quoted string before a one-quote one, a comment before '/'.
    // Unclosed strings and comments run to the end, as they do while still being typed.
    private static final Pattern TOKEN = Pattern.compile(
            "(?s)/\\*.*?(?:\\*/|\\z)|//[^\n]*|'''.*?(?:'''|\\z)|\"\"\".*?(?:\"\"\"|\\z)"
            + "|'(?:[^'\\\\\n]|\\\\.)*'?|\"(?:[^\"\\\\\n]|\\\\.)*\"?"
            + "|[A-Za-z_][A-Za-z0-9_]*|\\d+|:[a-z-]+|\\s+|.");
    static final AttributedStyle WORD = AttributedStyle.BOLD.foreground(AttributedStyle.BLUE);
    static final AttributedStyle STRING = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
    static final AttributedStyle NUMBER = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    static final AttributedStyle COMMENT = AttributedStyle.DEFAULT.faint();
    static final AttributedStyle COMMAND = AttributedStyle.BOLD.foreground(AttributedStyle.MAGENTA);

    @Override
    public AttributedString highlight(LineReader reader, String buffer) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        var m = TOKEN.matcher(buffer);
        boolean first = true;
        while (m.find()) {
            String t = m.group();
            AttributedStyle style = AttributedStyle.DEFAULT;
            if (t.startsWith("//") || t.startsWith("/*")) {
                style = COMMENT;
            } else if (t.startsWith("'") || t.startsWith("\"")) {
                style = STRING;
            } else if (WORDS.contains(t)) {
                style = WORD;
            } else if (Character.isDigit(t.charAt(0))) {
                style = NUMBER;
            } else if (first && t.startsWith(":")) {
                style = COMMAND;
            }
            if (!t.isBlank()) {
                first = false;
            }
            b.styled(style, t);
        }
        return b.toAttributedString();
    }
}
