package netgroovy.repl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import netgroovy.dsl.Chain;
import netgroovy.dsl.NetgroovyScript;

/**
 * Where the cursor stands in a statement, read from the text before it, so that completion
 * offers what may come there: a word of the chain so far ({@code link 'A' } is followed by
 * the link's words), or an argument of a word ({@code netns('} takes a namespace,
 * {@code show } a view). Groovy's command chains alternate word and argument:
 * {@code link 'A' master 'br0' up} is {@code link('A').master('br0').getUp()}.
 */
final class Grammar {
    /** A word may come; {@code type} is the object the chain continues, null when none does. */
    record Word(Class<?> type) implements Place {
    }

    /**
     * An argument of {@code word} (a named argument's key, like {@code peerIn}, counts as the
     * word); {@code namespace}: the one a {@code netns('c1') { ... }} block around it works in, or null.
     */
    record Argument(String word, String namespace) implements Place {
        Argument(String word) {
            this(word, null);
        }
    }

    /** Text the grammar does not follow (an expression, an operator): anything may come. */
    record Unknown() implements Place {
    }

    sealed interface Place permits Word, Argument, Unknown {
    }

    private enum Kind { IDENT, STRING, NUMBER, GROUP, PUNCT }

    /** {@code text}: the token itself; for a closed group, the first string in it ({@code ('c1')} gives c1). */
    private record Token(Kind kind, String text) {
    }

    /** An open bracket, brace or parenthesis and what was said in it so far. */
    private static final class Frame {
        final char opener; // '(' '[' '{', or ' ' for the top level
        final String owner; // the word just before '(' or '[', if any
        final String namespace; // for a netns('c1') { block: c1; else the enclosing frame's
        final List<Token> tokens = new ArrayList<>();

        Frame(char opener, String owner, String namespace) {
            this.opener = opener;
            this.owner = owner;
            this.namespace = namespace;
        }

        String firstString() {
            return tokens.stream().filter(t -> t.kind == Kind.STRING).findFirst()
                    .map(t -> t.text.replaceAll("^['\"]+|['\"]+$", "")).orElse(null);
        }
    }

    private Grammar() {
    }

    /** The place for a completion of {@code before}, the text before the cursor (the word under it left out). */
    static Place at(String before) {
        Deque<Frame> frames = new ArrayDeque<>();
        frames.push(new Frame(' ', null, null));
        int i = 0;
        int n = before.length();
        boolean openString = false;
        while (i < n) {
            char c = before.charAt(i);
            Frame f = frames.peek();
            if (c == '/' && i + 1 < n && before.charAt(i + 1) == '/') {
                int end = before.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '\'' || c == '"') {
                String quote = before.startsWith(String.valueOf(c).repeat(3), i) ? String.valueOf(c).repeat(3) : String.valueOf(c);
                int end = closing(before, i + quote.length(), quote);
                if (end < 0) {
                    openString = true;
                    break;
                }
                f.tokens.add(new Token(Kind.STRING, before.substring(i, end)));
                i = end;
            } else if (Character.isJavaIdentifierStart(c)) {
                int j = i;
                while (j < n && Character.isJavaIdentifierPart(before.charAt(j))) {
                    j++;
                }
                f.tokens.add(new Token(Kind.IDENT, before.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(before.charAt(j)) || before.charAt(j) == '.')) {
                    j++;
                }
                f.tokens.add(new Token(Kind.NUMBER, before.substring(i, j)));
                i = j;
            } else if (c == '(' || c == '[' || c == '{') {
                Token last = f.tokens.isEmpty() ? null : f.tokens.get(f.tokens.size() - 1);
                String owner = last == null ? null : last.kind == Kind.IDENT ? last.text
                        : ":".equals(last.text) && f.tokens.size() > 1 ? f.tokens.get(f.tokens.size() - 2).text : f.owner;
                int k = f.tokens.size();
                String ns = f.namespace;
                if (c == '{' && k >= 2 && f.tokens.get(k - 1).kind == Kind.GROUP && "netns".equals(f.tokens.get(k - 2).text)) {
                    ns = f.tokens.get(k - 1).text; // netns('c1') {: the block works in c1
                }
                frames.push(new Frame(c, c == '{' ? null : owner, ns));
                i++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (frames.size() > 1) {
                    Frame done = frames.pop();
                    frames.peek().tokens.add(new Token(Kind.GROUP, done.firstString()));
                }
                i++;
            } else if (c == ';' || c == '\n') {
                if (f.opener == ' ' || f.opener == '{') {
                    f.tokens.clear(); // a new statement
                }
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                f.tokens.add(new Token(Kind.PUNCT, String.valueOf(c)));
                i++;
            }
        }
        Frame f = frames.peek();
        if (f.opener == '(' || f.opener == '[') {
            String key = namedKey(f.tokens);
            return new Argument(key != null ? key : f.owner, f.namespace);
        }
        Place place = chain(f.tokens);
        if (place instanceof Argument a) {
            place = new Argument(a.word(), f.namespace);
        }
        if (openString && place instanceof Word) {
            return new Unknown(); // a string where a word belongs: not the DSL's grammar
        }
        return place;
    }

    /** Where a string opened at {@code from} ends, or -1 when it is still open. */
    private static int closing(String text, int from, String quote) {
        int j = from;
        while (j < text.length()) {
            if (text.charAt(j) == '\\') {
                j += 2;
            } else if (text.startsWith(quote, j)) {
                return j + quote.length();
            } else {
                j++;
            }
        }
        return -1;
    }

    /** {@code to: } at the end of an argument list: the key being given a value. */
    private static String namedKey(List<Token> tokens) {
        int k = tokens.size();
        if (k >= 2 && ":".equals(tokens.get(k - 1).text) && tokens.get(k - 2).kind == Kind.IDENT) {
            return tokens.get(k - 2).text;
        }
        return null;
    }

    /** Walks a statement's command chain: word, arguments, word, arguments ... */
    private static Place chain(List<Token> tokens) {
        Class<?> type = NetgroovyScript.class;
        String word = null; // the word whose arguments come next, when not null
        boolean needArgument = false; // after a word or a comma: an argument must come
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (word == null) {
                if (t.kind != Kind.IDENT || type == null) {
                    return new Unknown();
                }
                if (i + 1 < tokens.size() && tokens.get(i + 1).kind == Kind.GROUP) {
                    type = Chain.after(type, t.text); // word(...) as a call: the chain goes on after it
                    i++;
                    if (i + 1 < tokens.size() && ".".equals(tokens.get(i + 1).text)) {
                        i++;
                    }
                    continue;
                }
                word = t.text;
                needArgument = true;
            } else if (needArgument) {
                if (t.kind == Kind.PUNCT && !"-".equals(t.text)) {
                    return new Unknown();
                }
                if (t.kind == Kind.IDENT && i + 1 < tokens.size() && ":".equals(tokens.get(i + 1).text)) {
                    if (i + 2 == tokens.size()) {
                        return new Argument(t.text); // peerIn: |
                    }
                    i++; // a named argument: its value follows
                    continue;
                }
                if ("-".equals(t.text)) {
                    continue; // a negative number
                }
                needArgument = false;
            } else if (",".equals(t.text)) {
                needArgument = true;
            } else if (t.kind == Kind.IDENT) {
                type = Chain.after(type, word);
                word = null;
                i--; // this identifier is the next word
            } else {
                return new Unknown();
            }
        }
        if (word == null) {
            return new Word(type);
        }
        if (needArgument) {
            return new Argument(word);
        }
        return new Word(Chain.after(type, word));
    }
}
