package netgroovy.dsl;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * The design card's notation, {@code bridge 'bridge0' < cidr '192.168.5.1/24'; mtu 1400 >}, and
 * its brace twin {@code bridge 'bridge0' { cidr '...' }}: both become the Groovy block form
 * {@code bridge('bridge0') { ... }} before compilation. Groovy itself would read the first as
 * comparisons and the second as a call of a method named {@code bridge0}.
 *
 * <p>The rewrite works on tokens: strings and comments are copied untouched, and no line is
 * added or removed, so the compiler's line numbers are the script's. A {@code <} opens settings
 * only right after a word that takes them and its arguments ({@code veth 'A', 'B' <},
 * {@code netns(pid) <}); its {@code >} is the first one at the same bracket depth that is not
 * part of {@code ->}, {@code >=} or {@code >>}.
 *
 * <p>{@code netns 'c1' { }} in this notation makes c1 when missing, as {@code netns 'c1'} alone
 * does; the plain Groovy {@code netns('c1') { }} enters only one that exists (a typo is an error).
 */
public final class SettingsNotation {
    /** The words whose object takes settings in a block. */
    public static final Set<String> WORDS = Set.of("bridge", "link", "veth", "addr", "route", "unroute", "netns");

    private static final char SETTINGS = 'S';
    private static final char GENERIC = 'G';

    /** The rewritten source, and the line of a {@code <} left open (0 when all are closed). */
    public record Rewritten(String text, int unclosedLine) {
    }

    private SettingsNotation() {
    }

    /** Whether {@code text} leaves settings open (the REPL then asks for more lines). */
    public static boolean unclosed(String text) {
        return rewrite(text).unclosedLine() > 0;
    }

    public static Rewritten rewrite(String src) {
        StringBuilder out = new StringBuilder(src.length() + 16);
        Deque<Character> open = new ArrayDeque<>();
        Deque<Integer> openedOn = new ArrayDeque<>();
        int n = src.length();
        int i = 0;
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && (src.charAt(i + 1) == '/' || src.charAt(i + 1) == '*')) {
                int end = commentEnd(src, i);
                out.append(src, i, end);
                i = end;
            } else if (c == '\'' || c == '"') {
                int end = stringEnd(src, i);
                out.append(src, i, end);
                i = end;
            } else if (Character.isJavaIdentifierStart(c)) {
                int end = i;
                while (end < n && Character.isJavaIdentifierPart(src.charAt(end))) {
                    end++;
                }
                String word = src.substring(i, end);
                int opener = WORDS.contains(word) && !afterDot(out) ? settingsAfter(src, end) : -1;
                if (opener < 0) {
                    out.append(word);
                    i = end;
                    continue;
                }
                String args = src.substring(end, opener).strip();
                if (word.equals("netns")) {
                    word = NetgroovyScript.NETNS_MADE; // netns 'c1' < ... >, as netns 'c1' alone, makes c1
                }
                if (args.startsWith("(")) {
                    out.append(word).append(args);
                } else {
                    out.append(word).append('(').append(args).append(')');
                }
                out.append(" {");
                if (src.charAt(opener) == '<') {
                    open.push(SETTINGS);
                    openedOn.push(lineAt(src, opener));
                } else {
                    open.push('}');
                    openedOn.push(0);
                }
                i = opener + 1;
            } else {
                switch (c) {
                    case '(', '[', '{' -> {
                        open.push(c == '(' ? ')' : c == '[' ? ']' : '}');
                        openedOn.push(0);
                    }
                    case ')', ']', '}' -> {
                        if (!open.isEmpty() && open.peek() == c) {
                            open.pop();
                            openedOn.pop();
                        }
                    }
                    case '<' -> {
                        if (afterTypeName(out)) { // List<String>: its > closes the type, not the settings
                            open.push(GENERIC);
                            openedOn.push(0);
                        }
                    }
                    case '>' -> {
                        boolean operator = (i > 0 && src.charAt(i - 1) == '-')
                                || (i + 1 < n && (src.charAt(i + 1) == '=' || src.charAt(i + 1) == '>'));
                        if (!open.isEmpty() && open.peek() == GENERIC) {
                            open.pop();
                            openedOn.pop();
                        } else if (!operator && !open.isEmpty() && open.peek() == SETTINGS) {
                            open.pop();
                            openedOn.pop();
                            out.append('}');
                            i++;
                            continue;
                        }
                    }
                    default -> {
                    }
                }
                out.append(c);
                i++;
            }
        }
        int unclosed = 0;
        var kinds = open.iterator();
        var lines = openedOn.iterator();
        while (kinds.hasNext()) {
            char k = kinds.next();
            int line = lines.next();
            if (k == SETTINGS) {
                unclosed = line; // the outermost one left open
            }
        }
        return new Rewritten(out.toString(), unclosed);
    }

    /**
     * Where the settings of a word start: the index of the {@code <} (or of the {@code {} of
     * the unbracketed brace form) after its arguments on the same line; -1 when none follows.
     * The arguments are a bracketed list, or strings, numbers, {@code name:} labels and plain
     * variables separated by commas ({@code veth 'A', 'B', peerIn: 'c1' <}).
     */
    private static int settingsAfter(String src, int from) {
        int n = src.length();
        int i = skipBlanks(src, from);
        if (i < n && src.charAt(i) == '(') {
            int close = matching(src, i);
            if (close < 0) {
                return -1;
            }
            int after = skipBlanks(src, close + 1);
            return after < n && src.charAt(after) == '<' ? after : -1;
        }
        boolean expectValue = true;
        int values = 0;
        while (i < n) {
            char c = src.charAt(i);
            if (c == '<' || c == '{') {
                return values > 0 && !expectValue ? i : -1;
            }
            if (c == ',' && !expectValue) {
                expectValue = true;
                i = skipBlanks(src, i + 1);
                continue;
            }
            if (!expectValue) {
                return -1;
            }
            if (c == '\'' || c == '"') {
                i = stringEnd(src, i);
            } else if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '.')) {
                    i++;
                }
            } else if (Character.isJavaIdentifierStart(c)) {
                while (i < n && Character.isJavaIdentifierPart(src.charAt(i))) {
                    i++;
                }
                int next = skipBlanks(src, i);
                if (next < n && src.charAt(next) == ':' && !(next + 1 < n && src.charAt(next + 1) == ':')) {
                    i = skipBlanks(src, next + 1); // a label: its value follows
                    continue;
                }
            } else {
                return -1;
            }
            values++;
            expectValue = false;
            i = skipBlanks(src, i);
        }
        return -1;
    }

    private static int skipBlanks(String src, int i) {
        while (i < src.length() && (src.charAt(i) == ' ' || src.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** The index of the bracket closing the one at {@code at}, strings skipped; -1 if none on that line. */
    private static int matching(String src, int at) {
        int depth = 0;
        for (int i = at; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\n') {
                return -1;
            } else if (c == '\'' || c == '"') {
                i = stringEnd(src, i) - 1;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean afterDot(StringBuilder out) {
        int j = out.length() - 1;
        while (j >= 0 && Character.isWhitespace(out.charAt(j))) {
            j--;
        }
        return j >= 0 && (out.charAt(j) == '.' || out.charAt(j) == '&');
    }

    /** {@code <} right after a capitalised name, with no space: a generic type. */
    private static boolean afterTypeName(StringBuilder out) {
        int j = out.length() - 1;
        if (j < 0 || !Character.isJavaIdentifierPart(out.charAt(j))) {
            return false;
        }
        while (j > 0 && Character.isJavaIdentifierPart(out.charAt(j - 1))) {
            j--;
        }
        return Character.isUpperCase(out.charAt(j));
    }

    private static int commentEnd(String src, int i) {
        if (src.charAt(i + 1) == '/') {
            int end = src.indexOf('\n', i);
            return end < 0 ? src.length() : end;
        }
        int end = src.indexOf("*/", i + 2);
        return end < 0 ? src.length() : end + 2;
    }

    /** The index after the string starting at {@code i} (also a triple-quoted one); a one-line string ends at the line's end. */
    static int stringEnd(String src, int i) {
        char q = src.charAt(i);
        String quote = src.startsWith(String.valueOf(q).repeat(3), i) ? String.valueOf(q).repeat(3) : String.valueOf(q);
        int j = i + quote.length();
        while (j < src.length()) {
            char c = src.charAt(j);
            if (c == '\\') {
                j += 2;
            } else if (src.startsWith(quote, j)) {
                return j + quote.length();
            } else if (quote.length() == 1 && c == '\n') {
                return j;
            } else {
                j++;
            }
        }
        return src.length();
    }

    private static int lineAt(String src, int index) {
        int line = 1;
        for (int k = 0; k < index; k++) {
            if (src.charAt(k) == '\n') {
                line++;
            }
        }
        return line;
    }
}
