package netgroovy.firewall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
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
 * Beside each line, where known, the rule's nf_tables handle: what deleting it through netlink
 * needs ({@link #netlinked}).
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
    private long netlinked;
    /** The handles the kernel gave the rules a batch appended through netlink, for {@link #follow} to take in order. */
    private final java.util.ArrayDeque<Long> echoed = new java.util.ArrayDeque<>();

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
        /**
         * Chain name -> the nf_tables handle of each of its rules, by place (null: not known), as
         * long as the chain's rules; no entry: none known. iptables-save gives none: they come
         * from the kernel's echo of each rule appended through netlink, or from a dump of the chain.
         */
        final Map<String, List<Long>> handles = new HashMap<>();

        List<String> chain(String name) {
            return rules.computeIfAbsent(name, x -> new ArrayList<>());
        }

        /** A chain's handles, made (none known) when there were none. */
        List<Long> handles(String name) {
            return handles.computeIfAbsent(name, x -> new ArrayList<>(java.util.Collections.nCopies(chain(name).size(), null)));
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

    /** How many batches went straight to nf_tables through netlink, without iptables-restore (tests: publish and unpublish must). */
    public long netlinked() {
        return netlinked;
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

    /** A built-in chain's policy ({@code ACCEPT} when its table was never made: the kernel's default). */
    public String policy(String table, String chain) {
        String line = table(table).chains.get(chain);
        String[] w = line == null ? new String[0] : line.split(" ");
        return w.length > 1 && !w[1].equals("-") ? w[1] : "ACCEPT";
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
     * {@code -X C}, {@code -F C}, {@code -P C POLICY}, {@code -A C ...}, {@code -I C N ...}, {@code -D C N}; anything else makes
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
        boolean netlink;
        echoed.clear();
        try {
            netlink = netlinked(batch);
            if (!netlink) {
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
                understood &= follow(t, line, line.startsWith("-A ") ? echoed.poll() : null);
            }
        }
        long g = generation.getAsLong();
        // Each table's COMMIT is one nf_tables transaction, and so is a batch through netlink,
        // whatever its tables: any other step means someone else wrote too.
        long steps = netlink ? 1 : batch.values().stream().filter(l -> !l.isEmpty()).count();
        if (!understood || g < 0 || before < 0 || g != ((before + steps) & 0xffffffffL)) {
            tables = null;
        }
        known = g;
    }

    /**
     * Writes the batch the fast way when it can: nothing but {@code -A} lines that
     * {@link NftEncoding} fully understands, into chains (and jumps to chains) known to be there,
     * {@code -D CHAIN N} of a rule it understands, and {@code -F CHAIN}, on nf_tables (whose
     * generation is followed: not iptables-legacy). Then every change goes in one nf_tables
     * transaction through netlink, without an iptables-restore process, which would read every
     * rule of the table first (a quarter of a second with 30 000 rules). Returns false, having
     * done nothing, otherwise.
     *
     * <p>A rule is deleted by its handle. The handles of the rules appended this way come back
     * with the kernel's echo of each (some microseconds a rule) and are kept beside the rules;
     * they are used only while the generation is still the one netgroovy's own last read or
     * write left, so that the rule at place N is the rule known there. A chain with a rule to
     * delete whose handle is not known (read by iptables-save, or written by iptables-restore)
     * is dumped, once, and each doomed rule checked against what the encoder makes of its line;
     * that dump costs some 7 ms per 1000 rules of the chain (70 ms for Docker's chain of 10 000
     * rules), which is why handles are remembered rather than looked up at each deletion.
     */
    private boolean netlinked(Map<String, List<String>> batch) {
        if (!trustGeneration) {
            return false;
        }
        List<Object> steps = new ArrayList<>(); // NfRules.Change, or Doomed (its handle to be found)
        List<Doomed> doomed = new ArrayList<>();
        for (var e : batch.entrySet()) {
            String table = e.getKey();
            Table t = tables.get(table);
            if (t == null) {
                return false;
            }
            BiPredicate<String, String> there = (tb, chain) -> tb.equals(table) && there(t, chain);
            // Each touched chain as the batch leaves it so far: the place each rule had before it (-1: new).
            Map<String, List<Integer>> now = new HashMap<>();
            java.util.function.Function<String, List<Integer>> chainNow = c -> now.computeIfAbsent(c, x -> {
                List<Integer> at = new ArrayList<>();
                for (int i = 0; i < t.rules.getOrDefault(c, List.of()).size(); i++) {
                    at.add(i);
                }
                return at;
            });
            for (String line : e.getValue()) {
                String[] w = line.split(" ");
                if (w[0].equals("-A")) {
                    NfRules.Rule r = NftEncoding.encode(table, line, there);
                    if (r == null) {
                        return false;
                    }
                    steps.add(r);
                    chainNow.apply(w[1]).add(-1);
                } else if (w[0].equals("-D") && w.length == 3 && w[2].matches("\\d{1,9}")) {
                    List<Integer> c = chainNow.apply(w[1]);
                    int place = Integer.parseInt(w[2]) - 1;
                    if (place < 0 || place >= c.size() || c.get(place) < 0) {
                        return false; // iptables-restore says what is wrong
                    }
                    int at = c.remove(place);
                    String doomedLine = t.rules.get(w[1]).get(at);
                    NfRules.Rule r = NftEncoding.encode(table, doomedLine, there);
                    if (r == null) {
                        return false;
                    }
                    Doomed d = new Doomed(t, table, w[1], at, doomedLine, r);
                    doomed.add(d);
                    steps.add(d);
                } else if (w[0].equals("-F") && w.length == 2 && there(t, w[1])) {
                    steps.add(new NfRules.Flush(table, w[1], "flush '-t " + table + " -F " + w[1] + "'"));
                    chainNow.apply(w[1]).clear();
                } else {
                    return false;
                }
            }
        }
        boolean flushes = steps.stream().anyMatch(x -> x instanceof NfRules.Flush);
        if (flushes && generation.getAsLong() != known || !doomed.isEmpty() && !handlesOf(doomed)) {
            return false; // a chain rewritten from what is known must be as known
        }
        List<NfRules.Change> changes = new ArrayList<>();
        for (Object step : steps) {
            if (step instanceof Doomed d) {
                changes.add(new NfRules.Delete(d.table(), d.chain(), d.t().handles(d.chain()).get(d.at()),
                        "delete '-t " + d.table() + " -D" + d.line().substring(2) + "'"));
            } else {
                changes.add((NfRules.Change) step);
            }
        }
        try {
            long[] handles = where.commit(changes);
            if (handles == null) {
                return false;
            }
            for (long h : handles) {
                echoed.add(h < 0 ? null : h);
            }
            netlinked++;
            return true;
        } catch (KernelException e) {
            // The kernel's transaction: a refusal leaves everything as it was. Only lost answers leave it unknown.
            throw new FirewallException(e.getMessage() + (e.errno() == ENOENT ? missing(changes, e.getMessage()) : "")
                    + (e.errno() == ENOBUFS || e.errno() == 0 ? "; whether the change was made is unknown, the rules will be read again"
                            : "; the kernel refused the change, nothing of it was made"));
        }
    }

    /** A rule a batch deletes: its table and chain, its place before the batch, its line and what the encoder makes of it. */
    private record Doomed(Table t, String table, String chain, int at, String line, NfRules.Rule rule) {
    }

    /**
     * Makes sure the handle of each doomed rule is known, dumping the chains where one is not;
     * false when it cannot be: the generation is not the one netgroovy's own last read or write
     * left (someone else changed the rules since: the rule at a place may be another), or a
     * dumped rule is not the one known at its place.
     */
    private boolean handlesOf(List<Doomed> doomed) {
        long g = generation.getAsLong();
        if (g < 0 || g != known) {
            return false;
        }
        Map<String, List<NfRules.Listed>> dumped = new HashMap<>();
        for (Doomed d : doomed) {
            String key = d.table() + " " + d.chain();
            if (d.t().handles(d.chain()).get(d.at()) != null || dumped.containsKey(key)) {
                continue;
            }
            List<NfRules.Listed> listed = where.list(d.table(), d.chain());
            if (listed == null) {
                return false;
            }
            dumped.put(key, listed);
        }
        boolean same = dumped.isEmpty() || generation.getAsLong() == known;
        for (Doomed d : doomed) {
            List<NfRules.Listed> listed = dumped.get(d.table() + " " + d.chain());
            same &= listed == null || listed.size() == d.t().chain(d.chain()).size() && NfRules.same(listed.get(d.at()), d.rule());
        }
        if (!same) {
            return false;
        }
        dumped.forEach((key, listed) -> {
            Table t = tables.get(key.substring(0, key.indexOf(' ')));
            List<Long> h = t.handles(key.substring(key.indexOf(' ') + 1));
            for (int i = 0; i < listed.size(); i++) {
                h.set(i, listed.get(i).handle());
            }
        });
        return true;
    }

    /** What iptables would say of the refused change's ENOENT: which chain or rule is not there. */
    private static String missing(List<NfRules.Change> changes, String refusal) {
        for (NfRules.Change c : changes) {
            if (!refusal.startsWith("cannot " + c.what() + ":")) {
                continue;
            }
            if (c instanceof NfRules.Delete) {
                return " (the rule is not there any more: something else deleted it, or its chain)";
            }
            String jump = c instanceof NfRules.Rule r ? r.expressions().stream().filter(x -> x instanceof NfExpr.Verdict v && v.chain() != null)
                    .map(x -> " or " + ((NfExpr.Verdict) x).chain()).findFirst().orElse("") : "";
            return " (chain " + c.chain() + jump + " does not exist in table " + c.table() + ")";
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

    /** Changes what is known as the line did; {@code handle}: the rule's, for an -A line written through netlink. */
    private static boolean follow(Table t, String line, Long handle) {
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
                t.handles.remove(chain);
                return w.length == 2;
            }
            case "-P" -> {
                if (w.length != 3) {
                    return false;
                }
                t.chains.put(chain, ":" + chain + " " + w[2] + " [0:0]");
                return true;
            }
            case "-X" -> {
                t.chains.remove(chain);
                t.rules.remove(chain);
                t.handles.remove(chain);
                return true;
            }
            case "-A" -> {
                if (handle != null || t.handles.containsKey(chain)) {
                    t.handles(chain).add(handle);
                }
                t.chain(chain).add(line);
                t.indexed(line, true);
                return true;
            }
            case "-I", "-D" -> {
                if (w.length < 3 || !w[2].matches("\\d+")) {
                    return false;
                }
                List<String> rules = t.chain(chain);
                List<Long> handles = t.handles.get(chain);
                int at = Integer.parseInt(w[2]) - 1;
                if (w[0].equals("-D")) {
                    if (w.length > 3 || at >= rules.size()) {
                        return false;
                    }
                    t.indexed(rules.remove(at), false);
                    if (handles != null) {
                        handles.remove(at);
                    }
                } else {
                    if (w.length < 4 || at > rules.size()) {
                        return false;
                    }
                    String added = "-A " + chain + " " + w[3];
                    rules.add(at, added);
                    if (handles != null) {
                        handles.add(at, null);
                    }
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
