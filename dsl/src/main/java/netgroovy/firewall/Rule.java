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

    /** Words joined with spaces, quoted where iptables-save quotes them (comments with spaces). */
    static String join(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(w.isEmpty() || w.matches(".*[\\s\"'].*") ? "\"" + w.replace("\"", "\\\"") + "\"" : w);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return command("-A");
    }
}
