package netgroovy.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import netgroovy.firewall.Ruleset;

/**
 * Removes every rule whose comment starts with an owner's mark ("netgroovy publish c1 "),
 * as they are written now: exactly that owner's rules, whatever they were. They are found in
 * what netgroovy knows of the rules ({@link Kernel#rules}), among the owners that start with
 * the mark's literal beginning only, and removed by their place in the chain, so removing a
 * container's rules costs the same whatever else is there.
 */
public final class RemoveOwnedRules implements Op {
    private static final List<String> TABLES = List.of("nat", "filter");

    @Override
    public boolean isRemoval() {
        return true;
    }

    private final Where where;
    private final String owner;
    private final Pattern mark;
    /** The mark's literal beginning: only owners starting with it are looked at. */
    private final String prefix;
    private final Map<String, List<String>> removed = new LinkedHashMap<>();

    public RemoveOwnedRules(Where where, String owner) {
        this(where, Pattern.quote(owner), true);
    }

    /** {@code ownerPattern}: a regular expression the comment must start with. */
    public RemoveOwnedRules(Where where, String ownerPattern, boolean regex) {
        this.where = where;
        this.owner = ownerPattern.replace("\\Q", "").replace("\\E", "");
        this.mark = Pattern.compile(ownerPattern);
        this.prefix = literalStart(ownerPattern);
    }

    public String command() {
        return where.exec() + "iptables-save | grep -- '--comment \"" + owner + "' | sed 's/^-A/-D/' | iptables-restore --noflush";
    }

    public State check(Kernel k) {
        return owned(k.rules(where).fresh()).values().stream().allMatch(List::isEmpty) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        Ruleset now = k.rules(where).fresh();
        removed.clear();
        removed.putAll(owned(now));
        Map<String, List<String>> batch = new LinkedHashMap<>();
        removed.forEach((table, lines) -> batch.put(table, now.deletions(table, lines)));
        now.write(batch);
    }

    public void undo(Kernel k) {
        k.rules(where).fresh().write(removed);
    }

    public String subject() {
        return "rules of " + owner.replace("netgroovy ", "") + Ops.in(where);
    }

    private Map<String, List<String>> owned(Ruleset rules) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String table : TABLES) {
            out.put(table, rules.owned(table, prefix, mark));
        }
        return out;
    }

    /** "\Qnetgroovy publish c1 \E" -> "netgroovy publish c1 "; "netgroovy link (\S+)->..." -> "netgroovy link ". */
    static String literalStart(String regex) {
        if (regex.startsWith("\\Q")) {
            int end = regex.indexOf("\\E");
            return end < 0 ? regex.substring(2) : regex.substring(2, end);
        }
        StringBuilder b = new StringBuilder();
        for (char c : regex.toCharArray()) {
            if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                break;
            }
            b.append(c);
        }
        // A quantifier applies to the character before it, which is then not certain.
        return b.length() < regex.length() && "?*{".indexOf(regex.charAt(b.length())) >= 0 && b.length() > 0
                ? b.substring(0, b.length() - 1) : b.toString();
    }
}
