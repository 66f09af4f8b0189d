package netgroovy.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netgroovy.docker.Container;
import netgroovy.docker.Network;

/**
 * Whether a stored world still describes the kernel: what it records that is gone (a
 * container's namespace deleted by hand, a network's bridge, a bridge, a namespace, a lab
 * host), and what netgroovy marked that it does not record (made by another netgroovy whose
 * store is elsewhere, or before the store was replaced). One look at the kernel, not one per
 * object: the named namespaces, the host's links and their aliases; only a namespace the
 * world does not record has its {@code lo} read, to see whether it is netgroovy's (and only
 * when there are few such: see {@link #LOOKED_AT}).
 *
 * <p>A stale world is rebuilt from the kernel ({@link Marks#rebuild}), and what the marks
 * cannot hold is kept from the stored world for the objects still there ({@link #reconcile}).
 */
public final class Staleness {
    /** At most this many findings are named in the one line; the rest are counted. */
    private static final int NAMED = 6;
    /**
     * At most this many namespaces the world does not record have their {@code lo} read: a
     * container runtime's pods (netgroovy-cni starts a run for each) are not netgroovy's, and
     * a look into each at every run would cost what the machine holds, not what netgroovy made.
     */
    private static final int LOOKED_AT = 16;

    private final List<String> findings;
    /** The named namespaces at the look. */
    private final Set<String> namespaces;

    private Staleness(List<String> findings, Set<String> namespaces) {
        this.findings = findings;
        this.namespaces = namespaces;
    }

    public boolean agrees() {
        return findings.isEmpty();
    }

    /** "container c1's namespace is gone, bridge br-x not recorded" (the first few, then how many more). */
    @Override
    public String toString() {
        String named = String.join(", ", findings.subList(0, Math.min(NAMED, findings.size())));
        return findings.size() <= NAMED ? named : named + " and " + (findings.size() - NAMED) + " more";
    }

    /** Compares {@code stored} with the kernel as {@code kernel} shows it now. */
    public static Staleness of(World stored, Marks.Links kernel) {
        Set<String> namespaces = new HashSet<>(kernel.namespaces());
        Set<String> links = kernel.linkNames(null);
        Map<String, String> marks = new LinkedHashMap<>();
        kernel.aliases(null).forEach((link, alias) -> {
            if (alias.startsWith(Marks.PREFIX)) {
                marks.put(link, alias);
            }
        });
        List<String> findings = new ArrayList<>();
        Set<String> recordedNs = new HashSet<>(stored.namespaces);
        gone(stored, namespaces, links, findings, recordedNs);
        stored.hosts.forEach((host, w) -> {
            if (!namespaces.contains(host)) {
                findings.add("lab host " + host + " is gone");
            } else {
                gone(w, namespaces, null, findings, recordedNs);
            }
        });
        for (String ns : stored.namespaces) {
            if (!namespaces.contains(ns) && !stored.containers.containsKey(ns) && !stored.hosts.containsKey(ns)
                    && stored.hosts.values().stream().noneMatch(h -> h.containers.containsKey(ns))) {
                findings.add("namespace " + ns + " is gone");
            }
        }
        List<String> unrecordedBridges = new ArrayList<>();
        Set<String> said = new HashSet<>(); // containers found unrecorded (one per network they are on)
        Set<String> bridges = new HashSet<>(stored.bridgeCidrs.keySet());
        stored.networks.values().forEach(n -> bridges.add(n.bridge()));
        marks.forEach((link, alias) -> {
            List<String> words = List.of(alias.split(" "));
            if (words.size() < 2 || link.equals("lo")) {
                return;
            }
            switch (words.get(1)) {
                case "network" -> {
                    if (words.size() > 2 && !bridges.contains(link)) {
                        findings.add("network " + words.get(2) + " (bridge " + link + ") not recorded");
                    }
                }
                case "bridge" -> {
                    if (!bridges.contains(link)) {
                        unrecordedBridges.add(link);
                    }
                }
                case "container" -> {
                    // A veth outlives its namespace's deletion for a moment: only one whose namespace is there counts.
                    if (words.size() > 2 && !stored.containers.containsKey(words.get(2)) && namespaces.contains(words.get(2))
                            && said.add(words.get(2))) {
                        findings.add("container " + words.get(2) + " not recorded");
                        recordedNs.add(words.get(2)); // its lo need not be read
                    }
                }
                default -> {
                    // a mark of a newer netgroovy
                }
            }
        });
        if (!unrecordedBridges.isEmpty()) {
            // Only one with an address is one a rebuild records (the address is what it keeps): rare, so its own look.
            Map<String, Marks.Iface> addressed = kernel.interfaces(null);
            for (String b : unrecordedBridges) {
                Marks.Iface i = addressed.get(b);
                if (i != null && i.addresses().stream().anyMatch(a -> a.cidr().isV4() && "global".equals(a.scope()))) {
                    findings.add("bridge " + b + " not recorded");
                }
            }
        }
        List<String> unrecorded = namespaces.stream().filter(ns -> !recordedNs.contains(ns)).sorted().toList();
        for (String ns : unrecorded.size() > LOOKED_AT ? List.<String>of() : unrecorded) {
            String lo;
            try {
                lo = kernel.aliases(ns).getOrDefault("lo", "");
            } catch (RuntimeException gone) {
                continue;
            }
            if (lo.equals(Marks.NETNS)) {
                findings.add("namespace " + ns + " not recorded");
            } else if (lo.startsWith("netgroovy container ")) {
                findings.add("container " + ns + " not recorded");
            }
        }
        return new Staleness(findings, namespaces);
    }

    /** What of {@code w} (a daemon's world) is gone; {@code links} null: its bridges are in a lab host, not looked at. */
    private static void gone(World w, Set<String> namespaces, Set<String> links, List<String> findings, Set<String> recordedNs) {
        for (Container c : w.containers.values()) {
            if (c.name.equals(c.namespace)) {
                recordedNs.add(c.name);
                if (!namespaces.contains(c.name)) {
                    findings.add("container " + c.name + "'s namespace is gone");
                }
            }
        }
        if (links == null) {
            return;
        }
        for (Network n : w.networks.values()) {
            if (!links.contains(n.bridge())) {
                findings.add("network " + n.name() + "'s bridge " + n.bridge() + " is gone");
            }
        }
        for (String bridge : w.bridgeCidrs.keySet()) {
            if (!links.contains(bridge) && w.networks.values().stream().noneMatch(n -> n.bridge().equals(bridge))) {
                findings.add("bridge " + bridge + " is gone");
            }
        }
    }

    /**
     * The rebuilt world, with what the marks cannot hold taken from the stored one for the
     * objects still there (the same container by its ID, the same network by its bridge):
     * links to containers still there, the environment, dns options, aliases, exposed and
     * published ports, specs, dockerd's dns lists (a mark may have had no room for them) and
     * the allocator's last ports; containers of network modes host and container:NAME whose
     * namespace is there; lab hosts' daemons not found in the kernel whose namespace is there.
     */
    public World reconcile(World rebuilt, World stored) {
        for (Container c : rebuilt.containers.values()) {
            Container old = stored.containers.get(c.name);
            if (old == null || !sameId(old, c)) {
                continue;
            }
            old.links.forEach((alias, target) -> {
                if (rebuilt.containers.containsKey(target)) {
                    c.links.putIfAbsent(alias, target);
                }
            });
            if (c.env.isEmpty()) {
                c.env.putAll(old.env);
            }
            if (c.dns == null) {
                c.dns = old.dns;
            }
            if (c.dnsSearch == null) {
                c.dnsSearch = old.dnsSearch;
            }
            for (int i = 0; i < c.attachments.size(); i++) {
                Container.Attachment a = c.attachments.get(i);
                Container.Attachment was = old.on(a.network().name());
                if (a.aliases().isEmpty() && was != null && !was.aliases().isEmpty()) {
                    c.attachments.set(i, new Container.Attachment(a.network(), a.ip(), a.mac(), a.ifname(), a.hostVeth(), was.aliases()));
                }
            }
            old.exposed.forEach(p -> {
                if (!c.exposed.contains(p)) {
                    c.exposed.add(p);
                }
            });
            stored.exposed(c.name).forEach(p -> rebuilt.expose(c.name, p));
            if (!rebuilt.published.containsKey(c.name) && stored.published.containsKey(c.name)) {
                rebuilt.published.put(c.name, new ArrayList<>(stored.published.get(c.name)));
            }
            String spec = stored.specs.get("container " + c.name);
            if (spec != null) {
                rebuilt.specs.putIfAbsent("container " + c.name, spec);
            }
        }
        for (Network n : rebuilt.networks.values()) {
            Network old = stored.networks.get(n.name());
            String key = n.userDefined() ? "network " + n.name() : "dockerd";
            if (old != null && old.bridge().equals(n.bridge()) && stored.specs.containsKey(key)) {
                rebuilt.specs.putIfAbsent(key, stored.specs.get(key));
            }
        }
        if (rebuilt.networks.containsKey("bridge") && stored.networks.containsKey("bridge")) {
            rebuilt.dns = stored.dns;
            rebuilt.dnsSearch = stored.dnsSearch;
        }
        stored.lastPorts.forEach(rebuilt.lastPorts::put);
        for (Container old : stored.containers.values()) {
            Container found = rebuilt.containers.get(old.name);
            if (found != null && !found.id.equals(old.id) && sameId(old, found) && !found.name.equals(found.namespace)) {
                rebuilt.containers.remove(old.name); // the host's mark keeps only its short ID: the stored one is whole
            }
            if (rebuilt.containers.containsKey(old.name) || !(old.mode.equals("host") && old.namespace == null || old.mode.equals("container"))) {
                continue;
            }
            Container owner = old.namespace == null ? null
                    : rebuilt.containers.values().stream().filter(x -> old.namespace.equals(x.namespace) && x.name.equals(x.namespace)).findFirst().orElse(null);
            if (old.mode.equals("container") && owner == null) {
                continue; // it went with the container whose namespace it used
            }
            Container c = new Container(old.name, old.mode, old.namespace, old.id);
            c.hostname = old.hostname;
            c.links.putAll(old.links);
            c.env.putAll(old.env);
            c.exposed.addAll(old.exposed);
            if (owner != null) {
                c.ip = owner.ip;
                c.mac = owner.mac;
                c.network = owner.network;
                c.hostname = owner.hostname;
            }
            rebuilt.containers.put(c.name, c);
            String spec = stored.specs.get("container " + c.name);
            if (spec != null) {
                rebuilt.specs.put("container " + c.name, spec);
            }
        }
        stored.hosts.forEach((host, w) -> {
            if (rebuilt.hosts.containsKey(host)) {
                reconcile(rebuilt.hosts.get(host), w);
            } else if (namespaces.contains(host)) {
                // Marked by an older netgroovy (no marks inside): kept, less the containers whose namespace is gone.
                for (Container c : List.copyOf(w.containers.values())) {
                    if (c.name.equals(c.namespace) && !namespaces.contains(c.name)) {
                        w.containers.remove(c.name);
                        w.specs.remove("container " + c.name);
                    }
                }
                rebuilt.hosts.put(host, w);
                w.containers.values().forEach(c -> rebuilt.namespaces.add(c.namespace));
            }
        });
        return rebuilt;
    }

    private static boolean sameId(Container a, Container b) {
        return a.id.equals(b.id) || a.id.startsWith(b.shortId()) && b.id.endsWith("0".repeat(52));
    }
}
