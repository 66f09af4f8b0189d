package netgroovy.repl;

import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.DefaultParser;

/**
 * Splits a line into words for completion, and says when input is unfinished so that it
 * continues on the next line: an open brace, bracket or parenthesis, an open string
 * (also a triple-quoted one), or a trailing backslash. JLine then asks for more input with
 * the continuation prompt instead of running half a statement.
 */
final class ReplParser extends DefaultParser {

    ReplParser() {
        setEofOnUnclosedQuote(false);
        setEofOnEscapedNewLine(false);
        // Groovy code: a backslash is the language's business, not the line editor's.
        setEscapeChars(new char[0]);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        if (context == ParseContext.ACCEPT_LINE && !line.trim().startsWith(":")) {
            String missing = unfinished(line);
            if (missing != null) {
                throw new EOFError(-1, -1, "unfinished input", missing);
            }
        }
        return super.parse(line, cursor, context);
    }

    /**
     * Words for completion end at Groovy's punctuation too, so that in {@code netns('c} or
     * {@code veth('A', 'B} the word being completed is the name in quotes.
     */
    @Override
    public boolean isDelimiterChar(CharSequence buffer, int pos) {
        char c = buffer.charAt(pos);
        return Character.isWhitespace(c) || "(){}[],;=".indexOf(c) >= 0;
    }

    /** What the input still lacks ("}", "'" ...), or null when it is complete. */
    static String unfinished(String text) {
        java.util.ArrayDeque<Character> open = new java.util.ArrayDeque<>();
        int i = 0;
        int n = text.length();
        char last = ' '; // the last character of code (not of a comment): a backslash there continues the line
        while (i < n) {
            char c = text.charAt(i);
            char before = last;
            if (!Character.isWhitespace(c)) {
                last = c;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                int end = text.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    return "*/";
                }
                i = end + 2;
                continue;
            }
            if (c == '/' && "=~(,[{:;!&|?+-*<>".indexOf(before) >= 0 && !(i + 1 < n && text.charAt(i + 1) == '/')) {
                // A slashy string (a regex: =~ /"Id": "([^"]+)"/), where an operand is due; a '/'
                // after an operand divides. Its quotes are not strings' quotes.
                int j = i + 1;
                while (j < n && text.charAt(j) != '/') {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                if (j >= n) {
                    return "/";
                }
                i = j + 1;
                last = '/';
                continue;
            }
            if (c == '\'' || c == '"') {
                String quote = text.startsWith(String.valueOf(c).repeat(3), i) ? String.valueOf(c).repeat(3) : String.valueOf(c);
                int j = i + quote.length();
                int end = -1;
                while (j < n && end < 0) {
                    if (text.charAt(j) == '\\') {
                        j += 2;
                    } else if (text.startsWith(quote, j)) {
                        end = j + quote.length();
                    } else if (quote.length() == 1 && text.charAt(j) == '\n') {
                        // A one-line string cannot go on past a newline: more input would not
                        // close it, so leave the error to the compiler instead of waiting forever.
                        end = j;
                    } else {
                        j++;
                    }
                }
                if (end < 0) {
                    return quote;
                }
                i = end;
                last = c;
                continue;
            }
            switch (c) {
                case '{' -> open.push('}');
                case '(' -> open.push(')');
                case '[' -> open.push(']');
                case '}', ')', ']' -> {
                    if (!open.isEmpty() && open.peek() == c) {
                        open.pop();
                    }
                }
                default -> {
                }
            }
            i++;
        }
        if (!open.isEmpty()) {
            return String.valueOf(open.peek());
        }
        if (last == '\\') {
            return "\\";
        }
        if (netgroovy.dsl.SettingsNotation.unclosed(text)) {
            return ">"; // bridge 'b0' <  ... settings on the next lines
        }
        return null;
    }
}
