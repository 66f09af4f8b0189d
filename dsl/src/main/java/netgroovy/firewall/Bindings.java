package netgroovy.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netgroovy.value.IpAddress;

/**
 * The published ports as the model keeps them (World.published): for each container, records
 * in the words of the rules' comments ("0.0.0.0:8080->80/tcp"). This is what {@code port 'c1'}
 * (docker port) reports, and how a host port already in use is found, without reading the rules.
 */
public final class Bindings {
    private Bindings() {
    }

    public record Binding(String container, PortMapping mapping) {
        @Override
        public String toString() {
            return mapping.toString();
        }
    }

    private static final Pattern RECORD = Pattern.compile("([0-9.]+):(\\d+)->(\\d+)/(\\w+)");

    /** How the model keeps a binding, the same words as the rule comments: "0.0.0.0:8080->80/tcp". */
    public static String record(PortMapping m) {
        return m.hostAddress() + ":" + m.hostPort() + "->" + m.containerPort() + "/" + m.protocol();
    }

    /** The bindings the model keeps (container -> records), in the order they were made. */
    public static List<Binding> of(java.util.Map<String, List<String>> published) {
        List<Binding> out = new ArrayList<>();
        published.forEach((container, records) -> {
            for (String r : records) {
                Matcher m = RECORD.matcher(r);
                if (!m.matches()) {
                    throw new IllegalArgumentException("not a port binding: " + r);
                }
                IpAddress ip = m.group(1).equals("0.0.0.0") ? null : IpAddress.parse(m.group(1));
                out.add(new Binding(container, new PortMapping(ip, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4))));
            }
        });
        return out;
    }

    /**
     * The bindings by host port and protocol, so that a clash is looked up rather than searched
     * for: a statement publishing one port among 10 000 asks one bucket, and one publishing
     * 1000 ports does not compare each with all the others. Records are filed by the words of
     * their key alone and parsed only when their bucket is asked.
     */
    public static final class Index {
        private final java.util.Map<String, List<String[]>> byPort = new java.util.HashMap<>();
        /** The keys each container's records were filed under, to take them out again. */
        private final java.util.Map<String, List<String>> keysOf = new java.util.HashMap<>();

        public Index() {
        }

        /** Takes out every record of {@code container}. */
        void remove(String container) {
            List<String> keys = keysOf.remove(container);
            if (keys == null) {
                return;
            }
            for (String key : keys) {
                List<String[]> bucket = byPort.get(key);
                if (bucket != null && bucket.removeIf(cr -> cr[0].equals(container)) && bucket.isEmpty()) {
                    byPort.remove(key);
                }
            }
        }

        /** A container's bindings as the model keeps them ("HOSTADDR:HOSTPORT->PORT/PROTO" records). */
        public void addAll(String container, List<String> records) {
            records.forEach(r -> file(container, r));
        }

        public void add(String container, PortMapping m) {
            file(container, record(m));
        }

        private void file(String container, String record) {
            int arrow = record.indexOf("->");
            int colon = record.lastIndexOf(':', arrow);
            int slash = record.lastIndexOf('/');
            if (arrow < 0 || colon < 0 || slash < arrow) {
                throw new IllegalArgumentException("not a port binding: " + record);
            }
            String key = record.substring(colon + 1, arrow) + record.substring(slash);
            byPort.computeIfAbsent(key, k -> new ArrayList<>(1)).add(new String[] {container, record});
            keysOf.computeIfAbsent(container, k -> new ArrayList<>()).add(key);
        }

        /** A binding {@code m}'s host side collides with: same protocol and port, overlapping address. */
        public Binding conflict(PortMapping m) {
            List<String[]> bucket = byPort.get(m.hostPort() + "/" + m.protocol());
            if (bucket == null) {
                return null;
            }
            for (String[] cr : bucket) {
                Binding b = of(java.util.Map.of(cr[0], List.of(cr[1]))).get(0);
                PortMapping o = b.mapping();
                if (o.hostIp() == null || m.hostIp() == null || o.hostIp().equals(m.hostIp())) {
                    return b;
                }
            }
            return null;
        }
    }

    /**
     * An {@link Index} of the model's published ports kept from one statement to the next, so
     * that publishing one port among 10 000 does not file all 10 000 again: when asked, it files
     * again only the containers whose list of records changed since (another list, or another
     * length: the model only ever appends to a container's list in place, or replaces or
     * removes it whole), which it finds by one look at each container.
     */
    public static final class Kept {
        private final Index index = new Index();
        /** For each container: the list filed (its identity) and how many of its records were. */
        private final java.util.Map<String, Filed> filed = new java.util.HashMap<>();

        private record Filed(List<String> records, int size) {
        }

        /** The index, brought up to date with {@code each} (which hands over every container's records). */
        public Index of(java.util.function.Consumer<java.util.function.BiConsumer<String, List<String>>> each) {
            java.util.Set<String> present = new java.util.HashSet<>();
            each.accept((container, records) -> {
                present.add(container);
                Filed was = filed.get(container);
                if (was != null && was.records() == records && was.size() == records.size()) {
                    return;
                }
                int from = was != null && was.records() == records && was.size() < records.size() ? was.size() : 0;
                if (from == 0) {
                    index.remove(container);
                }
                for (String r : records.subList(from, records.size())) {
                    index.file(container, r);
                }
                filed.put(container, new Filed(records, records.size()));
            });
            if (present.size() != filed.size()) {
                filed.keySet().removeIf(gone -> {
                    if (present.contains(gone)) {
                        return false;
                    }
                    index.remove(gone);
                    return true;
                });
            }
            return index;
        }
    }

    /**
     * A free host port in {@code range} ({first, last}) for this protocol, the first after
     * {@code last} (wrapping round to the range's start), as Docker's port allocator looks
     * (portallocator's findPort; its first search starts after the range's end, so at its start).
     */
    public static int nextFreePort(Index existing, PortMapping m, java.util.Set<Integer> alsoTaken, int[] range, int last) {
        int p = last;
        for (int i = 0; i <= range[1] - range[0]; i++) {
            p = p >= range[1] || p < range[0] ? range[0] : p + 1;
            if (!alsoTaken.contains(p) && existing.conflict(m.withHostPort(p)) == null) {
                return p;
            }
        }
        throw new FirewallException("no free host port left in " + range[0] + "-" + range[1]);
    }
}
