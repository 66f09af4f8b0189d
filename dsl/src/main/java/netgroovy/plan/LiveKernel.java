package netgroovy.plan;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import netgroovy.firewall.Iptables;
import netgroovy.kernel.Address;
import netgroovy.kernel.Exec;
import netgroovy.kernel.ExecResult;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.Link;
import netgroovy.kernel.NetNs;
import netgroovy.kernel.Route;
import netgroovy.kernel.Rtnl;
import netgroovy.kernel.Sysctl;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * The real system: one rtnetlink handle per namespace, opened on first use. A handle holds its
 * namespace alive, so {@link #forget} must also be called before a namespace is deleted, or
 * the kernel would keep it (and its veths) around; and a run lets go of all of them when it
 * ends ({@link #releaseNamespaces}), so an idle REPL holds none. Between the statements of a run
 * the handles on the last few named namespaces are kept ({@link #endStatement}): opening one
 * means a trip of a thread into the namespace, which cost a script's endpoint more than all
 * of its checks. A kept handle is checked once per statement, when first used, to be on the
 * namespace that has the name now (one stat of /run/netns/NAME). Views, trace and the words
 * that run processes use {@link #rtnl}, {@link #ns} and {@link #nsOrNull} directly: they need
 * the real thing.
 */
public final class LiveKernel implements Kernel {
    private final NetNs hostNs;
    private final Map<Where, Rtnl> handles = new HashMap<>();
    /** The marks plans wrote ({@link LinkOps.Mark}), by link ({@link Ops#link}); see {@link #marked}. */
    private final Map<String, String> marks = new HashMap<>();
    /** The identity of each named namespace a handle is on (see Namespaces.identity). */
    private final Map<Where, Object> identities = new HashMap<>();
    /** Kept handles found still on their namespace in this statement. */
    private final Set<Where> confirmed = new HashSet<>();
    /** Named handles from the most recently used on, kept between statements up to KEPT (each is a descriptor). */
    private final java.util.LinkedHashSet<Where> recent = new java.util.LinkedHashSet<>();
    private static final int KEPT = 16;
    private final Map<Where, NetNs> namespaces = new HashMap<>();
    private final Set<String> settled = new HashSet<>();
    /** What is known of each namespace's iptables rules; the host's lives as long as this kernel (a run, a REPL session). */
    private final Map<Where, netgroovy.firewall.Ruleset> rulesets = new HashMap<>();
    private netgroovy.kernel.NfGeneration hostGeneration;
    /** The host's nf_tables socket for appending and deleting rules, opened on first use. */
    private netgroovy.kernel.NfRules hostRules;
    private boolean generationAsked;
    /**
     * The host's nf_tables generation as this plan last asked it (-2: not asked): while a plan
     * is applied, the rules are looked at once, not before every operation that reads them
     * (a container's plan has three). Forgotten when the plan ends and whenever a write goes
     * to the kernel: after its own write the Ruleset asks again, to see whether anyone else
     * wrote too.
     */
    private long generationSeen = -2;
    /** The links this plan's checks will look up, by namespace (see {@link #expect}); pushed to each handle as it opens. */
    private final Map<Where, java.util.Set<IfName>> expected = new HashMap<>();
    /**
     * Whether each named namespace is there, as this statement found it: the {@code netns} word
     * asks (to know whether the statement makes it) and its plan's check asks again; the kernel
     * is looked at once. Forgotten when the statement ends and when a command ran.
     */
    private final Map<String, Boolean> namespacesThere = new HashMap<>();
    /** How many times the host's generation was asked of the kernel (tests: once per plan). */
    long generationAsks;
    /** While a plan is applied: each handle keeps what it has seen (see netgroovy.kernel.Seen). */
    private boolean remembering;

    public LiveKernel() {
        this.hostNs = NetNs.current();
    }

    public Rtnl rtnl(Where where) {
        Rtnl r = handles.get(where);
        if (r != null && where.kind() == Where.Kind.NAMED && confirmed.add(where)
                && !identities.get(where).equals(netgroovy.kernel.Namespaces.identity(where.name()))) {
            forget(where); // deleted, or deleted and made again, since the handle was opened
            confirmed.add(where);
            r = null;
        }
        if (r == null) {
            r = where.isHost() ? Rtnl.host() : Rtnl.at(ns(where));
            opened(where, r);
        }
        return r;
    }

    private void opened(Where where, Rtnl r) {
        r.remember(remembering);
        java.util.Set<IfName> names = expected.get(where);
        if (names != null) {
            r.links().expect(names);
        }
        handles.put(where, r);
        if (where.kind() == Where.Kind.NAMED) {
            identities.put(where, netgroovy.kernel.Namespaces.identity(where.name()));
            confirmed.add(where);
            recent.remove(where);
            recent.add(where);
        }
    }

    @Override
    public void expect(Where where, java.util.Collection<IfName> names) {
        if (!remembering) {
            return;
        }
        expected.computeIfAbsent(where, w -> new java.util.LinkedHashSet<>()).addAll(names);
        Rtnl r = handles.get(where);
        if (r != null) {
            r.links().expect(names); // (a namespace the plan makes gets them when its handle opens)
        }
    }

    @Override
    public void remember(boolean on) {
        remembering = on;
        generationSeen = -2;
        expected.clear();
        if (on) {
            marks.clear(); // a plan begins: what the last one marked may have changed since
        }
        handles.values().forEach(r -> r.remember(on));
    }

    /**
     * Whether the plan being applied, or the last one, set this alias on this link itself
     * ({@link LinkOps.Mark}, while the link was down): the statement's end, which writes the
     * marks of what it changed, need not write it again on the link now up (see LinkOps.Mark).
     */
    public boolean marked(Where where, IfName name, String alias) {
        return alias.equals(marks.get(Ops.link(where, name)));
    }

    /** Something changed {@code where} behind its handle's back (a veth end born there, a command run there). */
    private void changedBehind(Where where) {
        Rtnl r = handles.get(where == null ? Where.HOST : where);
        if (r != null) {
            r.forgetSeen();
        }
    }

    private void changedEverywhere() {
        namespacesThere.clear();
        handles.values().forEach(Rtnl::forgetSeen);
        generationSeen = -2; // (a command may write rules too)
    }

    /** The namespace, opened (the host's is the one this process started in). */
    public NetNs ns(Where where) {
        if (where.isHost()) {
            return hostNs;
        }
        NetNs ns = namespaces.get(where);
        if (ns == null) {
            ns = switch (where.kind()) {
                case NAMED -> NetNs.named(where.name());
                case PID -> NetNs.ofPid(where.pid());
                case HOST -> throw new KernelException("unreachable");
            };
            namespaces.put(where, ns);
        }
        return ns;
    }

    /** For sysctl and exec: null means "the host", which needs no setns. */
    public NetNs nsOrNull(Where where) {
        return where.isHost() ? null : ns(where);
    }

    @Override
    public Kernel.Links links(Where where) {
        return new LiveLinks(where);
    }

    @Override
    public Kernel.Addresses addresses(Where where) {
        return new Kernel.Addresses() {
            public void add(IfName dev, Cidr cidr) {
                rtnl(where).addresses().add(dev, cidr);
            }

            public void delete(IfName dev, Cidr cidr) {
                rtnl(where).addresses().delete(dev, cidr);
            }

            public List<Address> list() {
                return rtnl(where).addresses().list();
            }

            public List<Address> list(IfName dev) {
                return rtnl(where).addresses().list(dev);
            }
        };
    }

    @Override
    public Kernel.Routes routes(Where where) {
        return new Kernel.Routes() {
            public void add(Cidr destination, IpAddress gateway, IfName dev) {
                rtnl(where).routes().add(destination, gateway, dev);
            }

            public void delete(Cidr destination, IpAddress gateway, IfName dev) {
                rtnl(where).routes().delete(destination, gateway, dev);
            }

            public List<Route> list() {
                return rtnl(where).routes().list();
            }

            public boolean has(Cidr destination, IpAddress gateway, IfName dev) {
                // The link by its index, which the plan has most likely looked up already: no dump of every link.
                Rtnl r = rtnl(where);
                int index = dev == null ? 0 : r.links().get(dev).map(Link::index).orElse(-1);
                return index >= 0 && r.routes().byIndex().stream().anyMatch(x -> RouteOps.same(x, destination, gateway, index));
            }

            public Route get(IpAddress to) {
                return rtnl(where).routes().get(to);
            }
        };
    }

    @Override
    public Kernel.Namespaces namespaces() {
        return new Kernel.Namespaces() {
            public boolean exists(String name) {
                Boolean there = namespacesThere.get(name);
                if (there == null) {
                    there = netgroovy.kernel.Namespaces.exists(name);
                    namespacesThere.put(name, there);
                }
                return there;
            }

            public List<String> list() {
                return netgroovy.kernel.Namespaces.list();
            }

            public void create(String name, boolean ipv6) {
                // The handle's socket is opened by the thread that makes the namespace, while it is
                // in there: no second trip into it for the first link asked about (nor for IPv6's switch).
                Where w = Where.named(name);
                forget(w);
                namespacesThere.remove(name);
                Rtnl r = Rtnl.createNamespace(name, ipv6);
                namespacesThere.put(name, true);
                opened(w, r);
                r.newborn(); // the check of its lo (set up next) needs no question
            }

            public void delete(String name) {
                try {
                    netgroovy.kernel.Namespaces.delete(name);
                } finally {
                    changedEverywhere(); // its veths' other ends go too, in their own time (and whether it is there is asked again)
                }
            }

            public boolean hasUts(String name) {
                return netgroovy.kernel.Namespaces.utsOf(name) != null;
            }

            public void createUts(String name, String hostname) {
                netgroovy.kernel.Namespaces.createUts(name, hostname);
            }

            public void deleteUts(String name) {
                netgroovy.kernel.Namespaces.deleteUts(name);
            }
        };
    }

    @Override
    public String sysctl(Where where, String key) {
        return Sysctl.read(nsOrNull(where), key);
    }

    @Override
    public void setSysctl(Where where, String key, String value) {
        changedBehind(where); // (disable_ipv6 takes addresses away, forwarding changes nothing seen: simply ask again)
        Sysctl.write(nsOrNull(where), key, value);
    }

    @Override
    public Kernel.Firewall firewall(Where where) {
        return new Kernel.Firewall() {
            public Iptables.Saved save() {
                return Iptables.save(nsOrNull(where));
            }

            public void restore(Map<String, List<String>> linesByTable, java.util.function.Function<List<String>, String> before) {
                generationSeen = -2;
                if (before == null) {
                    Iptables.restore(nsOrNull(where), linesByTable); // reads the tables first when there are several
                } else {
                    Iptables.restore(nsOrNull(where), linesByTable, before);
                }
            }

            public long[] commit(List<netgroovy.kernel.NfRules.Change> changes) {
                generationSeen = -2;
                return nft(where, nf -> nf.commit(changes));
            }

            public List<netgroovy.kernel.NfRules.Listed> list(String table, String chain) {
                return nft(where, nf -> nf.list(table, chain));
            }
        };
    }

    /** Work on the nf_tables netlink socket of a namespace: the host's stays open, another's is opened for it. */
    private <T> T nft(Where where, java.util.function.Function<netgroovy.kernel.NfRules, T> work) {
        if (!where.isHost()) {
            try (var nf = netgroovy.kernel.Namespaces.inside(ns(where), netgroovy.kernel.NfRules::open)) {
                return work.apply(nf);
            }
        }
        if (hostRules == null) {
            // A socket belongs to the namespace of the thread that opens it.
            hostRules = netgroovy.kernel.Namespaces.inside(hostNs, netgroovy.kernel.NfRules::open);
        }
        return work.apply(hostRules);
    }

    /**
     * The host's is checked against the nf_tables generation before each use (see
     * {@link netgroovy.firewall.Ruleset}); another namespace's is read again each time it is asked.
     */
    @Override
    public netgroovy.firewall.Ruleset rules(Where where) {
        return rulesets.computeIfAbsent(where, w -> new netgroovy.firewall.Ruleset(firewall(w),
                w.isHost() ? this::hostGeneration : () -> -1));
    }

    private long hostGeneration() {
        if (remembering && generationSeen != -2) {
            return generationSeen;
        }
        long g = askHostGeneration();
        generationAsks++;
        if (remembering) {
            generationSeen = g;
        }
        return g;
    }

    private long askHostGeneration() {
        if (!generationAsked) {
            generationAsked = true;
            // A socket belongs to the namespace of the thread that opens it.
            hostGeneration = netgroovy.kernel.Namespaces.inside(hostNs, netgroovy.kernel.NfGeneration::open);
        }
        if (hostGeneration == null) {
            return -1;
        }
        try {
            return hostGeneration.current();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public Kernel.Files files() {
        return HOST_FILES;
    }

    /** The host's own files, for callers that have no kernel at hand (the doctor). */
    public static Kernel.Files hostFiles() {
        return HOST_FILES;
    }

    @Override
    public ExecResult exec(Where where, List<String> argv, Duration timeout) {
        changedEverywhere(); // a command may change anything (ip link ..., moving links elsewhere)
        return Exec.run(nsOrNull(where), argv, timeout);
    }

    @Override
    public void inside(Where where, Runnable work) {
        changedEverywhere();
        netgroovy.kernel.Namespaces.inside(ns(where), () -> {
            work.run();
            return null;
        });
    }

    @Override
    public void settle(String where, String name) {
        settled.add(where + "/" + name);
    }

    @Override
    public boolean isSettled(String where, String name) {
        return settled.contains(where + "/" + name);
    }

    @Override
    public void forget(Where where) {
        if (!where.isHost()) {
            rulesets.remove(where);
        }
        Rtnl r = handles.remove(where);
        if (r != null) {
            r.close();
        }
        identities.remove(where);
        recent.remove(where);
        NetNs ns = namespaces.remove(where);
        if (ns != null) {
            ns.close();
        }
    }

    /**
     * Keeps the handles on the {@value #KEPT} named namespaces used last (checked again when next
     * used), and lets go of the rest: handles on processes' namespaces, open namespace files,
     * and what is known of namespaces' rules (a command run in one between statements changes them).
     */
    @Override
    public void endStatement() {
        // (every statement ends here: nothing is copied unless something is to go)
        confirmed.clear();
        namespacesThere.clear();
        int surplus = recent.size() - KEPT;
        if (surplus > 0) {
            for (Where w : new ArrayList<>(recent)) {
                if (surplus-- <= 0) {
                    break;
                }
                forget(w);
            }
        }
        List<Where> byPid = null;
        for (Where w : handles.keySet()) {
            if (w.kind() == Where.Kind.PID) {
                if (byPid == null) {
                    byPid = new ArrayList<>();
                }
                byPid.add(w);
            }
        }
        if (byPid != null) {
            byPid.forEach(this::forget);
        }
        if (!namespaces.isEmpty()) {
            for (Where w : new ArrayList<>(namespaces.keySet())) {
                namespaces.remove(w).close();
            }
        }
        rulesets.keySet().removeIf(w -> !w.isHost());
    }

    @Override
    public void releaseNamespaces() {
        for (Where w : new ArrayList<>(handles.keySet())) {
            if (!w.isHost()) {
                forget(w);
            }
        }
        for (Where w : new ArrayList<>(namespaces.keySet())) {
            forget(w);
        }
    }

    @Override
    public void close() {
        for (Where w : new ArrayList<>(handles.keySet())) {
            forget(w);
        }
        for (Where w : new ArrayList<>(namespaces.keySet())) {
            forget(w);
        }
        handles.clear();
        rulesets.clear();
        if (hostRules != null) {
            hostRules.close();
            hostRules = null;
        }
        if (hostGeneration != null) {
            hostGeneration.close();
        }
        hostNs.close();
    }

    /** One namespace's links over its rtnetlink handle. */
    private final class LiveLinks implements Kernel.Links {
        private final Where where;

        LiveLinks(Where where) {
            this.where = where;
        }

        private netgroovy.kernel.Links l() {
            return rtnl(where).links();
        }

        public void addBridge(IfName name) {
            l().addBridge(name);
        }

        public void addVeth(IfName a, IfName b, Where peerIn) {
            try {
                l().addVeth(a, b, peerIn == null || peerIn.equals(where) ? null : ns(peerIn));
            } finally {
                if (peerIn != null && !peerIn.equals(where)) {
                    changedBehind(peerIn);
                }
            }
        }

        public void addVeth(IfName a, IfName b, Where peerIn, IfName bridge) {
            try {
                l().addVeth(a, b, peerIn == null || peerIn.equals(where) ? null : ns(peerIn), bridge);
            } finally {
                if (peerIn != null && !peerIn.equals(where)) {
                    changedBehind(peerIn);
                }
            }
        }

        public void addDummy(IfName name) {
            l().addDummy(name);
        }

        public void delete(IfName name) {
            try {
                l().delete(name);
            } finally {
                changedEverywhere(); // a veth's peer goes too, wherever it was
            }
        }

        public void setUp(IfName name) {
            l().setUp(name);
        }

        public void setUp(IfName name, String alias) {
            l().setUp(name, alias);
            marks.put(Ops.link(where, name), alias);
        }

        public void setDown(IfName name) {
            l().setDown(name);
        }

        public void setMaster(IfName name, IfName bridge) {
            l().setMaster(name, bridge);
        }

        public void setMaster(IfName name, IfName bridge, boolean up) {
            l().setMaster(name, bridge, up);
        }

        public void setNoMaster(IfName name) {
            l().setNoMaster(name);
        }

        public void rename(IfName name, IfName newName) {
            l().rename(name, newName);
        }

        public void setMac(IfName name, Mac mac) {
            l().setMac(name, mac);
        }

        public void setMac(IfName name, Mac mac, boolean up) {
            l().setMac(name, mac, up);
        }

        public void setMtu(IfName name, int mtu) {
            l().setMtu(name, mtu);
        }

        public void moveTo(IfName name, Where target) {
            try {
                l().moveTo(name, ns(target));
            } finally {
                changedBehind(target);
            }
        }

        public void setStp(IfName bridge, boolean on) {
            l().setStp(bridge, on);
        }

        public boolean hairpin(IfName port) {
            return l().hairpin(port);
        }

        public void setHairpin(IfName port, boolean on) {
            l().setHairpin(port, on);
        }

        public void setAlias(IfName name, String alias) {
            l().setAlias(name, alias);
            marks.put(Ops.link(where, name), alias);
        }

        public void setAliasAndHairpin(IfName port, String alias) {
            l().setAliasAndHairpin(port, alias);
            marks.put(Ops.link(where, port), alias);
        }

        public List<Link> list() {
            return l().list();
        }

        public Optional<Link> get(IfName name) {
            return l().get(name);
        }

        public Link require(IfName name) {
            return l().require(name);
        }

        public Optional<netgroovy.kernel.Glance> glance(IfName name) {
            return l().glance(name);
        }

        public Optional<Link> byIndex(int index) {
            return l().byIndex(index);
        }
    }

    /** The host's own files, through java.nio. */
    private static final Kernel.Files HOST_FILES = new Kernel.Files() {
        // Each asks the file system as little as it can: a container's files are written at each
        // container statement, into /etc/netns, an overlay in the sandbox where every look-up costs.
        public String read(Path file) {
            try {
                return java.nio.file.Files.readString(file);
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                if (!java.nio.file.Files.isRegularFile(file)) {
                    return null; // a directory, or something else that holds no text
                }
                throw new KernelException("cannot read " + file + ": " + e.getMessage());
            }
        }

        public void write(Path file, String text) {
            try {
                try {
                    java.nio.file.Files.writeString(file, text);
                } catch (java.nio.file.NoSuchFileException e) {
                    java.nio.file.Files.createDirectories(file.getParent()); // the first file of its folder
                    java.nio.file.Files.writeString(file, text);
                }
            } catch (IOException e) {
                throw new KernelException("cannot write " + file + ": " + e.getMessage());
            }
        }

        public void append(Path file, String text) {
            try {
                java.nio.file.Files.writeString(file, text, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new KernelException("cannot append to " + file + ": " + e.getMessage());
            }
        }

        public boolean isDirectory(Path dir) {
            return java.nio.file.Files.isDirectory(dir);
        }

        public void createDirectories(Path dir) {
            try {
                java.nio.file.Files.createDirectories(dir);
            } catch (IOException e) {
                throw new KernelException("cannot create " + dir + ": " + e.getMessage());
            }
        }

        public List<Path> list(Path dir) {
            if (!java.nio.file.Files.isDirectory(dir)) {
                return List.of();
            }
            try (var entries = java.nio.file.Files.list(dir)) {
                return entries.sorted().toList();
            } catch (IOException e) {
                throw new KernelException("cannot list " + dir + ": " + e.getMessage());
            }
        }

        public void delete(Path path) {
            try {
                java.nio.file.Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new KernelException("cannot remove " + path + ": " + e.getMessage());
            }
        }
    };
}
