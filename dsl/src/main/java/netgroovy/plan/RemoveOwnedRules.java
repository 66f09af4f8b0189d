package netgroovy.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.firewall.Iptables;

/**
 * Removes every rule whose comment starts with an owner's mark ("netgroovy publish c1 "),
 * as iptables-save shows them now: exactly that owner's rules, whatever they were.
 */
public final class RemoveOwnedRules implements Op {
    @Override
    public boolean isRemoval() {
        return true;
    }

    private final Where where;
    private final String owner;
    private final java.util.regex.Pattern mark;
    private final Map<String, List<String>> removed = new LinkedHashMap<>();

    public RemoveOwnedRules(Where where, String owner) {
        this(where, java.util.regex.Pattern.quote(owner), true);
    }

    /** {@code ownerPattern}: a regular expression the comment must start with. */
    public RemoveOwnedRules(Where where, String ownerPattern, boolean regex) {
        this.where = where;
        this.owner = ownerPattern.replace("\\Q", "").replace("\\E", "");
        this.mark = java.util.regex.Pattern.compile("--comment \"" + ownerPattern);
    }

    public String command() {
        return where.exec() + "iptables-save | grep -- '--comment \"" + owner + "' | sed 's/^-A/-D/' | iptables-restore --noflush";
    }

    public State check(Kernel k) {
        return owned(k.firewall(where).save()).values().stream().allMatch(List::isEmpty) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        removed.clear();
        removed.putAll(owned(k.firewall(where).save()));
        Map<String, List<String>> batch = new LinkedHashMap<>();
        removed.forEach((table, lines) -> batch.put(table, lines.stream().map(l -> "-D" + l.substring(2)).toList()));
        k.firewall(where).restore(batch);
    }

    public void undo(Kernel k) {
        k.firewall(where).restore(removed);
    }

    public String subject() {
        return "rules of " + owner.replace("netgroovy ", "") + Ops.in(where);
    }

    private Map<String, List<String>> owned(Iptables.Saved saved) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String table : List.of("nat", "filter")) {
            List<String> lines = new ArrayList<>();
            for (String l : saved.rules(table)) {
                if (mark.matcher(l).find()) {
                    lines.add(l);
                }
            }
            out.put(table, lines);
        }
        return out;
    }
}
