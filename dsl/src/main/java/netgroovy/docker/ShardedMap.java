package netgroovy.docker;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable map whose update copies one of its shards, not the whole map: the embedded DNS
 * server reads one version while a statement makes the next, and a join to a network of a
 * thousand members must not copy a thousand members' names (that made each statement cost
 * what the network held). With 128 shards a network of 1000 members (some 4000 names) copies
 * about 30 entries per name changed.
 */
final class ShardedMap<K, V> {
    private static final int SHARDS = 128;
    @SuppressWarnings("rawtypes")
    private static final ShardedMap EMPTY = new ShardedMap<>(emptyShards(), 0);

    private final Map<K, V>[] shards;
    private final int size;

    private ShardedMap(Map<K, V>[] shards, int size) {
        this.shards = shards;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <K, V> ShardedMap<K, V> empty() {
        return EMPTY;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map[] emptyShards() {
        Map[] s = new Map[SHARDS];
        java.util.Arrays.fill(s, Map.of());
        return s;
    }

    private static int shard(Object key) {
        int h = key.hashCode();
        return (h ^ h >>> 16) & (SHARDS - 1);
    }

    V get(K key) {
        return shards[shard(key)].get(key);
    }

    int size() {
        return size;
    }

    /** This map with {@code key} mapped to {@code value}, or without it when {@code value} is null. */
    ShardedMap<K, V> with(K key, V value) {
        int i = shard(key);
        Map<K, V> old = shards[i];
        if (value == null ? !old.containsKey(key) : value.equals(old.get(key))) {
            return this;
        }
        Map<K, V> copy = new HashMap<>(old);
        V before = value == null ? copy.remove(key) : copy.put(key, value);
        Map<K, V>[] next = shards.clone();
        next[i] = Map.copyOf(copy);
        return new ShardedMap<>(next, size + (value == null ? -1 : before == null ? 1 : 0));
    }

    void forEach(BiConsumer<K, V> each) {
        for (Map<K, V> s : shards) {
            s.forEach(each);
        }
    }
}
