package netgroovy.dsl;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import netgroovy.value.InvalidValueException;

/**
 * The named options of the words ({@code ping from: 'c1', to: 'c2', count: 3}): each word
 * declares its options once, where it reads them ({@code Options.check("ping", args, "from",
 * "to", "count")}), and this one helper checks them — an unknown name gets "did you mean", a
 * value of the wrong kind a clear line instead of a ClassCastException later.
 *
 * <p>An option means the same in every word that has it ({@code mtu} is always a number,
 * {@code icc} always on/off), so the kinds are one table by option name; an option not in the
 * table takes any value.
 */
final class Options {

    /** What values an option takes. */
    enum Kind {
        NUMBER("a number", "3"),
        FLAG("true or false (on or off)", "true"),
        TEXT("a value in quotes", "'VALUE'"),
        TEXTS("a value in quotes or a list of them", "['A', 'B']"),
        PLACE("a namespace or container name, netns(...) or a pid", "'c1'");

        final String says;
        final String example;

        Kind(String says, String example) {
            this.says = says;
            this.example = example;
        }

        boolean takes(Object v) {
            return switch (this) {
                case NUMBER -> v instanceof Number;
                case FLAG -> v instanceof Boolean;
                case TEXT -> v instanceof CharSequence || v instanceof Number;
                case TEXTS -> v instanceof CharSequence || v instanceof Number
                        || (v instanceof Collection<?> c && c.stream().allMatch(x -> x instanceof CharSequence || x instanceof Number));
                case PLACE -> v instanceof CharSequence || v instanceof NsRef || v instanceof ContainerRef || v instanceof Number;
            };
        }
    }

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("count", Kind.NUMBER), Map.entry("timeout", Kind.NUMBER), Map.entry("mtu", Kind.NUMBER),
            Map.entry("icc", Kind.FLAG), Map.entry("ipForward", Kind.FLAG), Map.entry("iptables", Kind.FLAG),
            Map.entry("ipv6", Kind.FLAG), Map.entry("fix", Kind.FLAG), Map.entry("publishAll", Kind.FLAG),
            Map.entry("masquerade", Kind.FLAG), Map.entry("userlandProxy", Kind.FLAG), Map.entry("resolver", Kind.TEXT),
            Map.entry("alias", Kind.TEXTS),
            Map.entry("file", Kind.TEXT), Map.entry("format", Kind.TEXT), Map.entry("proto", Kind.TEXT),
            Map.entry("bridge", Kind.TEXT), Map.entry("bip", Kind.TEXT), Map.entry("fixedCidr", Kind.TEXT),
            Map.entry("fixedCidrV6", Kind.TEXT), Map.entry("ip", Kind.TEXT), Map.entry("mac", Kind.TEXT),
            Map.entry("hostname", Kind.TEXT), Map.entry("net", Kind.TEXT), Map.entry("cmd", Kind.TEXT),
            Map.entry("subnet", Kind.TEXT), Map.entry("gateway", Kind.TEXT), Map.entry("driver", Kind.TEXT),
            Map.entry("portRange", Kind.TEXT),
            Map.entry("dns", Kind.TEXTS), Map.entry("dnsSearch", Kind.TEXTS), Map.entry("link", Kind.TEXTS),
            Map.entry("publish", Kind.TEXTS), Map.entry("expose", Kind.TEXTS), Map.entry("on", Kind.TEXTS),
            Map.entry("allow", Kind.TEXTS),
            Map.entry("from", Kind.PLACE), Map.entry("to", Kind.PLACE), Map.entry("in", Kind.PLACE),
            Map.entry("peerIn", Kind.PLACE));

    private Options() {
    }

    /** Checks {@code given} against the options {@code word} declares; throws naming the first one wrong. */
    static void check(String word, Map<String, ?> given, String... declared) {
        List<String> names = List.of(declared);
        for (Map.Entry<String, ?> e : given.entrySet()) {
            String k = e.getKey();
            if (!names.contains(k)) {
                String close = Words.closest(k, names);
                throw new InvalidValueException(word + " has no option '" + k + "'"
                        + (close != null ? "; did you mean '" + close + "'?" : names.isEmpty() ? " (it takes none)"
                        : " (it knows: " + String.join(", ", names) + ")"));
            }
            Kind kind = KINDS.get(k);
            Object v = e.getValue();
            if (kind != null && v != null && !kind.takes(v)) {
                throw new InvalidValueException(word + " " + k + ": " + shown(v) + " is not " + kind.says
                        + " (like " + word + " " + k + ": " + kind.example + ")");
            }
        }
    }

    /** The kind of an option, for help and editors; null when it takes any value. */
    static Kind kindOf(String option) {
        return KINDS.get(option);
    }

    private static String shown(Object v) {
        return v instanceof CharSequence ? "'" + v + "'" : String.valueOf(v);
    }
}
