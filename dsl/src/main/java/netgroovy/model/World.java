package netgroovy.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netgroovy.docker.Container;
import netgroovy.docker.Network;
import netgroovy.value.IpAddress;

/**
 * What netgroovy has built, as it plans: the Docker containers and networks (with their
 * address management), the daemon's options, the ports containers expose, the addresses
 * bridges were given, and the namespaces netgroovy made. It is kept in the state store
 * ({@link StateStore}) so that later runs and other processes see the same world, and it is
 * changed as a statement is planned but kept only if the statement is applied.
 *
 * <p>Its collections remember what a statement touched ({@link Tracked}), so that keeping a
 * statement's changes costs what the statement changed, not what the world holds.
 */
public final class World {
    public final Map<String, Container> containers = new Tracked.Map<>();

    /**
     * The containers, for a loop that only reads them and changes none: not counted as touching
     * every one, so a statement's changes are looked for among those it did touch (iterating
     * {@code containers.values()} makes the store fingerprint every container at the statement's end).
     */
    public java.util.Collection<Container> containersReadOnly() {
        return ((Tracked.Map<Container>) containers).readOnlyValues();
    }

    /**
     * The names containers link to (Docker's legacy links), filed the first time they are asked
     * for in this world and kept up to date by {@link #linked}: a new container looks for the
     * containers that link to its name (it was removed and made again), a walk over all of them
     * that most worlds, without links, need not take. A name stays filed when the link goes: it
     * only costs that walk. (Only the daemon adds links to a world in use; a world read back from
     * the store or rebuilt is a new one, filed afresh.)
     */
    private Set<String> linkTargets;

    /** Whether some container may link to {@code name} (see {@link #linkTargets}). */
    public boolean someoneLinksTo(String name) {
        if (linkTargets == null) {
            linkTargets = new java.util.HashSet<>();
            for (Container c : containersReadOnly()) {
                linkTargets.addAll(c.links.values());
            }
        }
        return linkTargets.contains(name);
    }

    /** A container of this world now links to {@code target}. */
    public void linked(String target) {
        if (linkTargets != null) {
            linkTargets.add(target);
        }
    }

    public final Map<String, Network> networks = new Tracked.Map<>();
    /** dockerd's --dns and --dns-search: the defaults for containers. */
    public List<String> dns = List.of();
    public List<String> dnsSearch = List.of();
    /** dockerd's --ip: the host address published ports bind to when a mapping names none. */
    public IpAddress defaultHostIp;
    /** dockerd's portRange ("32768-60999"): where -P ports come from; null: the kernel's ip_local_port_range. */
    public String portRange;
    /** dockerd's --mtu for the default bridge's containers (0: the kernel's default). */
    public int mtu;
    /**
     * dockerd's --userland-proxy (off unless {@code userlandProxy: true}): Docker's default
     * mode, in which a proxy serves every published port and the rules leave the bridge's own
     * and the host's 127.0.0.1 traffic to it (see {@code DockerRules}).
     */
    public boolean userlandProxy;
    /**
     * The last ephemeral host port handed out, per "HOSTIP/PROTOCOL RANGE": Docker's allocator
     * continues after it (wrapping round) instead of taking the lowest free port.
     */
    public final Map<String, Integer> lastPorts = new LinkedHashMap<>();
    /** How containers on user networks find each other by name: "hosts" (/etc/hosts, the seeds' era) or "embedded" (a DNS server at 127.0.0.11, Docker ≥1.10). */
    public String resolver = HOSTS;
    public static final String HOSTS = "hosts", EMBEDDED = "embedded";
    /** False after {@code iptables false} (Docker's --iptables=false): no rules are written. */
    public boolean iptables = true;
    /** Ports each container offers ("6379/tcp"), for links and publishAll. */
    public final Map<String, List<String>> exposed = new Tracked.Map<>();
    /**
     * Published ports by container, as "HOSTADDR:HOSTPORT->PORT/PROTO": what publish made, so
     * that port, clashes and the next ephemeral port are answered without reading the rules.
     */
    public final Map<String, List<String>> published = new Tracked.Map<>();

    /** Each container's published records, for a loop that only reads them (as {@link #containersReadOnly}). */
    public void readPublished(java.util.function.BiConsumer<String, List<String>> reader) {
        ((Tracked.Map<List<String>>) published).readEach(reader);
    }

    private final netgroovy.firewall.Bindings.Kept publishedIndex = new netgroovy.firewall.Bindings.Kept();

    /**
     * The published ports filed by host port, for finding a clash or a free port: kept with
     * the world and brought up to date when asked, at the cost of what changed since.
     */
    public netgroovy.firewall.Bindings.Index publishedIndex() {
        return publishedIndex.of(this::readPublished);
    }

    /** The address each bridge was given (its subnet is what MASQUERADE covers). */
    public final Map<String, String> bridgeCidrs = new Tracked.Map<>();
    /** The bridges that have Docker's firewall rules ({@code firewall}), with their icc setting. */
    public final Map<String, Boolean> firewalls = new Tracked.Map<>();
    /** What each Docker object was made with ("container web" -> its options), so a re-run is recognised. */
    public final Map<String, String> specs = new Tracked.Map<>();
    /** Named namespaces netgroovy made. */
    public final Set<String> namespaces = new Tracked.Names();
    /**
     * Docker daemons on lab hosts (namespaces standing for machines, {@code netns('h1') {
     * dockerd() }}): each one's world, by the host's namespace. Their containers' names are
     * namespaces too, so a name is taken on every host at once. Few and small: the store
     * compares each of them whole at every statement ({@link Ledger}).
     */
    public final Map<String, World> hosts = new LinkedHashMap<>();

    public void expose(String container, String port) {
        List<String> ports = exposed.computeIfAbsent(container, c -> new ArrayList<>());
        if (!ports.contains(port)) {
            ports.add(port);
        }
    }

    public List<String> exposed(String container) {
        return exposed.getOrDefault(container, List.of());
    }

    public boolean isEmpty() {
        return containers.isEmpty() && networks.isEmpty() && exposed.isEmpty() && published.isEmpty() && bridgeCidrs.isEmpty() && firewalls.isEmpty() && specs.isEmpty() && namespaces.isEmpty()
                && dns.isEmpty() && dnsSearch.isEmpty() && defaultHostIp == null && portRange == null && mtu == 0 && iptables
                && !userlandProxy && lastPorts.isEmpty() && resolver.equals(HOSTS) && hosts.isEmpty();
    }
}
