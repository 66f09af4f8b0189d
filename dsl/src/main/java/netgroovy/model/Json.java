package netgroovy.model;

import java.util.List;
import java.util.Map;

/**
 * The store's records as JSON text, written the way {@code groovy.json.JsonOutput} writes them
 * (the same characters escaped: quotes, backslashes, control characters and everything beyond
 * ASCII as {@code \}{@code uXXXX}), for the kinds of values records hold: maps with string
 * keys, lists, strings, numbers, booleans and null. A statement's journal lines are encoded
 * on every statement; JsonOutput's generic walk over any object took most of their cost.
 * Anything else is handed to JsonOutput.
 */
final class Json {
    private Json() {
    }

    static String of(Object value) {
        StringBuilder b = new StringBuilder(64);
        write(b, value);
        return b.toString();
    }

    static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, l.get(i));
            }
            b.append(']');
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            b.append(v);
        } else {
            b.append(groovy.json.JsonOutput.toJson(v));
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void string(StringBuilder b, String s) {
        b.append('"');
        int plain = 0;
        while (plain < s.length() && !escaped(s.charAt(plain))) {
            plain++;
        }
        b.append(s, 0, plain); // (mostly the whole string: names, addresses, marks)
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15]).append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** Whether a character is written escaped (see {@link #string}). */
    private static boolean escaped(char c) {
        return c < 0x20 || c > 0x7e || c == '"' || c == '\\';
    }
}
