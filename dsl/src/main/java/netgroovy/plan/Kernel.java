package netgroovy.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import netgroovy.firewall.Iptables;
import netgroovy.kernel.Address;
import netgroovy.kernel.ExecResult;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.Link;
import netgroovy.kernel.Route;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * The system as operations see it: exactly what they ask of it and do to it, grouped by
 * concept, with places named as {@link Where}s (never as open namespaces). Three systems offer
 * it: {@link LiveKernel} (the real one: rtnetlink, /proc/sys, iptables-save/-restore),
 * {@link MemoryKernel} (a model in memory, so plans can be tested without root or
 * namespaces) and {@link RecordingKernel} (any of them, writing down each call).
 */
public interface Kernel extends AutoCloseable {

    Links links(Where where);

    Addresses addresses(Where where);

    Routes routes(Where where);

    Namespaces namespaces();

    /** A kernel parameter ("net.ipv4.ip_forward"), as its /proc/sys file holds it, stripped. */
    String sysctl(Where where, String key);

    void setSysctl(Where where, String key, String value);

    Firewall firewall(Where where);

    /**
     * What is known of a namespace's iptables rules ({@link netgroovy.firewall.Ruleset}): read
     * once, then kept in step with what netgroovy writes through it, so that a statement's
     * firewall questions cost what they ask about, not the number of rules there.
     */
    netgroovy.firewall.Ruleset rules(Where where);

    /** Files of the host netgroovy writes (/etc/netns/NAME/...). */
    Files files();

    /** Runs a command inside {@code where}, as {@code ip netns exec} would. */
    ExecResult exec(Where where, List<String> argv, Duration timeout);

    /**
     * Runs {@code work} on a thread inside {@code where}: a socket belongs to the namespace of
     * the thread that makes it (the userland proxy opens its listeners so).
     */
    void inside(Where where, Runnable work);

    /**
     * Marks the peer name of a veth pair that already existed when a script asked for it:
     * on a re-run, that peer has long been moved and renamed, so the moves and renames
     * of it that follow are done already rather than errors.
     */
    void settle(String where, String name);

    boolean isSettled(String where, String name);

    /** Lets go of what is held on a namespace, so that deleting it really frees it. */
    void forget(Where where);

    /** Lets go of every namespace but the host's; they are opened again when needed. */
    void releaseNamespaces();

    /**
     * A statement ended and the next one of the same run follows: what is held on namespaces
     * may be kept for it, if it is found to be still on the same namespaces when used again.
     */
    default void endStatement() {
        releaseNamespaces();
    }

    /**
     * While a plan is applied (true): answers about links, addresses and routes may be kept
     * and kept in step with what the plan writes, instead of asked for again by every check
     * (the live kernel's {@code netgroovy.kernel.Seen}); false asks each time again. The
     * executor turns it on for a plan's checks and applies, and off before anything is undone.
     */
    default void remember(boolean on) {
    }

    /**
     * While a plan is applied: the links its checks will look up in {@code where}, so that
     * the first look-up there can ask for them all at once ({@link Op#lookups}).
     */
    default void expect(Where where, java.util.Collection<IfName> names) {
    }

    @Override
    void close();

    /** Links of one namespace ({@code ip link}). */
    interface Links {
        void addBridge(IfName name);

        /** {@code peerIn}: where the peer end goes (null: here). */
        void addVeth(IfName a, IfName b, Where peerIn);

        /** As above, end {@code a} born a port of {@code bridge} (still down): in one request where the kernel takes one. */
        default void addVeth(IfName a, IfName b, Where peerIn, IfName bridge) {
            addVeth(a, b, peerIn);
            setMaster(a, bridge);
        }

        void addDummy(IfName name);

        void delete(IfName name);

        void setUp(IfName name);

        /** Sets the alias ({@link #setAlias}) and brings the link up: in one request where the kernel takes one. */
        default void setUp(IfName name, String alias) {
            setAlias(name, alias);
            setUp(name);
        }

        void setDown(IfName name);

        void setMaster(IfName name, IfName bridge);

        /** Plugs the link into the bridge and, when {@code up}, brings it up: in one request where the kernel takes one. */
        default void setMaster(IfName name, IfName bridge, boolean up) {
            setMaster(name, bridge);
            if (up) {
                setUp(name);
            }
        }

        void setNoMaster(IfName name);

        void rename(IfName name, IfName newName);

        void setMac(IfName name, Mac mac);

        /** Sets the MAC address and, when {@code up}, brings the link up: in one request where the kernel takes one. */
        default void setMac(IfName name, Mac mac, boolean up) {
            setMac(name, mac);
            if (up) {
                setUp(name);
            }
        }

        void setMtu(IfName name, int mtu);

        void moveTo(IfName name, Where target);

        void setStp(IfName bridge, boolean on);

        /** Whether a bridge port is in hairpin mode. */
        boolean hairpin(IfName port);

        void setHairpin(IfName port, boolean on);

        /** {@code ip link set dev NAME alias TEXT}: netgroovy's marks (model/Marks). */
        void setAlias(IfName name, String alias);

        /** The mark of a bridge port, and its hairpin mode on: in one request where the kernel takes one. */
        default void setAliasAndHairpin(IfName port, String alias) {
            setAlias(port, alias);
            setHairpin(port, true);
        }

        List<Link> list();

        Optional<Link> get(IfName name);

        /** Index, up and MAC of a link ({@link netgroovy.kernel.Glance}), where the kernel tells them cheaper than the whole link. */
        default Optional<netgroovy.kernel.Glance> glance(IfName name) {
            return get(name).map(netgroovy.kernel.Glance::of);
        }

        default Link require(IfName name) {
            return get(name).orElseThrow(() -> new KernelException("no link named " + name));
        }

        Optional<Link> byIndex(int index);
    }

    /** Addresses of one namespace ({@code ip addr}). */
    interface Addresses {
        void add(IfName dev, Cidr cidr);

        void delete(IfName dev, Cidr cidr);

        List<Address> list();

        /** On one link, which must exist. */
        List<Address> list(IfName dev);
    }

    /** Routes of one namespace's main table ({@code ip route}). */
    interface Routes {
        void add(Cidr destination, IpAddress gateway, IfName dev);

        void delete(Cidr destination, IpAddress gateway, IfName dev);

        /** Whether the main table has this route (dev null: through whichever link). */
        default boolean has(Cidr destination, IpAddress gateway, IfName dev) {
            return list().stream().anyMatch(r -> RouteOps.same(r, destination, gateway, dev));
        }

        List<Route> list();

        /** The route taken to reach {@code to} ({@code ip route get}). */
        Route get(IpAddress to);
    }

    /** Named network namespaces ({@code ip netns}) and containers' UTS namespaces. */
    interface Namespaces {
        boolean exists(String name);

        /** The named namespaces, sorted ({@code ip netns list}). */
        List<String> list();

        /**
         * {@code ip netns add NAME}. With {@code ipv6} false, IPv6 is switched off in it before
         * anything else happens there ({@code net.ipv6.conf.all.disable_ipv6=1}, which also sets
         * the default for interfaces to come), as Docker's sandbox starts; a kernel without IPv6
         * has nothing to switch off.
         */
        void create(String name, boolean ipv6);

        void delete(String name);

        /** Whether {@code name} (a container) has a UTS namespace of its own. */
        boolean hasUts(String name);

        void createUts(String name, String hostname);

        void deleteUts(String name);
    }

    /** One namespace's iptables: read with one save, changed with one restore batch. */
    interface Firewall extends netgroovy.firewall.Tables {
        /** {@code iptables-restore --noflush} of lines grouped by table: all of them, or none. */
        default void restore(Map<String, List<String>> linesByTable) {
            restore(linesByTable, null);
        }
    }

    /** The few host files netgroovy writes, by absolute path. */
    interface Files {
        /** The file's text, or null when there is no such (regular) file. */
        String read(Path file);

        /** Writes the file, making its directories first. */
        void write(Path file, String text);

        /** Adds text at the end of an existing file, without reading it (what {@code >>} does). */
        void append(Path file, String text);

        boolean isDirectory(Path dir);

        void createDirectories(Path dir);

        /** The entries of a directory (none when there is no such directory). */
        List<Path> list(Path dir);

        /** Removes a file or an empty directory; nothing happens when it is not there. */
        void delete(Path path);
    }
}
