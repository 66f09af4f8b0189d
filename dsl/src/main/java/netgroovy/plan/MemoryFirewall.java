package netgroovy.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netgroovy.firewall.FirewallException;
import netgroovy.firewall.Iptables;

/**
 * One namespace's iptables in memory, for {@link MemoryKernel}: tables of chains of rule
 * lines, changed only by restore batches as {@code iptables-restore --noflush} takes them
 * ({@code :CHAIN}, {@code -N}, {@code -X}, {@code -F}, {@code -A}, {@code -I}, {@code -D},
 * {@code -P}), all of a batch or nothing. It refuses what the real one refuses where a plan
 * could get it wrong: a rule in or a jump to a chain that does not exist, deleting a rule
 * that is not there, a chain made twice, removing a chain that has rules or is jumped to.
 */
final class MemoryFirewall {
    private static final Map<String, List<String>> BUILT_IN = Map.of(
            "filter", List.of("INPUT", "FORWARD", "OUTPUT"),
            "nat", List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
            "mangle", List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
            "raw", List.of("PREROUTING", "OUTPUT"));
    /** Targets that are not chains (extensions netgroovy or Docker use, and the usual ones). */
    private static final Set<String> TARGETS = Set.of("ACCEPT", "DROP", "RETURN", "QUEUE", "REJECT", "MASQUERADE",
            "DNAT", "SNAT", "LOG", "MARK", "REDIRECT", "CONNMARK", "TCPMSS", "CHECKSUM", "NOTRACK", "CT", "TRACE",
            "NFLOG", "TPROXY", "TEE", "CLASSIFY", "DSCP", "TOS", "TTL", "NETMAP", "SET", "AUDIT");

    /** Table -> chain -> its rules as "-A CHAIN ..." lines; a table appears once something used it. */
    private Map<String, Map<String, Chain>> tables = new LinkedHashMap<>();

    private static final class Chain {
        String policy; // null for a user chain
        final List<String> rules = new ArrayList<>();

        Chain(String policy) {
            this.policy = policy;
        }

        Chain copy() {
            Chain c = new Chain(policy);
            c.rules.addAll(rules);
            return c;
        }
    }

    /** As {@code iptables-save} prints it (without its comment lines and counters' values). */
    String text() {
        return text(false);
    }

    /**
     * {@code changedOnly}: leaves out tables as they were when first used (built-in chains
     * only, empty, accepting), which the kernel loads on first look and never unloads: a
     * statement undone leaves them so, and that is no change of what passes.
     */
    String text(boolean changedOnly) {
        StringBuilder b = new StringBuilder();
        tables.forEach((table, chains) -> {
            if (changedOnly && chains.values().stream().allMatch(c -> "ACCEPT".equals(c.policy) && c.rules.isEmpty())
                    && chains.size() == BUILT_IN.get(table).size()) {
                return;
            }
            b.append('*').append(table).append('\n');
            chains.forEach((name, c) -> b.append(':').append(name).append(' ').append(c.policy == null ? "-" : c.policy).append(" [0:0]\n"));
            chains.values().forEach(c -> c.rules.forEach(r -> b.append(r).append('\n')));
            b.append("COMMIT\n");
        });
        return b.toString();
    }

    Iptables.Saved save() {
        return new Iptables.Saved(text());
    }

    /** Applies a batch to copies, and keeps them only when every line was taken. */
    void restore(Map<String, List<String>> linesByTable) {
        Map<String, Map<String, Chain>> next = new LinkedHashMap<>();
        tables.forEach((t, chains) -> {
            Map<String, Chain> copy = new LinkedHashMap<>();
            chains.forEach((n, c) -> copy.put(n, c.copy()));
            next.put(t, copy);
        });
        for (var e : linesByTable.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            String table = e.getKey();
            if (!BUILT_IN.containsKey(table)) {
                throw refused(table, 0, "", "table '" + table + "' does not exist");
            }
            Map<String, Chain> chains = next.computeIfAbsent(table, MemoryFirewall::fresh);
            int n = 0;
            for (String line : e.getValue()) {
                n++;
                String why = apply(table, chains, line.strip());
                if (why != null) {
                    throw refused(table, n, line, why);
                }
            }
        }
        tables = next;
    }

    private static Map<String, Chain> fresh(String table) {
        Map<String, Chain> chains = new LinkedHashMap<>();
        BUILT_IN.get(table).forEach(c -> chains.put(c, new Chain("ACCEPT")));
        return chains;
    }

    private static FirewallException refused(String table, int n, String line, String why) {
        return new FirewallException("iptables-restore refused the change: " + why + " (table " + table
                + (n > 0 ? ", line " + n + ": " + line.strip() : "") + ")");
    }

    /** One batch line; returns why it is refused, or null. */
    private static String apply(String table, Map<String, Chain> chains, String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        if (line.startsWith(":")) {
            String[] f = line.substring(1).split("\\s+");
            Chain c = chains.get(f[0]);
            String policy = f.length > 1 && !f[1].equals("-") ? f[1] : null;
            if (c == null) {
                chains.put(f[0], new Chain(policy));
            } else if (c.policy == null) {
                c.rules.clear(); // --noflush still flushes a user chain it is told about
            } else if (policy != null) {
                c.policy = policy;
            }
            return null;
        }
        String[] f = line.split("\\s+", 3);
        String op = f[0];
        String chain = f.length > 1 ? f[1] : null;
        String rest = f.length > 2 ? f[2] : "";
        Chain c = chain == null ? null : chains.get(chain);
        switch (op) {
            case "-N" -> {
                if (c != null) {
                    return "chain " + chain + " already exists";
                }
                chains.put(chain, new Chain(null));
            }
            case "-X" -> {
                List<String> gone = chain == null ? chains.entrySet().stream().filter(x -> x.getValue().policy == null).map(Map.Entry::getKey).toList()
                        : List.of(chain);
                for (String g : gone) {
                    Chain x = chains.get(g);
                    if (x == null || x.policy != null) {
                        return "no user chain " + g;
                    }
                    if (!x.rules.isEmpty()) {
                        return "chain " + g + " is not empty";
                    }
                    if (jumpedTo(chains, g)) {
                        return "chain " + g + " is still jumped to";
                    }
                }
                gone.forEach(chains::remove);
            }
            case "-F" -> {
                if (chain == null) {
                    chains.values().forEach(x -> x.rules.clear());
                } else if (c == null) {
                    return "no chain " + chain;
                } else {
                    c.rules.clear();
                }
            }
            case "-P" -> {
                if (c == null || c.policy == null) {
                    return "no built-in chain " + chain;
                }
                c.policy = rest.strip();
            }
            case "-A", "-I" -> {
                if (c == null) {
                    return "no chain " + chain;
                }
                String target = target(rest);
                if (target != null && !TARGETS.contains(target) && !chains.containsKey(target)) {
                    return "no chain or target " + target;
                }
                if (op.equals("-A")) {
                    c.rules.add(rule(chain, rest));
                } else {
                    String[] pos = rest.split("\\s+", 2);
                    int at = 1;
                    if (pos[0].matches("\\d+")) {
                        at = Integer.parseInt(pos[0]);
                        rest = pos.length > 1 ? pos[1] : "";
                    }
                    if (at < 1 || at > c.rules.size() + 1) {
                        return "index of insertion too big";
                    }
                    c.rules.add(at - 1, rule(chain, rest));
                }
            }
            case "-D" -> {
                if (c == null) {
                    return "no chain " + chain;
                }
                if (rest.strip().matches("\\d+")) {
                    int at = Integer.parseInt(rest.strip());
                    if (at < 1 || at > c.rules.size()) {
                        return "index of deletion too big";
                    }
                    c.rules.remove(at - 1);
                } else if (!c.rules.remove(rule(chain, rest))) {
                    return "bad rule (does a matching rule exist in that chain?)";
                }
            }
            default -> {
                return "unknown command " + op;
            }
        }
        return null;
    }

    private static String rule(String chain, String spec) {
        return ("-A " + chain + " " + spec.strip()).replaceAll("\\s+", " ");
    }

    private static String target(String spec) {
        String[] f = spec.split("\\s+");
        for (int i = 0; i < f.length - 1; i++) {
            if (f[i].equals("-j") || f[i].equals("-g") || f[i].equals("--jump") || f[i].equals("--goto")) {
                return f[i + 1];
            }
        }
        return null;
    }

    private static boolean jumpedTo(Map<String, Chain> chains, String chain) {
        return chains.values().stream().flatMap(c -> c.rules.stream()).anyMatch(r -> chain.equals(target(r)));
    }
}
