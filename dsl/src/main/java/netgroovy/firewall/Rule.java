package netgroovy.firewall;

import java.util.ArrayList;
import java.util.List;

/**
 * One iptables rule: table, chain, match arguments, target arguments, and the comment that
 * marks it as netgroovy's ("netgroovy publish c1 8080:80/tcp"). Matches are written in the
 * form iptables-save prints, so a rule can be found again in its output.
 */
public record Rule(String table, String chain, List<String> match, List<String> target, String comment) {

    public Rule {
        match = List.copyOf(match);
        target = List.copyOf(target);
    }

    /**
     * Separates a comment's owner from where it was made: "netgroovy publish c1 ... #1
     * @05-publishing-ports.netgroovy:35". The owner part alone says which rule it is, so a rule
     * made again from another line is still the same rule.
     */
    public static final String ORIGIN = " @";

    /** The same rule, its comment also naming the script line that made it ("05-x.netgroovy:35"). */
    public Rule madeAt(String origin) {
        if (comment == null || origin == null || comment.contains(ORIGIN)) {
            return this;
        }
        return new Rule(table, chain, match, target, comment + ORIGIN + origin);
    }

    /** The comment without the origin: what identifies the rule. */
    public String owner() {
        return ownerOf(comment);
    }

    public static String ownerOf(String comment) {
        if (comment == null) {
            return null;
        }
        int at = comment.indexOf(ORIGIN);
        return at < 0 ? comment : comment.substring(0, at);
    }

    /** The rule's arguments after {@code -A CHAIN}: matches, comment, target. */
    public List<String> args() {
        List<String> a = new ArrayList<>(match);
        if (comment != null) {
            a.addAll(List.of("-m", "comment", "--comment", comment));
        }
        a.add("-j");
        a.addAll(target);
        return a;
    }

    /** A line for iptables-restore: {@code -A CHAIN ...} (or -I, -D). */
    public String restoreLine(String op) {
        return op + " " + chain + " " + join(args());
    }

    /** The equivalent command: {@code iptables -t nat -A DOCKER ...}. */
    public String command(String op) {
        return "iptables -t " + table + " " + restoreLine(op);
    }

    /** One word as iptables-save prints it (quoted when it has spaces). */
    public static String quoted(String word) {
        return join(List.of(word));
    }

    private static final java.util.regex.Pattern NEEDS_QUOTES = java.util.regex.Pattern.compile("[\\s\"']");

    /** Words joined with spaces, quoted where iptables-save quotes them (comments with spaces). */
    static String join(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(w.isEmpty() || NEEDS_QUOTES.matcher(w).find() ? "\"" + w.replace("\"", "\\\"") + "\"" : w);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return command("-A");
    }
}
