package netgroovy.firewall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.kernel.Exec;
import netgroovy.kernel.ExecResult;
import netgroovy.kernel.NetNs;

/**
 * The iptables backend. Reads a namespace's rules with one {@code iptables-save}, and writes
 * any number of changes with one {@code iptables-restore --noflush}: atomic per table, and
 * one process whatever the number of rules. Nothing is flushed, so rules netgroovy did not
 * write stay exactly as they were.
 */
public final class Iptables {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Iptables() {
    }

    /** The current rules, as {@code iptables-save} prints them. */
    public static Saved save(NetNs ns) {
        ExecResult r = run(ns, List.of("iptables-save"), null);
        if (!r.ok()) {
            throw new FirewallException("iptables-save failed: " + r.stderr().strip());
        }
        return new Saved(r.stdout());
    }

    /**
     * Applies a batch: lines like {@code -N DOCKER}, {@code -A DOCKER ...}, {@code -D ...}, grouped
     * by table. Either all of a table's lines take effect or none (iptables-restore commits
     * each table at once).
     */
    public static void restore(NetNs ns, Map<String, List<String>> linesByTable) {
        // Read before the batch, not after: what was written before a refusal is already in the tables.
        Saved before = linesByTable.values().stream().filter(l -> !l.isEmpty()).count() > 1 ? save(ns) : null;
        restore(ns, linesByTable, before == null ? null : before::tables);
    }

    /**
     * As above; {@code before} gives the tables as they were before the batch (as input for a
     * plain iptables-restore). It is asked only when a batch of several tables is refused, to
     * put back the ones already changed, so it costs nothing when all goes well.
     */
    public static void restore(NetNs ns, Map<String, List<String>> linesByTable,
                               java.util.function.Function<List<String>, String> before) {
        StringBuilder in = new StringBuilder();
        List<String> tables = new ArrayList<>();
        linesByTable.forEach((table, lines) -> {
            if (!lines.isEmpty()) {
                tables.add(table);
                in.append('*').append(table).append('\n');
                lines.forEach(l -> in.append(l).append('\n'));
                in.append("COMMIT\n");
            }
        });
        if (in.length() == 0) {
            return;
        }
        // iptables-restore commits table by table: when a later table is refused, the earlier
        // ones are already changed. So a change to several tables puts them back as they were
        // when it is refused: both tables change, or neither.
        ExecResult r = run(ns, List.of("iptables-restore", "--noflush"), in.toString());
        if (!r.ok()) {
            String why = r.timedOut()
                    ? "iptables-restore did not finish within " + TIMEOUT.toSeconds() + " s (" + in.toString().lines().count()
                            + " lines) and was stopped"
                    : "iptables-restore refused the change: " + r.stderr().strip();
            if (tables.size() > 1 && before != null) {
                ExecResult back = run(ns, List.of("iptables-restore"), before.apply(tables));
                if (!back.ok()) {
                    why += "; and putting the tables " + tables + " back as they were failed too: " + back.stderr().strip();
                }
            }
            throw new FirewallException(why);
        }
    }

    private static ExecResult run(NetNs ns, List<String> argv, String input) {
        try {
            return Exec.run(ns, argv, input, TIMEOUT);
        } catch (RuntimeException e) {
            throw new FirewallException("cannot run " + argv.get(0) + " (is iptables installed? Debian: apt-get install iptables): "
                    + e.getMessage());
        }
    }

    /** What iptables-save printed, split by table. */
    public static final class Saved {
        private final Map<String, List<String>> rules = new LinkedHashMap<>();
        private final Map<String, List<String>> chains = new LinkedHashMap<>();
        private final String text;

        public Saved(String text) {
            this.text = text;
            String table = null;
            for (String line : text.split("\n")) {
                if (line.startsWith("*")) {
                    table = line.substring(1).trim();
                    rules.put(table, new ArrayList<>());
                    chains.put(table, new ArrayList<>());
                } else if (table != null && line.startsWith(":")) {
                    chains.get(table).add(line.substring(1).split(" ")[0]);
                } else if (table != null && line.startsWith("-A ")) {
                    rules.get(table).add(line);
                }
            }
        }

        public boolean hasChain(String table, String chain) {
            return chains.getOrDefault(table, List.of()).contains(chain);
        }

        /** The {@code -A ...} lines of a table. */
        public List<String> rules(String table) {
            return rules.getOrDefault(table, List.of());
        }

        /**
         * Whether a rule with this chain and owner is there (owners are unique per rule; the
         * script line that made it, after {@link Rule#ORIGIN}, does not matter).
         */
        public boolean has(Rule r) {
            return line(r).isPresent();
        }

        /** The line of a rule with this chain and owner, as it is written now (whichever line of a script wrote it). */
        public java.util.Optional<String> line(Rule r) {
            String owner = r.owner();
            String exact = "--comment " + Rule.quoted(owner);
            String made = "--comment \"" + owner.replace("\"", "\\\"") + Rule.ORIGIN;
            return rules(r.table()).stream().filter(l -> l.startsWith("-A " + r.chain() + " ")
                    && (l.contains(exact + " ") || l.endsWith(exact) || l.contains(made))).findFirst();
        }

        public String text() {
            return text;
        }

        /** These tables exactly as they were, as input for a plain {@code iptables-restore}, which replaces only them. */
        public String tables(List<String> wanted) {
            StringBuilder b = new StringBuilder();
            boolean keep = false;
            for (String line : text.split("\n")) {
                if (line.startsWith("*")) {
                    keep = wanted.contains(line.substring(1).trim());
                }
                if (keep && !line.startsWith("#")) {
                    b.append(line).append('\n');
                }
                if (line.equals("COMMIT")) {
                    keep = false;
                }
            }
            for (String table : wanted) {
                if (!rules.containsKey(table)) {
                    b.append('*').append(table).append("\nCOMMIT\n"); // it was empty: empty again
                }
            }
            return b.toString();
        }
    }
}
