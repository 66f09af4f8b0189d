package netgroovy.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The world as the last kept statement left it, record by record ({@link WorldCodec}): what a
 * failed, dry or explained statement goes back to, and what the next statement's changes are
 * measured against. Finding a statement's changes looks only at the records the statement
 * touched (the world's collections know them), plus those the statement before touched whose
 * fingerprint (below) changed since (a value handed out may still be changed just after its
 * statement was kept, as a container's pid is), plus the daemon's few options: its cost is the
 * statement's, not the world's.
 *
 * <p>A statement that iterated over all the values of a collection (the container word looks
 * at every container for links to the new one) may have changed any of them, but almost
 * always changed none: those are checked by a fingerprint (a hash of the fields a record
 * holds, kept from the last look, well under a microsecond each) and only those whose
 * fingerprint differs are compared record by record. So is every record a statement looks at,
 * the daemon's options at each statement and the network a container joins among them: most
 * were only read, and a record is a map of copies, costlier to make than to hash.
 */
public final class Ledger {
    private final Map<String, Object> records;
    /**
     * The keys of lab hosts' records, kept apart (they are few) so that a statement does not look
     * through every record for them: that made each statement cost as much as the world held.
     */
    private final Set<String> hostKeys = new java.util.HashSet<>();
    /** The world last compared: another one (a teardown's empty world) is compared whole. */
    private World seen;
    /** The records touched by the statement before. */
    private Set<String> watched = Set.of();
    /** The fingerprint of each record's value as last compared (none yet: compared record by record). */
    private final Map<String, Integer> prints = new java.util.HashMap<>();

    private Ledger(Map<String, Object> records) {
        this.records = records;
        records.keySet().stream().filter(k -> WorldCodec.kind(k).equals(WorldCodec.HOST)).forEach(hostKeys::add);
    }

    /** A ledger of the world as it is now. */
    public static Ledger of(World w) {
        Ledger l = new Ledger(WorldCodec.records(w));
        l.seen = w;
        forget(w);
        return l;
    }

    /** A ledger of stored records (as read from JSON), with the world they describe as {@link #world()} would make it. */
    static Ledger read(Map<String, Object> stored) {
        // Read back through a world, so that numbers and lists have the types the world's records have.
        return of(WorldCodec.world(stored));
    }

    /** The world the records describe: a new one, which the next statement changes. */
    public World world() {
        World w = WorldCodec.world(records);
        forget(w);
        seen = w;
        return w;
    }

    Map<String, Object> records() {
        return records;
    }

    /** One changed record, as a line of the store's journal. */
    public record Change(String op, String key, Object value) {
        static final String PUT = "put", ADD = "add", DEL = "del";

        String line() {
            return op.equals(DEL) ? "[\"del\"," + Json.of(key) + "]"
                    : "[\"" + op + "\"," + Json.of(key) + "," + Json.of(value) + "]";
        }

        /** Applies this change to records. */
        @SuppressWarnings("unchecked")
        void apply(Map<String, Object> to) {
            switch (op) {
                case PUT -> to.put(key, value);
                case DEL -> to.remove(key);
                case ADD -> {
                    List<Object> grown = new ArrayList<>((List<Object>) to.getOrDefault(key, List.of()));
                    grown.addAll((List<Object>) value);
                    to.put(key, List.copyOf(grown));
                }
                default -> throw new IllegalArgumentException("unknown change " + op);
            }
        }

        /** Whether this change leaves the record present (put, add) rather than removing it. */
        public boolean present() {
            return !op.equals(DEL);
        }
    }

    /**
     * What changed in {@code w} since the last kept statement: the records it touched whose
     * value differs, in the order touched. Nothing is kept until {@link #accept}.
     */
    public List<Change> changes(World w) {
        Set<String> keys = new LinkedHashSet<>();
        if (w != seen) {
            keys.addAll(records.keySet());
            keys.addAll(WorldCodec.records(w).keySet());
            forget(w);
            prints.clear();
            seen = w;
        } else {
            Set<String> now = touched(w);
            for (String key : watched) {
                // (the statement before's records are looked at again, but by their fingerprint
                // first: almost always unchanged, and a record costs more to make than to hash)
                if (now.contains(key) || !unchangedSinceLastLook(w, key)) {
                    keys.add(key);
                }
            }
            keys.addAll(now);
            watched = now;
            keys.addAll(swept(w, keys));
        }
        keys.add(WorldCodec.DAEMON);
        // Lab hosts' worlds are not tracked entry by entry: each is compared whole (they are few and small).
        keys.addAll(hostKeys);
        w.hosts.keySet().forEach(name -> keys.add(WorldCodec.HOST + " " + name));
        List<Change> out = new ArrayList<>();
        for (String key : keys) {
            Integer print = print(w, key);
            if (print != null && print.equals(prints.get(key)) && records.containsKey(key)) {
                continue; // (as last compared: most of what a statement touches, and the daemon's options, every statement)
            }
            Object now = WorldCodec.record(w, key);
            Object was = records.get(key);
            if (print == null) {
                prints.remove(key);
            } else {
                prints.put(key, print);
            }
            if (Objects.equals(now, was)) {
                continue;
            }
            if (now == null) {
                out.add(new Change(Change.DEL, key, null));
            } else if (was != null && WorldCodec.isList(key) && grows((List<?>) was, (List<?>) now)) {
                out.add(new Change(Change.ADD, key, List.copyOf(((List<?>) now).subList(((List<?>) was).size(), ((List<?>) now).size()))));
            } else {
                out.add(new Change(Change.PUT, key, now));
            }
        }
        return out;
    }

    /** Whether the value of {@code key} has the fingerprint it had when last compared. */
    private boolean unchangedSinceLastLook(World w, String key) {
        Integer was = prints.get(key);
        return was != null && was.equals(print(w, key));
    }

    /**
     * The fingerprint of the value {@code key}'s record is made from, or null when there is
     * none (nor a record): a lab host's world has none, and is compared record by record.
     */
    private static Integer print(World w, String key) {
        String kind = WorldCodec.kind(key);
        if (kind.equals(WorldCodec.DAEMON)) {
            return WorldCodec.daemonPrint(w);
        }
        if (kind.equals(WorldCodec.HOST)) {
            return null;
        }
        Object value = WorldCodec.value(w, key);
        return value == null ? null : fingerprint(value);
    }

    /** The records of the swept collections (not among {@code known}) whose fingerprint changed, or that have none yet. */
    private Set<String> swept(World w, Set<String> known) {
        Set<String> out = new LinkedHashSet<>();
        for (String kind : KINDS) {
            Tracked.Map<?> map = WorldCodec.map(w, kind);
            if (!map.drainSwept()) {
                continue;
            }
            for (String name : map.keys()) {
                String key = kind + " " + name;
                Integer print = prints.get(key);
                if (!known.contains(key) && (print == null || print != fingerprint(map.peek(name)))) {
                    out.add(key);
                }
            }
        }
        return out;
    }

    /** A hash of what a value's record holds, cheaper than the record (a container's fields, a list's elements). */
    private static int fingerprint(Object v) {
        if (v instanceof netgroovy.docker.Container c) {
            int h = Objects.hash(c.id, c.mode, c.namespace, c.network == null ? null : c.network.name(), c.ip, c.mac, c.hostVeth,
                    c.hostname, c.pid, c.links, c.exposed, c.env, c.dns, c.dnsSearch);
            for (netgroovy.docker.Container.Attachment a : c.attachments) {
                h = 31 * h + Objects.hash(a.network().name(), a.ip(), a.mac(), a.ifname(), a.hostVeth(), a.aliases());
            }
            return h;
        }
        if (v instanceof netgroovy.docker.Network n) {
            return Objects.hash(n.name(), n.bridge(), n.ipam().subnet(), n.ipam().pool(), n.ipam().gateway(), n.icc(), n.userDefined(), n.v6());
        }
        return Objects.hashCode(v);
    }

    /** Keeps changes (those {@link #changes} found). */
    public void accept(List<Change> changes) {
        changes.forEach(c -> {
            c.apply(records);
            if (WorldCodec.kind(c.key()).equals(WorldCodec.HOST)) {
                if (c.present()) {
                    hostKeys.add(c.key());
                } else {
                    hostKeys.remove(c.key());
                }
            }
        });
    }

    private static boolean grows(List<?> was, List<?> now) {
        return now.size() > was.size() && now.subList(0, was.size()).equals(was);
    }

    private static final List<String> KINDS = List.of(WorldCodec.NETWORK, WorldCodec.CONTAINER, WorldCodec.EXPOSED,
            WorldCodec.PUBLISHED, WorldCodec.BRIDGE_CIDR, WorldCodec.FIREWALL, WorldCodec.SPEC);

    /** The keys of the records the world's collections were touched at, and forgets them. */
    private static Set<String> touched(World w) {
        Set<String> keys = new LinkedHashSet<>();
        for (String kind : KINDS) {
            for (String name : WorldCodec.map(w, kind).drain()) {
                keys.add(kind + " " + name);
            }
        }
        for (String name : ((Tracked.Names) w.namespaces).drain()) {
            keys.add(WorldCodec.NAMESPACE + " " + name);
        }
        return keys;
    }

    private static void forget(World w) {
        touched(w);
        KINDS.forEach(kind -> WorldCodec.map(w, kind).drainSwept());
    }

    /** The records as a map for JSON, in their order. */
    Map<String, Object> snapshot() {
        return new LinkedHashMap<>(records);
    }
}
