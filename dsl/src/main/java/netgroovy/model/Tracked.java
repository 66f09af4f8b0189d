package netgroovy.model;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The collections of the {@link World}, which remember which of their entries were handed out
 * or changed since they were last asked: so that a commit looks at what a statement touched,
 * not at the whole world. A value handed out ({@code get}) may be changed in place afterwards
 * (a container's fields, a list of ports), so handing it out counts as touching it; iterating
 * over the values marks the map as swept (see {@link Ledger} for what that costs); listing the
 * keys touches nothing (and the key set is read-only, so nothing can be removed through it unseen).
 */
final class Tracked {
    private Tracked() {
    }

    /**
     * A map whose touched keys are known. Keys handed out or changed one by one are
     * {@code touched}; iterating over the values sets {@code swept} instead: each of them may
     * have been changed too, but most loops only read, so the store checks those by a cheap
     * fingerprint rather than record by record.
     */
    static final class Map<V> extends LinkedHashMap<String, V> {
        private final Set<String> touched = new LinkedHashSet<>();
        private boolean swept;

        private void touch(Object key) {
            if (key instanceof String k) {
                touched.add(k);
            }
        }

        private void touchAll() {
            swept = true;
        }

        /** The keys touched one by one since the last call (removed ones too), and forgets them. */
        Set<String> drain() {
            if (touched.isEmpty()) {
                return Set.of(); // (most collections, most statements)
            }
            Set<String> keys = new LinkedHashSet<>(touched);
            touched.clear();
            return keys;
        }

        /** Whether the values were iterated over since the last call, and forgets it. */
        boolean drainSwept() {
            boolean was = swept;
            swept = false;
            return was;
        }

        @Override
        public void clear() {
            touched.addAll(super.keySet());
            super.clear();
        }

        @Override
        public V get(Object key) {
            touch(key);
            return super.get(key);
        }

        @Override
        public V getOrDefault(Object key, V otherwise) {
            touch(key);
            return super.getOrDefault(key, otherwise);
        }

        @Override
        public V put(String key, V value) {
            touch(key);
            return super.put(key, value);
        }

        @Override
        public V putIfAbsent(String key, V value) {
            touch(key);
            return super.putIfAbsent(key, value);
        }

        @Override
        public void putAll(java.util.Map<? extends String, ? extends V> m) {
            m.keySet().forEach(this::touch);
            super.putAll(m);
        }

        @Override
        public V remove(Object key) {
            touch(key);
            return super.remove(key);
        }

        @Override
        public boolean remove(Object key, Object value) {
            touch(key);
            return super.remove(key, value);
        }

        @Override
        public V replace(String key, V value) {
            touch(key);
            return super.replace(key, value);
        }

        @Override
        public boolean replace(String key, V oldValue, V newValue) {
            touch(key);
            return super.replace(key, oldValue, newValue);
        }

        @Override
        public V computeIfAbsent(String key, Function<? super String, ? extends V> f) {
            touch(key);
            return super.computeIfAbsent(key, f);
        }

        @Override
        public V computeIfPresent(String key, BiFunction<? super String, ? super V, ? extends V> f) {
            touch(key);
            return super.computeIfPresent(key, f);
        }

        @Override
        public V compute(String key, BiFunction<? super String, ? super V, ? extends V> f) {
            touch(key);
            return super.compute(key, f);
        }

        @Override
        public V merge(String key, V value, BiFunction<? super V, ? super V, ? extends V> f) {
            touch(key);
            return super.merge(key, value, f);
        }

        @Override
        public void replaceAll(BiFunction<? super String, ? super V, ? extends V> f) {
            touchAll();
            super.replaceAll(f);
        }

        /** Read-only: a value removed through it would go unseen. */
        @Override
        public Collection<V> values() {
            touchAll();
            return java.util.Collections.unmodifiableCollection(super.values());
        }

        @Override
        public Set<java.util.Map.Entry<String, V>> entrySet() {
            touchAll();
            return super.entrySet();
        }

        @Override
        public void forEach(BiConsumer<? super String, ? super V> action) {
            touchAll();
            super.forEach(action);
        }

        @Override
        public Set<String> keySet() {
            return java.util.Collections.unmodifiableSet(super.keySet());
        }

        /** The keys, for the store itself (which must not count its own reading as touching). */
        Set<String> keys() {
            return super.keySet();
        }

        /** Each entry, for a loop that only reads them: touches nothing (a value changed through it would go unseen). */
        void readEach(BiConsumer<? super String, ? super V> reader) {
            super.forEach(reader);
        }

        /** The values, for a loop that only reads them: touches nothing (a value changed through it would go unseen). */
        Collection<V> readOnlyValues() {
            return java.util.Collections.unmodifiableCollection(super.values());
        }

        /** A value, for the store itself. */
        V peek(String key) {
            return super.get(key);
        }

    }

    /** A set of names whose added and removed members are known. */
    static final class Names extends LinkedHashSet<String> {
        final Set<String> touched = new LinkedHashSet<>();

        Set<String> drain() {
            if (touched.isEmpty()) {
                return Set.of(); // (most collections, most statements)
            }
            Set<String> keys = new LinkedHashSet<>(touched);
            touched.clear();
            return keys;
        }

        @Override
        public boolean add(String name) {
            touched.add(name);
            return super.add(name);
        }

        @Override
        public boolean remove(Object name) {
            if (name instanceof String n) {
                touched.add(n);
            }
            return super.remove(name);
        }

        @Override
        public boolean addAll(Collection<? extends String> names) {
            touched.addAll(names);
            return super.addAll(names);
        }

        @Override
        public void clear() {
            touched.addAll(this);
            super.clear();
        }

        @Override
        public boolean removeAll(Collection<?> names) {
            touched.addAll(this); // whichever go, they were among these
            return super.removeAll(names);
        }

        @Override
        public boolean retainAll(Collection<?> names) {
            touched.addAll(this);
            return super.retainAll(names);
        }

        @Override
        public boolean removeIf(java.util.function.Predicate<? super String> filter) {
            touched.addAll(this);
            return super.removeIf(filter);
        }

        @Override
        public java.util.Iterator<String> iterator() {
            java.util.Iterator<String> it = super.iterator();
            return new java.util.Iterator<>() {
                private String last;

                public boolean hasNext() {
                    return it.hasNext();
                }

                public String next() {
                    return last = it.next();
                }

                public void remove() {
                    touched.add(last);
                    it.remove();
                }
            };
        }
    }
}
