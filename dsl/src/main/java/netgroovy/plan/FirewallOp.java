package netgroovy.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.firewall.Chain;
import netgroovy.firewall.Iptables;
import netgroovy.firewall.Rule;

/**
 * Adds (or removes) a set of firewall rules, and the chains they need, in one
 * iptables-restore batch. Rules already there are left alone and never undone; undo removes
 * exactly the rules (and the chains) this operation added.
 */
public final class FirewallOp implements Op {
    private final Where where;
    private final String what;
    private final List<Chain> chains;
    private final List<Rule> rules;
    private final boolean remove;
    private boolean insert;
    private final List<Rule> changed = new ArrayList<>();
    private final List<Chain> created = new ArrayList<>();
    private Iptables.Saved checked;
    private final Map<Rule, String> removedLines = new LinkedHashMap<>();

    private FirewallOp(Where where, String what, List<Chain> chains, List<Rule> rules, boolean remove) {
        this.where = where;
        this.what = what;
        this.chains = List.copyOf(chains);
        this.rules = List.copyOf(rules);
        this.remove = remove;
    }

    public static FirewallOp add(Where where, String what, List<Chain> chains, List<Rule> rules) {
        return new FirewallOp(where, what, chains, rules, false);
    }

    /**
     * Like {@link #add}, but the rules go first in their chains ({@code -I}), in the order
     * given, as Docker inserts a new network's rules before the older networks'. They go after
     * the unconditional jumps that lead a chain (FORWARD's {@code -j DOCKER-USER} and
     * {@code -j DOCKER-ISOLATION-STAGE-1}, which Docker keeps on top), and a rule whose
     * predecessor in the list is there already goes right after it.
     */
    public static FirewallOp insert(Where where, String what, List<Chain> chains, List<Rule> rules) {
        FirewallOp op = new FirewallOp(where, what, chains, rules, false);
        op.insert = true;
        return op;
    }

    public static FirewallOp remove(Where where, String what, List<Rule> rules) {
        return new FirewallOp(where, what, List.of(), rules, true);
    }

    /**
     * The same operation, each rule's comment also naming the script line that made it, so that
     * {@code trace} can lead from a rule a packet met back to the statement that wrote it.
     */
    public FirewallOp madeAt(String origin) {
        FirewallOp op = new FirewallOp(where, what, chains, rules.stream().map(r -> r.madeAt(origin)).toList(), remove);
        op.insert = insert;
        return remove ? this : op;
    }

    public List<Rule> rules() {
        return rules;
    }

    public String command() {
        List<String> lines = new ArrayList<>();
        if (!remove) {
            chains.forEach(c -> lines.add(where.exec() + c.command()));
        }
        rules.forEach(r -> lines.add(where.exec() + r.command(verb())));
        return String.join("\n", lines);
    }

    public State check(Kernel k) {
        Iptables.Saved saved = k.firewall(where).save();
        checked = saved;
        boolean allThere = rules.stream().allMatch(saved::has);
        boolean noneThere = rules.stream().noneMatch(saved::has);
        return (remove ? noneThere : allThere) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        // The executor checks an operation right before it applies it: the rules check read are
        // the rules now (one iptables-save per operation, not two; with 30 000 rules each is ~0.3 s).
        Iptables.Saved saved = checked != null ? checked : k.firewall(where).save();
        checked = null;
        Map<String, List<String>> batch = new LinkedHashMap<>();
        changed.clear();
        created.clear();
        if (!remove) {
            for (Chain c : chains) {
                if (!saved.hasChain(c.table(), c.name())) {
                    batch.computeIfAbsent(c.table(), t -> new ArrayList<>()).add("-N " + c.name());
                    created.add(c);
                }
            }
        }
        removedLines.clear();
        Map<String, List<String>> chainNow = new LinkedHashMap<>();
        Map<String, Integer> next = new LinkedHashMap<>();
        for (Rule r : rules) {
            String key = r.table() + " " + r.chain();
            List<String> now = chainNow.computeIfAbsent(key, x -> new ArrayList<>(saved.rules(r.table()).stream()
                    .filter(l -> l.startsWith("-A " + r.chain() + " ")).toList()));
            if (insert && saved.has(r)) {
                next.put(key, now.indexOf(saved.line(r).orElseThrow()) + 1);
            }
            if (saved.has(r) == remove) {
                // A rule is removed as it is written now: its comment may name another script line.
                String line;
                if (remove) {
                    line = "-D" + saved.line(r).orElseThrow().substring(2);
                } else if (insert) {
                    int at = next.computeIfAbsent(key, x -> leadingJumps(now));
                    line = "-I " + r.chain() + " " + (at + 1) + r.restoreLine("-A").substring(("-A " + r.chain()).length());
                    now.add(at, r.restoreLine("-A"));
                    next.put(key, at + 1);
                } else {
                    line = r.restoreLine(verb());
                }
                batch.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(line);
                changed.add(r);
                if (remove) {
                    removedLines.put(r, "-A" + line.substring(2));
                }
            }
        }
        k.firewall(where).restore(batch);
    }

    /** How many unconditional jumps to other chains lead a chain (Docker keeps these first). */
    private static int leadingJumps(List<String> chain) {
        int n = 0;
        for (String l : chain) {
            String[] w = l.replaceAll(" -m comment --comment (\"(\\\\.|[^\"])*\"|\\S+)", "").split(" ");
            boolean jump = w.length == 4 && w[2].equals("-j")
                    && !List.of("ACCEPT", "DROP", "RETURN", "REJECT", "MASQUERADE").contains(w[3]);
            if (!jump) {
                break;
            }
            n++;
        }
        return n;
    }

    /** The rules this operation is about to add: those that were not there when it was checked. */
    public List<String> leftovers() {
        if (remove || checked == null) {
            return List.of();
        }
        return rules.stream().filter(r -> !checked.has(r)).map(r -> "rule " + r.comment()).toList();
    }

    @Override
    public boolean isRemoval() {
        return remove;
    }

    private String verb() {
        return remove ? "-D" : insert ? "-I" : "-A";
    }

    public void undo(Kernel k) {
        // Only what is still as this operation left it: another word may have removed some since.
        Iptables.Saved saved = k.firewall(where).save();
        Map<String, List<String>> batch = new LinkedHashMap<>();
        for (int i = changed.size() - 1; i >= 0; i--) {
            Rule r = changed.get(i);
            if (saved.has(r) != remove) {
                batch.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(remove ? removedLines.get(r) : r.restoreLine("-D"));
            }
        }
        for (Chain c : created) {
            boolean stillUsed = saved.rules(c.table()).stream()
                    .anyMatch(l -> (l.startsWith("-A " + c.name() + " ") || l.endsWith("-j " + c.name()))
                            && changed.stream().noneMatch(r -> l.contains("--comment " + Rule.quoted(r.comment()))));
            if (!stillUsed) {
                batch.computeIfAbsent(c.table(), t -> new ArrayList<>()).add("-X " + c.name());
            }
        }
        k.firewall(where).restore(batch);
    }

    public String subject() {
        return what + Ops.in(where);
    }
}
