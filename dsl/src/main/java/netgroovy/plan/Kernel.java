package netgroovy.plan;

import java.util.HashMap;
import java.util.Map;
import netgroovy.firewall.Ruleset;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.NetNs;
import netgroovy.kernel.NfGeneration;
import netgroovy.kernel.Rtnl;

/**
 * The live system as operations see it: one rtnetlink handle per namespace, opened on first
 * use and kept until the statement ends ({@link #releaseNamespaces}). A handle holds its
 * namespace alive, so {@link #forget} must also be called before a namespace is deleted, or the
 * kernel would keep it (and its veths) around.
 */
public final class Kernel implements AutoCloseable {
    private final NetNs hostNs;
    private final Map<Where, Rtnl> handles = new HashMap<>();
    private final Map<Where, NetNs> namespaces = new HashMap<>();

    private final java.util.Set<String> settled = new java.util.HashSet<>();
    /** What is known of each namespace's iptables rules; the host's lives as long as this kernel (a run, a REPL session). */
    private final Map<Where, Ruleset> rulesets = new HashMap<>();
    private NfGeneration hostGeneration;
    private boolean generationAsked;

    public Kernel() {
        this.hostNs = NetNs.current();
    }

    public Rtnl rtnl(Where where) {
        Rtnl r = handles.get(where);
        if (r == null) {
            r = where.isHost() ? Rtnl.host() : Rtnl.at(ns(where));
            handles.put(where, r);
        }
        return r;
    }

    /** The namespace, opened (null for the host, which operations treat as "here"). */
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

    /**
     * The iptables rules of a namespace, read once and then kept in step with what netgroovy
     * writes (see {@link Ruleset}). The host's is checked against the nf_tables generation
     * before each use; another namespace's is read again each time it is asked.
     */
    public Ruleset rules(Where where) {
        return rulesets.computeIfAbsent(where, w -> new Ruleset(() -> nsOrNull(w), w.isHost() ? this::hostGeneration : () -> -1));
    }

    private long hostGeneration() {
        if (!generationAsked) {
            generationAsked = true;
            // A socket belongs to the namespace of the thread that opens it.
            hostGeneration = netgroovy.kernel.Namespaces.inside(hostNs, NfGeneration::open);
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

    /** For sysctl and exec: null means "the host", which needs no setns. */
    public NetNs nsOrNull(Where where) {
        return where.isHost() ? null : ns(where);
    }

    /**
     * Marks the peer name of a veth pair that already existed when a script asked for it:
     * on a re-run, that peer has long been moved and renamed, so the moves and renames
     * of it that follow are done already rather than errors.
     */
    public void settle(String where, String name) {
        settled.add(where + "/" + name);
    }

    public boolean isSettled(String where, String name) {
        return settled.contains(where + "/" + name);
    }

    /** Closes what we hold on a namespace, so that deleting it really frees it. */
    public void forget(Where where) {
        if (!where.isHost()) {
            rulesets.remove(where);
        }
        Rtnl r = handles.remove(where);
        if (r != null) {
            r.close();
        }
        NetNs ns = namespaces.remove(where);
        if (ns != null) {
            ns.close();
        }
    }

    /** Closes every handle on a namespace but the host's; they are opened again when needed. */
    public void releaseNamespaces() {
        for (Where w : new java.util.ArrayList<>(handles.keySet())) {
            if (!w.isHost()) {
                forget(w);
            }
        }
        for (Where w : new java.util.ArrayList<>(namespaces.keySet())) {
            forget(w);
        }
    }

    @Override
    public void close() {
        for (Where w : new java.util.ArrayList<>(handles.keySet())) {
            forget(w);
        }
        for (Where w : new java.util.ArrayList<>(namespaces.keySet())) {
            forget(w);
        }
        handles.clear();
        rulesets.clear();
        if (hostGeneration != null) {
            hostGeneration.close();
        }
        hostNs.close();
    }
}
