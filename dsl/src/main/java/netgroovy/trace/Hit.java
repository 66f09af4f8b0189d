package netgroovy.trace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netgroovy.firewall.Rule;

/**
 * One firewall rule (or chain policy) a traced packet met, with the kernel's verdict, and the
 * netgroovy statement that wrote it when its comment says so.
 *
 * @param kind    "rule" or "policy"
 * @param verdict the kernel's verdict: ACCEPT, DROP, CONTINUE, JUMP:DOCKER, RETURN ...
 * @param rule    the rule as iptables-save prints it ({@code -A DOCKER ... -j DNAT ...}), "" for a policy
 */
public record Hit(String table, String chain, String kind, String verdict, String rule) {
    private static final Pattern COMMENT = Pattern.compile(" -m comment --comment (\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
    private static final Pattern TARGET = Pattern.compile(" -j (\\S+)(.*)$");

    /** From {@code nat:DOCKER:rule:0x4:ACCEPT} and {@code -4 -t nat -A DOCKER ...}; null for what is no verdict. */
    static Hit parse(String where, String text) {
        String[] p = where.split(":");
        if (p.length < 4) {
            return null;
        }
        String kind = p[2];
        if (kind.equals("rule") && p.length >= 5) {
            String verdict = p[4] + (p.length > 5 ? ":" + p[5] : "");
            String rule = text.strip().replaceFirst("^-[46] -t \\S+ ", "");
            return new Hit(p[0], p[1], kind, verdict, rule);
        }
        if (kind.equals("policy")) {
            return new Hit(p[0], p[1], kind, p[3], "");
        }
        return null; // "return": the end of a user chain, no decision
    }

    /** The comment as written ("netgroovy publish web 0.0.0.0:8080->80/tcp #1 @x.netgroovy:35"), or null. */
    public String comment() {
        Matcher m = COMMENT.matcher(rule);
        if (!m.find()) {
            return null;
        }
        String c = m.group(1);
        return c.startsWith("\"") ? c.substring(1, c.length() - 1).replace("\\\"", "\"") : c;
    }

    /** The owner netgroovy wrote in the comment ("publish web 0.0.0.0:8080->80/tcp #1"), or null for others' rules. */
    public String owner() {
        String c = comment();
        return c == null || !c.startsWith("netgroovy ") ? null : Rule.ownerOf(c).substring("netgroovy ".length());
    }

    /** The script line that wrote the rule ("05-publishing-ports.netgroovy:35"), or null. */
    public String origin() {
        String c = comment();
        int at = c == null || !c.startsWith("netgroovy ") ? -1 : c.indexOf(Rule.ORIGIN);
        return at < 0 ? null : c.substring(at + Rule.ORIGIN.length());
    }

    /** The netgroovy word behind an owner: "publish", "firewall", "masquerade", "allowLink", "restrict". */
    public String word() {
        String o = owner();
        if (o == null) {
            return null;
        }
        return switch (o.split(" ")[0]) {
            case "publish" -> "publish";
            case "masquerade" -> "masquerade";
            case "link" -> "allowLink";
            case "restrict" -> "restrict";
            default -> "firewall"; // bridge, isolation, docker: Docker's rules for a bridge
        };
    }

    /** The rule without its comment, as a person reads it. */
    public String plainRule() {
        return COMMENT.matcher(rule).replaceAll("");
    }

    /** The rule's target: DNAT, MASQUERADE, DROP, ACCEPT, a chain name ... ("" for a policy). */
    public String target() {
        Matcher m = TARGET.matcher(plainRule());
        return m.find() ? m.group(1) : "";
    }

    /** A packet stops here: dropped or rejected. */
    public boolean drops() {
        return verdict.equals("DROP") || target().equals("REJECT");
    }

    /** For DNAT, the new destination ("172.17.0.2:80"); else null. */
    public String dnatTo() {
        Matcher m = Pattern.compile("--to-destination (\\S+)").matcher(plainRule());
        return target().equals("DNAT") && m.find() ? m.group(1) : null;
    }

    /** What the rule did, in a few words: "jump DOCKER", "DNAT to 172.17.0.2:80", "DROP", "policy ACCEPT". */
    public String action() {
        if (kind.equals("policy")) {
            return "policy " + verdict;
        }
        if (verdict.startsWith("JUMP:")) {
            return "jump " + verdict.substring(5);
        }
        if (verdict.startsWith("GOTO:")) {
            return "goto " + verdict.substring(5);
        }
        String t = target();
        if (t.equals("DNAT")) {
            return "DNAT to " + dnatTo();
        }
        return t.isEmpty() ? verdict : t;
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", table);
        m.put("chain", chain);
        m.put("action", action());
        m.put("verdict", verdict);
        m.put("rule", plainRule());
        m.put("owner", owner());
        m.put("word", word());
        m.put("origin", origin());
        m.put("source", Origins.text(origin()));
        return m;
    }

    /** "nat DOCKER: DNAT to 172.17.0.2:80" and, below, the rule and the statement that wrote it. */
    String describe(String indent) {
        StringBuilder b = new StringBuilder(indent).append(table).append(' ').append(chain).append(": ").append(action());
        if (!rule.isEmpty()) {
            b.append('\n').append(indent).append("    ").append(plainRule());
        }
        if (owner() != null) {
            b.append('\n').append(indent).append("    written by ").append(word());
            String origin = origin();
            if (origin != null) {
                String text = Origins.text(origin);
                b.append(" at ").append(origin).append(text == null ? "" : ": " + text);
            }
            b.append("  [").append(owner()).append(']');
        }
        return b.toString();
    }
}
