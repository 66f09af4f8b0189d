package netgroovy.dsl;

/** Which values a statement gives back are worth printing (the REPL and -e print them). */
public final class Results {
    private Results() {
    }

    /**
     * Views, command output, ping results, lists and plain values are; the objects that
     * command chains continue ({@code bridge 'b0'} gives a BridgeSpec) and null are not.
     */
    public static boolean worthPrinting(Object value) {
        return value != null && !(value instanceof BridgeSpec || value instanceof LinkSpec || value instanceof AddrSpec
                || value instanceof RouteSpec || value instanceof NsRef);
    }

    /**
     * A value as people read it: a plain list of strings (ports, names) one a line, as
     * {@code docker port} prints them; an empty list or array as {@code []}; other arrays
     * like lists ({@code [a, b]}, never {@code [Ljava.lang.String;@1b2c}); the rest as
     * Groovy prints it. Lists of netgroovy's own kinds keep their own text.
     */
    public static String text(Object value) {
        if (value instanceof java.util.List<?> list && value.getClass().getName().startsWith("java.")
                && !list.isEmpty() && list.stream().allMatch(e -> e instanceof CharSequence)) {
            return String.join("\n", list.stream().map(String::valueOf).toList());
        }
        if (value != null && value.getClass().isArray()) {
            return org.codehaus.groovy.runtime.InvokerHelper.toString(value);
        }
        return String.valueOf(value);
    }
}
