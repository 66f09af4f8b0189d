package netgroovy.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.firewall.Chain;
import netgroovy.firewall.Rule;
import netgroovy.firewall.Ruleset;

/**
 * Adds (or removes) a set of firewall rules, and the chains they need, in one
 * iptables-restore batch. Rules already there are left alone and never undone; undo removes
 * exactly the rules (and the chains) this operation added. Whether a rule is there comes from
 * what netgroovy knows of the rules ({@link Kernel#rules}), so a statement costs the same with
 * 30 000 rules present as with none; rules are removed by their place in the chain.
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
    /** Whether {@link #check} just looked, and which rules it found missing. */
    private boolean checked;
    private final List<Rule> missing = new ArrayList<>();
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
        // From what is known of the rules (Ruleset), not by reading them all back: with 30 000
        // rules, iptables-save alone takes a third of a second.
        Ruleset now = k.rules(where).fresh();
        missing.clear();
        rules.stream().filter(r -> !now.has(r)).forEach(missing::add);
        checked = true;
        boolean allThere = missing.isEmpty();
        boolean noneThere = missing.size() == rules.size();
        return (remove ? noneThere : allThere) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        // The executor checks an operation right before it applies it: what check found is still so.
        Ruleset now = checked ? k.rules(where) : k.rules(where).fresh();
        checked = false;
        Map<String, List<String>> batch = new LinkedHashMap<>();
        changed.clear();
        created.clear();
        if (!remove) {
            for (Chain c : chains) {
                if (!now.hasChain(c.table(), c.name())) {
                    batch.computeIfAbsent(c.table(), t -> new ArrayList<>()).add("-N " + c.name());
                    created.add(c);
                }
            }
        }
        removedLines.clear();
        Map<String, List<String>> doomed = new LinkedHashMap<>();
        Map<String, List<String>> chainNow = new LinkedHashMap<>();
        Map<String, Integer> next = new LinkedHashMap<>();
        for (Rule r : rules) {
            String key = r.table() + " " + r.chain();
            java.util.Optional<String> there = now.line(r);
            if (insert && there.isPresent()) {
                List<String> chain = chainNow.computeIfAbsent(key, x -> new ArrayList<>(now.rules(r.table(), r.chain())));
                next.put(key, chain.indexOf(there.get()) + 1);
            }
            if (there.isPresent() == remove) {
                changed.add(r);
                if (remove) {
                    // A rule is removed as it is written now: its comment may name another script line.
                    doomed.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(there.get());
                    removedLines.put(r, there.get());
                    continue;
                }
                String line;
                if (insert) {
                    List<String> chain = chainNow.computeIfAbsent(key, x -> new ArrayList<>(now.rules(r.table(), r.chain())));
                    int at = next.computeIfAbsent(key, x -> leadingJumps(chain));
                    line = "-I " + r.chain() + " " + (at + 1) + r.restoreLine("-A").substring(("-A " + r.chain()).length());
                    chain.add(at, r.restoreLine("-A"));
                    next.put(key, at + 1);
                } else {
                    line = r.restoreLine("-A");
                }
                batch.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(line);
            }
        }
        doomed.forEach((table, lines) -> batch.computeIfAbsent(table, t -> new ArrayList<>()).addAll(now.deletions(table, lines)));
        now.write(batch);
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
        if (remove || !checked) {
            return List.of();
        }
        return missing.stream().map(r -> "rule " + r.comment()).toList();
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
        Ruleset now = k.rules(where).fresh();
        Map<String, List<String>> batch = new LinkedHashMap<>();
        Map<String, List<String>> doomed = new LinkedHashMap<>();
        for (int i = changed.size() - 1; i >= 0; i--) {
            Rule r = changed.get(i);
            if (remove && !now.has(r)) {
                batch.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(removedLines.get(r));
            } else if (!remove) {
                now.line(r).ifPresent(l -> doomed.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(l));
            }
        }
        doomed.forEach((table, lines) -> batch.computeIfAbsent(table, t -> new ArrayList<>()).addAll(now.deletions(table, lines)));
        for (Chain c : created) {
            java.util.Set<String> going = new java.util.HashSet<>(doomed.getOrDefault(c.table(), List.of()));
            boolean stillUsed = now.rules(c.table()).stream()
                    .anyMatch(l -> (l.startsWith("-A " + c.name() + " ") || l.endsWith("-j " + c.name())) && !going.contains(l));
            if (!stillUsed) {
                batch.computeIfAbsent(c.table(), t -> new ArrayList<>()).add("-X " + c.name());
            }
        }
        now.write(batch);
    }

    public String subject() {
        return what + Ops.in(where);
    }
}
