package netgroovy.firewall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.NfExpr;
import netgroovy.kernel.NfRules;

/**
 * What netgroovy knows of one namespace's iptables rules: read once with {@code iptables-save},
 * then kept in step with every batch netgroovy writes through it. So a statement asks "is
 * this rule there, where is it, which rules has this owner" in time that depends on the
 * rules it asks about, not on the 30 000 others; reading them back costs a third of a second.
 *
 * <p>Before it answers, {@link #fresh} asks the kernel's nf_tables generation (one netlink
 * round trip): when anything else changed the tables since netgroovy last read or wrote them
 * (iptables by hand, another process), it reads them again. Where the generation cannot be
 * asked (iptables-legacy, or a namespace other than the host's) it reads them every time, as
 * netgroovy always did.
 *
 * <p>Rules are kept per table and chain as {@code -A CHAIN ...} lines, in chain order, and found
 * by their owner: the comment without the script line that made it ({@link Rule#owner()}).
 */
public final class Ruleset {
    /** Fewer deletions than this in a chain are always made one by one (the chain's other rules keep their counters). */
    private static final int REWRITE_FROM = 100;
    private static final int ENOENT = 2, ENOBUFS = 105;
    private static final Pattern COMMENT = Pattern.compile(" --comment (\"((?:\\\\.|[^\"\\\\])*)\"|(\\S+))");
    private final Tables where;
    private final LongSupplier generation;
    private Map<String, Table> tables; // null: to be read
    private long known = -1;
    private boolean trustGeneration;
    private long reads;
    private long appends;

    /**
     * @param where the namespace's tables (through the kernel port: the live ones, or a model's)
     * @param generation the namespace's nf_tables generation, or -1 when it cannot be asked
     */
    public Ruleset(Tables where, LongSupplier generation) {
        this.where = where;
        this.generation = generation;
    }

    /** One table's chains and rules. */
    private static final class Table {
        /** Chain name -> its line in iptables-save (":DOCKER - [0:0]"), in order. */
        final Map<String, String> chains = new LinkedHashMap<>();
        final Map<String, List<String>> rules = new HashMap<>();
        /** Owner -> the lines with a comment of that owner (one, unless someone copied a rule). */
        final TreeMap<String, List<String>> byOwner = new TreeMap<>();

        List<String> chain(String name) {
            return rules.computeIfAbsent(name, x -> new ArrayList<>());
        }

        void indexed(String line, boolean add) {
            String owner = ownerOf(line);
            if (owner == null) {
                return;
            }
            if (add) {
                byOwner.computeIfAbsent(owner, x -> new ArrayList<>(1)).add(line);
            } else {
                List<String> lines = byOwner.get(owner);
                if (lines != null && lines.remove(line) && lines.isEmpty()) {
                    byOwner.remove(owner);
                }
            }
        }
    }

    /**
     * Makes sure what follows is answered from the rules as they are now: reads them when they
     * were never read, or when the generation says someone else changed them. Returns this.
     */
    public Ruleset fresh() {
        if (tables != null && trustGeneration) {
            long g = generation.getAsLong();
            if (g >= 0 && g == known) {
                return this;
            }
        }
        read();
        return this;
    }

    /** How many times the rules were read with iptables-save (tests: a statement must not read them). */
    public long reads() {
        return reads;
    }

    /** How many batches went straight to nf_tables through netlink, without iptables-restore (tests: publish must). */
    public long appends() {
        return appends;
    }

    private void read() {
        // The generation first: a change made between the two reads makes the next look read again, never miss it.
        long g = generation.getAsLong();
        Iptables.Saved saved = where.save();
        reads++;
        Map<String, Table> read = new LinkedHashMap<>();
        String table = null;
        for (String line : saved.text().split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1).trim();
                read.put(table, new Table());
            } else if (table != null && line.startsWith(":")) {
                read.get(table).chains.put(line.substring(1).split(" ")[0], line);
            } else if (table != null && line.startsWith("-A ")) {
                Table t = read.get(table);
                t.chain(chainOf(line)).add(line);
                t.indexed(line, true);
            }
        }
        tables = read;
        known = g;
        // iptables-legacy's tables are not nf_tables: the generation does not follow them.
        trustGeneration = g >= 0 && !saved.text().lines().findFirst().orElse("").contains("(legacy)");
    }

    private Table table(String name) {
        if (tables == null) {
            read();
        }
        return tables.computeIfAbsent(name, x -> new Table());
    }

    public boolean hasChain(String table, String chain) {
        return table(table).chains.containsKey(chain);
    }

    /** The {@code -A CHAIN ...} lines of one chain, in order. */
    public List<String> rules(String table, String chain) {
        return List.copyOf(table(table).rules.getOrDefault(chain, List.of()));
    }

    /** Every {@code -A} line of a table (for the rare question about all of them, such as who jumps to a chain). */
    public List<String> rules(String table) {
        List<String> all = new ArrayList<>();
        Table t = table(table);
        t.chains.keySet().forEach(c -> all.addAll(t.rules.getOrDefault(c, List.of())));
        return all;
    }

    /** Whether a rule with this chain and owner is there (the script line that made it does not matter). */
    public boolean has(Rule r) {
        return line(r).isPresent();
    }

    /** The line of a rule with this chain and owner, as it is written now (whichever script line made it). */
    public Optional<String> line(Rule r) {
        List<String> lines = table(r.table()).byOwner.get(r.owner());
        if (lines == null) {
            return Optional.empty();
        }
        String head = "-A " + r.chain() + " ";
        return lines.stream().filter(l -> l.startsWith(head)).findFirst();
    }

    /**
     * The lines of a table whose comment starts with {@code prefix} and matches {@code mark} from
     * its start, in chain order. Only the owners under the prefix are looked at.
     */
    public List<String> owned(String table, String prefix, Pattern mark) {
        Table t = table(table);
        List<String> found = new ArrayList<>();
        for (var e : t.byOwner.subMap(prefix, true, prefix + Character.MAX_VALUE, false).entrySet()) {
            for (String line : e.getValue()) {
                if (mark.matcher(commentOf(line)).lookingAt()) {
                    found.add(line);
                }
            }
        }
        return found;
    }

    /**
     * The batch lines that delete these lines of a table. By their place ({@code -D CHAIN 7}),
     * last first so that each number is still right when its turn comes: iptables-nft finds a
     * rule given by its place without comparing it with every rule before it; given by its
     * text ({@code -D CHAIN -s ...}) it does, which made deleting thousands quadratic (30 000
     * took more than a minute). When more of a chain goes than stays, the chain is rewritten
     * instead: {@code -F CHAIN} and the rules that stay, again, in the same transaction (so no
     * packet ever meets it half-done); adding a rule costs iptables a sixth of deleting one.
     */
    public List<String> deletions(String table, Collection<String> lines) {
        Map<String, Map<String, Integer>> wanted = new LinkedHashMap<>(); // chain -> line -> how many
        for (String l : lines) {
            wanted.computeIfAbsent(chainOf(l), c -> new HashMap<>()).merge(l, 1, Integer::sum);
        }
        List<String> out = new ArrayList<>();
        Table t = table(table);
        wanted.forEach((chain, lineCounts) -> {
            List<String> now = t.rules.getOrDefault(chain, List.of());
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < now.size(); i++) {
                Integer n = lineCounts.get(now.get(i));
                if (n != null && n > 0) {
                    lineCounts.put(now.get(i), n - 1);
                    at.add(i + 1);
                }
            }
            if (at.size() > REWRITE_FROM && at.size() > now.size() - at.size()) {
                out.add("-F " + chain);
                java.util.Set<Integer> going = new java.util.HashSet<>(at);
                for (int i = 0; i < now.size(); i++) {
                    if (!going.contains(i + 1)) {
                        out.add(now.get(i));
                    }
                }
                return;
            }
            for (int i = at.size() - 1; i >= 0; i--) {
                out.add("-D " + chain + " " + at.get(i));
            }
        });
        return out;
    }

    /**
     * Writes a batch with one {@code iptables-restore --noflush} ({@link Iptables#restore}), or
     * through nf_tables netlink when it only appends rules {@link NftEncoding} understands
     * ({@link #appended}), and, when it took, changes what is known the same way. Lines understood: {@code -N C},
     * {@code -X C}, {@code -F C}, {@code -A C ...}, {@code -I C N ...}, {@code -D C N}; anything else makes
     * the next question read the rules again.
     */
    public void write(Map<String, List<String>> batch) {
        if (batch.values().stream().allMatch(List::isEmpty)) {
            return;
        }
        if (tables == null) {
            read();
        }
        long before = known;
        boolean appended;
        try {
            appended = appended(batch);
            if (!appended) {
                // Both tables or neither: when the second is refused, the first is put back as known here.
                where.restore(batch, this::asSaved);
            }
        } catch (RuntimeException e) {
            tables = null;
            throw e;
        }
        boolean understood = true;
        for (var e : batch.entrySet()) {
            Table t = table(e.getKey());
            for (String line : e.getValue()) {
                understood &= follow(t, line);
            }
        }
        long g = generation.getAsLong();
        // Each table's COMMIT is one nf_tables transaction, and so is an append through netlink,
        // whatever its tables: any other step means someone else wrote too.
        long steps = appended ? 1 : batch.values().stream().filter(l -> !l.isEmpty()).count();
        if (!understood || g < 0 || before < 0 || g != ((before + steps) & 0xffffffffL)) {
            tables = null;
        }
        known = g;
    }

    /**
     * Writes the batch the fast way when it can: nothing but {@code -A} lines that
     * {@link NftEncoding} fully understands, into chains (and jumps to chains) known to be there,
     * on nf_tables (whose generation is followed: not iptables-legacy). Then every rule goes in
     * one nf_tables transaction through netlink, without an iptables-restore process, which
     * would read every rule of the table first. Returns false, having done nothing, otherwise.
     */
    private boolean appended(Map<String, List<String>> batch) {
        if (!trustGeneration) {
            return false;
        }
        List<NfRules.Rule> rules = new ArrayList<>();
        for (var e : batch.entrySet()) {
            Table t = tables.get(e.getKey());
            for (String line : e.getValue()) {
                NfRules.Rule r = t == null ? null : NftEncoding.encode(e.getKey(), line, (table, chain) -> table.equals(e.getKey()) && there(t, chain));
                if (r == null) {
                    return false;
                }
                rules.add(r);
            }
        }
        try {
            boolean done = where.append(rules);
            appends += done ? 1 : 0;
            return done;
        } catch (KernelException e) {
            // The kernel's transaction: a refusal leaves everything as it was. Only lost answers leave it unknown.
            throw new FirewallException(e.getMessage() + (e.errno() == ENOENT ? missing(rules, e.getMessage()) : "")
                    + (e.errno() == ENOBUFS || e.errno() == 0 ? "; whether the change was made is unknown, the rules will be read again"
                            : "; the kernel refused the change, nothing of it was made"));
        }
    }

    /** What iptables would say of the refused rule's ENOENT: which chain is not there. */
    private static String missing(List<NfRules.Rule> rules, String refusal) {
        for (NfRules.Rule r : rules) {
            if (refusal.startsWith("cannot " + r.what() + ":")) {
                String jump = r.expressions().stream().filter(x -> x instanceof NfExpr.Verdict v && v.chain() != null)
                        .map(x -> " or " + ((NfExpr.Verdict) x).chain()).findFirst().orElse("");
                return " (chain " + r.chain() + jump + " does not exist in table " + r.table() + ")";
            }
        }
        return " (a chain or table it names does not exist)";
    }

    /**
     * Whether a chain is surely in the kernel: a user chain iptables-save listed (or netgroovy
     * made), or any chain with a rule in it. Not a built-in chain merely listed: iptables-save
     * lists a table's built-in chains whether or not they are there (iptables-nft makes them on
     * first use), and it lists none of a table not made yet, whose chains netgroovy's batches
     * then make.
     */
    private static boolean there(Table t, String chain) {
        String line = t.chains.get(chain);
        return line != null && line.startsWith(":" + chain + " - ") || !t.rules.getOrDefault(chain, List.of()).isEmpty();
    }

    private static boolean follow(Table t, String line) {
        String[] w = line.split(" ", 4);
        if (w.length < 2) {
            return false;
        }
        String chain = w[1];
        switch (w[0]) {
            case "-N" -> {
                t.chains.putIfAbsent(chain, ":" + chain + " - [0:0]");
                t.chain(chain);
                return true;
            }
            case "-F" -> {
                List<String> rules = t.rules.get(chain);
                if (rules != null) {
                    rules.forEach(l -> t.indexed(l, false));
                    rules.clear();
                }
                return w.length == 2;
            }
            case "-X" -> {
                t.chains.remove(chain);
                t.rules.remove(chain);
                return true;
            }
            case "-A" -> {
                t.chain(chain).add(line);
                t.indexed(line, true);
                return true;
            }
            case "-I", "-D" -> {
                if (w.length < 3 || !w[2].matches("\\d+")) {
                    return false;
                }
                List<String> rules = t.chain(chain);
                int at = Integer.parseInt(w[2]) - 1;
                if (w[0].equals("-D")) {
                    if (w.length > 3 || at >= rules.size()) {
                        return false;
                    }
                    t.indexed(rules.remove(at), false);
                } else {
                    if (w.length < 4 || at > rules.size()) {
                        return false;
                    }
                    String added = "-A " + chain + " " + w[3];
                    rules.add(at, added);
                    t.indexed(added, true);
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** These tables as known here, as input for a plain {@code iptables-restore} (which replaces just them). */
    private static final java.util.Set<String> BUILT_IN = java.util.Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");

    private String asSaved(List<String> wanted) {
        StringBuilder b = new StringBuilder();
        for (String name : wanted) {
            Table t = table(name);
            b.append('*').append(name).append('\n');
            // A table made after the rules were read lists no chains, not even its built-in ones,
            // though netgroovy's own lines put rules into them: those chains are written too (a
            // built-in one with the policy a new table has), or putting the table back drops them.
            Map<String, String> chains = new LinkedHashMap<>(t.chains);
            t.rules.forEach((c, lines) -> {
                if (!lines.isEmpty()) {
                    chains.putIfAbsent(c, ":" + c + (BUILT_IN.contains(c) ? " ACCEPT" : " -") + " [0:0]");
                }
            });
            chains.values().forEach(c -> b.append(c).append('\n'));
            chains.keySet().forEach(c -> t.rules.getOrDefault(c, List.of()).forEach(l -> b.append(l).append('\n')));
            b.append("COMMIT\n");
        }
        return b.toString();
    }

    static String chainOf(String line) {
        int end = line.indexOf(' ', 3);
        return end < 0 ? line.substring(3) : line.substring(3, end);
    }

    /** The comment of a rule line, as written (unquoted); "" when it has none. */
    static String commentOf(String line) {
        Matcher m = COMMENT.matcher(line);
        if (!m.find()) {
            return "";
        }
        return m.group(2) != null ? m.group(2).replace("\\\"", "\"") : m.group(3);
    }

    private static String ownerOf(String line) {
        String c = commentOf(line);
        return c.isEmpty() ? null : Rule.ownerOf(c);
    }
}
