package netgroovy.dsl;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import netgroovy.kernel.Address;
import netgroovy.kernel.Exec;
import netgroovy.kernel.Sysctl;
import netgroovy.model.Marks;
import netgroovy.model.World;
import netgroovy.plan.LinkOps;
import netgroovy.plan.NamespaceOps;
import netgroovy.plan.SysctlOp;
import netgroovy.plan.Where;
import netgroovy.render.Views;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;

/**
 * The vocabulary of a netgroovy script: every top-level word is a method or property here.
 * Words add operations to the statement's plan (see {@link Session}); views, {@code ping}
 * and {@code sh} look at the live system and return what they saw.
 */
public abstract class NetgroovyScript extends Script {
    /** Binding variable under which the runner hands the session to each script. */
    public static final String SESSION = "__netgroovy_session";

    protected Session session() {
        return (Session) getBinding().getVariable(SESSION);
    }

    /** Inserted before every statement by {@link StatementMarker}. */
    public void __statement(int line) {
        session().statement(line);
    }

    /** Inserted before every statement of a helper by {@link StatementMarker}: the line, for errors. */
    public void __line(int line) {
        session().at(line);
    }

    /** The end of a statement (see {@link StatementMarker}): its plan is applied now. */
    public Object __ended(Object value) {
        session().flush();
        return value;
    }

    /** A statement failed part-way (see {@link StatementMarker}): what it planned is dropped. */
    public Throwable __failed(Throwable thrown) {
        session().failed(thrown);
        return thrown;
    }

    /**
     * {@code if (dryRun) ...}: true in a dry run ({@code --dry-run}, {@code :dry-run on}), for
     * scripts whose later steps need what only a live run has (a command's output).
     */
    public boolean getDryRun() {
        return session().dryRun();
    }

    /** Guards every {@code assert} (see {@link StatementMarker}): false, and said so, in a dry run. */
    /** After an {@code assert} that failed or threw: live, that stands; dry, it was not checked (see {@link StatementMarker}). */
    public void __unchecked(Throwable thrown) throws Throwable {
        if (session().live()) {
            throw thrown;
        }
    }

    public boolean __checking(int line) {
        if (session().live()) {
            return true;
        }
        if (session().dryRun()) {
            session().out().println("# dry run: the assertion on line " + line + " is not checked");
        }
        return false;
    }

    // ---- namespaces -------------------------------------------------------------------

    /** {@code netns 'c1'}: a named namespace (made if missing, with lo up). {@code netns(pid)}: a process's. */
    public NsRef netns(Object nameOrPid) {
        Where w = Names.where(nameOrPid);
        if (w.kind() == Where.Kind.NAMED) {
            named(w, true);
        } else if (w.kind() == Where.Kind.PID && session().live()) {
            session().liveKernel().ns(w); // fails now, with a clear message, if there is no such process
        }
        return new NsRef(this, w);
    }

    /** A container's namespace, as Docker's sandbox is made: as {@code netns NAME}, with IPv6 off in it. */
    void containerNetns(String name) {
        named(Where.named(name), false);
    }

    private void named(Where w, boolean ipv6) {
        // Planned every time it is said: the plan's check skips a namespace that is there.
        // Only one netgroovy makes is its own (marked, and removed by teardown): a namespace
        // a container runtime made and hands to netgroovy-cni stays the runtime's.
        session().add(new NamespaceOps.Create(w.name(), ipv6));
        // New: neither made by netgroovy already (this statement or an earlier one) nor in the
        // kernel (which a dry run never asks).
        World world = session().world();
        boolean made = !world.namespaces.contains(w.name()) && (!session().live() || !session().kernel().namespaces().exists(w.name()));
        if (made) {
            world.namespaces.add(w.name());
            // Its lo goes up with its mark (the namespace's, or its container's) in one request:
            // the statement's end would otherwise write the mark with one more.
            session().add(new LinkOps.Mark(w, IfName.of("lo"), () -> Marks.namespaceMark(world, w.name()), true));
        } else {
            session().add(new LinkOps.SetUp(w, IfName.of("lo"), true));
        }
    }

    /**
     * {@code netns('c1') { ... }}: the statements of the block work inside the namespace, or
     * inside the container of that name (in its namespace, whichever that is, with its
     * hostname, files and environment).
     */
    public Object netns(Object nameOrPid, @DelegatesTo(value = NetgroovyScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
        Place p = place(nameOrPid);
        return session().inside(p.where(), p.container(), body::call);
    }

    /** What {@link SettingsNotation} writes for {@code netns 'c1' < ... >} and {@code netns 'c1' { ... }}. */
    static final String NETNS_MADE = "__netnsMade";

    /**
     * {@code netns 'c1' { ... }}: as {@code netns 'c1'} (made when missing), then the block inside
     * it; a container's name leads into the container as {@code netns('web') { }} does.
     */
    public Object __netnsMade(Object nameOrPid, @DelegatesTo(value = NetgroovyScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
        if (nameOrPid instanceof CharSequence name && !name.toString().equals("host")
                && dockerWords().find(name.toString()) == null) {
            netns(nameOrPid);
        }
        return netns(nameOrPid, body);
    }

    /** Where a name leads, and the Docker container it names, if it names one. */
    record Place(Where where, String container) {
    }

    /**
     * A container's name leads to its namespace (another container's for {@code container:X},
     * the host for {@code host}); any other name must be a namespace that exists or that this
     * session makes. A typo is an error, never a new empty namespace.
     */
    Place place(Object nameOrPid) {
        if (nameOrPid instanceof ContainerRef c) {
            nameOrPid = c.getName();
        }
        if (nameOrPid instanceof NsRef ref) {
            return new Place(ref.where(), null);
        }
        if (!(nameOrPid instanceof CharSequence text) || text.toString().equals("host")) {
            Where w = Names.where(nameOrPid);
            if (w.kind() == Where.Kind.PID && session().live()) {
                session().liveKernel().ns(w); // fails now, with a clear message, if there is no such process
            }
            return new Place(w, null);
        }
        String name = text.toString();
        var c = dockerWords().find(name);
        if (c != null) {
            return new Place(c.namespace == null ? Where.HOST : Where.named(c.namespace), name);
        }
        Where w = Names.where(name);
        if (session().mentions(w) || (session().live() ? session().kernel().namespaces().exists(name) : netgroovy.kernel.Namespaces.exists(name))) {
            return new Place(w, null);
        }
        java.util.Set<String> known = new java.util.TreeSet<>(netgroovy.kernel.Namespaces.list());
        known.addAll(dockerWords().containerNames());
        String close = Words.closest(name, known);
        throw new InvalidValueException("no namespace or container '" + name + "'"
                + (close != null ? "; did you mean '" + close + "'? (" : known.isEmpty() ? " (" : " (there are: " + String.join(", ", known) + "; ")
                + "netns '" + name + "' makes a new namespace)");
    }

    /**
     * {@code delete netns('c1')}, {@code delete link('A')}, {@code delete bridge('br0')}, {@code
     * delete web} (a container), {@code delete n} (a network), {@code delete addr('10.0.0.1/24')
     * dev 'eth0'}, {@code delete route('10.1.0.0/24') via '10.0.0.2'}. Returns what it was given,
     * so a chain (dev, via) goes on.
     */
    public Object delete(Object what) {
        if (what instanceof AddrSpec a) {
            return a.removing();
        }
        if (what instanceof RouteSpec r) {
            return r.removing();
        }
        if (what instanceof NsRef ns && ns.where().kind() == Where.Kind.NAMED) {
            String name = ns.where().name();
            var labHost = session().world().hosts.get(name);
            if (labHost != null && !labHost.containers.isEmpty()) {
                throw new InvalidValueException(name + " is a Docker host with containers (" + String.join(", ", labHost.containers.keySet())
                        + "); rm them first");
            }
            dockerWords().of(name).firewall().forgetContainer(name);
            removeNamespace(name);
            session().world().hosts.remove(name); // the machine is gone, and its daemon with it
        } else if (what instanceof LinkSpec l) {
            var d = dockerWords().hereIfAny();
            if (d != null) {
                d.firewall().forgetBridge(l.name().name());
            }
            l.delete();
        } else if (what instanceof ContainerRef c) {
            rm(c.getName()); // Docker's objects go as Docker removes them
        } else if (what instanceof NetworkRef n) {
            networkRm(n.getName());
        } else if (what instanceof BridgeSpec b) {
            var d = dockerWords().hereIfAny();
            (d != null ? d : dockerWords().at(Where.HOST)).firewall().forgetBridge(b.name().name());
            session().add(new LinkOps.Delete(session().here(), b.name()));
            if (session().here().isHost()) {
                session().world().bridgeCidrs.remove(b.name().name()); // its address goes with it
            }
        } else {
            throw new InvalidValueException("delete takes netns('NAME'), link('NAME'), bridge('NAME'), addr('CIDR'), route('DEST'), a container or a network, not " + what
                    + (what instanceof CharSequence ? " (for a container: rm '" + what + "'; a network: networkRm '" + what + "')" : ""));
        }
        return what;
    }

    /** A named namespace goes, as {@code delete netns(NAME)} removes it (the rules of a container in it are gone already). */
    void removeNamespace(String name) {
        session().add(new NamespaceOps.Delete(name));
        session().world().namespaces.remove(name);
    }

    <T> T inside(Where w, Supplier<T> body) {
        return session().inside(w, body);
    }

    // ---- links ------------------------------------------------------------------------

    /** {@code bridge 'bridge0' cidr '192.168.5.1/24'}: a bridge, up, with its address. */
    public BridgeSpec bridge(String name) {
        return new BridgeSpec(session(), session().here(), IfName.of(name));
    }

    /**
     * {@code bridge('br0') { cidr '10.0.0.1/24'; stp off }}, also written as the design card
     * does, {@code bridge 'br0' < cidr '10.0.0.1/24'; stp off >} (see {@link SettingsNotation}):
     * the words of the chain, one per statement, as one plan.
     */
    public BridgeSpec bridge(String name, @DelegatesTo(value = BridgeSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> settings) {
        return configure(() -> bridge(name), settings);
    }

    /**
     * Runs a settings block on the object a word made: the block's words go to it first (then
     * to the script), and the word and its settings are one plan, applied whole or not at all.
     */
    private <T> T configure(Supplier<T> make, Closure<?> settings) {
        return session().group(() -> {
            T spec = make.get();
            Closure<?> c = settings.rehydrate(spec, settings.getOwner(), settings.getThisObject());
            c.setResolveStrategy(Closure.DELEGATE_FIRST);
            c.call(spec);
            return spec;
        });
    }

    /** {@code veth('A', 'B')}: a veth pair; continue with the words of {@code link} on A. */
    public LinkSpec veth(String a, String b) {
        IfName one = IfName.of(a);
        IfName two = IfName.of(b);
        if (one.equals(two)) {
            throw new InvalidValueException("a veth pair needs two different names, not " + a + " twice");
        }
        session().add(new LinkOps.CreateVeth(session().here(), one, two, null));
        return new LinkSpec(session(), session().here(), one);
    }

    /** {@code veth 'A', 'B', peerIn: 'c1'}: B is born inside c1. */
    public LinkSpec veth(Map<String, Object> options, String a, String b) {
        Options.check("veth", options, "peerIn");
        Object peer = options.get("peerIn");
        IfName one = IfName.of(a);
        session().add(new LinkOps.CreateVeth(session().here(), one, IfName.of(b), peer == null ? null : Names.where(peer)));
        return new LinkSpec(session(), session().here(), one);
    }

    /** {@code veth('A', 'B') { into 'c1'; up }}: the settings go to A. */
    public LinkSpec veth(String a, String b, @DelegatesTo(value = LinkSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> settings) {
        return configure(() -> veth(a, b), settings);
    }

    public LinkSpec veth(Map<String, Object> options, String a, String b,
                         @DelegatesTo(value = LinkSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> settings) {
        return configure(() -> veth(options, a, b), settings);
    }

    /** {@code link('A') { master 'br0'; up }}. */
    public LinkSpec link(String name, @DelegatesTo(value = LinkSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> settings) {
        return configure(() -> link(name), settings);
    }

    /** {@code link 'A' master 'docker0' up}: changes to an existing link. */
    public LinkSpec link(String name) {
        return new LinkSpec(session(), session().here(), IfName.of(name));
    }

    // ---- addresses, routes, sysctl --------------------------------------------------------

    /** {@code addr '172.17.42.99/16' dev 'eth0'}. */
    public AddrSpec addr(String cidr) {
        return new AddrSpec(session(), session().here(), cidr);
    }

    /** {@code addr('10.0.0.1/24') { dev 'eth0' }}. */
    public AddrSpec addr(String cidr, @DelegatesTo(value = AddrSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> settings) {
        return configure(() -> addr(cidr), settings);
    }

    /** {@code route('default') { via '10.0.0.1' }}. */
    public RouteSpec route(String destination, @DelegatesTo(value = RouteSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> settings) {
        return configure(() -> route(destination), settings);
    }

    public RouteSpec unroute(String destination, @DelegatesTo(value = RouteSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> settings) {
        return configure(() -> unroute(destination), settings);
    }

    /** {@code route 'default' via '172.17.42.1'}; {@code route '10.1.1.2/32' dev 'A'}. */
    public RouteSpec route(String destination) {
        return new RouteSpec(session(), session().here(), destination, false);
    }

    /** {@code unroute 'default' via '172.17.42.1'}: removes a route. */
    public RouteSpec unroute(String destination) {
        return new RouteSpec(session(), session().here(), destination, true);
    }

    /** {@code sysctl 'net.ipv4.ip_forward', 1}. */
    public void sysctl(String key, Object value) {
        if (session().target().equals("sandbox") && !(key.startsWith("net.") || key.startsWith("net/"))) {
            throw new InvalidValueException("sysctl " + key + " belongs to the whole machine, not to a network namespace; "
                    + "in the sandbox only net.* keys can be set (use --host to change the machine itself)");
        }
        session().add(new SysctlOp(session().here(), key, String.valueOf(value instanceof Boolean b ? (b ? 1 : 0) : value)));
    }

    /** {@code sysctl('net.ipv4.ip_forward')}: the current value. */
    public String sysctl(String key) {
        session().flush();
        if (!session().live()) {
            return "?";
        }
        Where w = session().here();
        return session().kernel().sysctl(w, key);
    }

    /**
     * {@code cidrOf 'br1'}: the first global IPv4 address of a link here, with its prefix
     * ("192.168.1.1/24"), or null when it has none (or in a dry run, where nothing is read).
     */
    public String cidrOf(String link) {
        session().flush();
        if (!session().live()) {
            return null;
        }
        IfName name = IfName.of(link);
        return session().kernel().addresses(session().here()).list(name).stream()
                .filter(a -> a.cidr().isV4() && "global".equals(a.scope()))
                .map(a -> a.cidr().toString()).findFirst().orElse(null);
    }

    /** {@code stp on}, {@code stp off}. */
    public boolean getOn() {
        return true;
    }

    public boolean getOff() {
        return false;
    }

    // ---- running things ---------------------------------------------------------------

    /** {@code sh 'ip route'}: runs a shell command here (in the namespace of the block). */
    public Run sh(String command) {
        session().flush();
        Where w = session().here();
        if (!session().live()) {
            session().out().println(w.exec() + command);
            return new Run(command, new netgroovy.kernel.ExecResult(0, "", "", false));
        }
        return new Run(command, runHere(w, List.of("sh", "-c", command)));
    }

    /** {@code exec 'ip', '-4', 'addr'}: runs a program with these arguments, no shell. */
    public Run exec(String... argv) {
        session().flush();
        Where w = session().here();
        String text = String.join(" ", argv);
        if (!session().live()) {
            session().out().println(w.exec() + text);
            return new Run(text, new netgroovy.kernel.ExecResult(0, "", "", false));
        }
        return new Run(text, runHere(w, List.of(argv)));
    }

    /**
     * Runs a command here. In a container's namespace it sees the container's /etc files and
     * gets its links' environment, as a process started by Docker would.
     */
    private netgroovy.kernel.ExecResult runHere(Where w, List<String> argv) {
        netgroovy.kernel.Launch launch = launchHere(w, argv);
        if (!launch.ownEnvOnly() && System.getenv("NETGROOVY_PLAN_LOG") != null) {
            // A netgroovy the command starts is another run: its plans are not this one's.
            launch = launch.withEnv(Map.of("NETGROOVY_PLAN_LOG", ""));
        }
        try {
            return Exec.run(launch, null, Duration.ofSeconds(60));
        } finally {
            session().release(); // the command may have deleted a namespace: holding it would keep it
        }
    }

    /**
     * How a process starts here: in a Docker container as Docker starts one (its namespaces,
     * files and only its environment); in a plain namespace as {@code ip netns exec} does
     * (its /etc/netns files, if any, and netgroovy's environment).
     */
    private netgroovy.kernel.Launch launchHere(Where w, List<String> argv) {
        String container = session().hereContainer();
        if (container == null && w.kind() == Where.Kind.NAMED && dockerWords().find(w.name()) != null) {
            container = w.name();
        }
        if (container != null) {
            netgroovy.docker.Daemon d = dockerWords().of(container);
            return d.launch(d.require(container), argv);
        }
        if (w.kind() == Where.Kind.NAMED) {
            return netgroovy.kernel.Launch.of(session().liveKernel().nsOrNull(w), netgroovy.docker.EtcFiles.wrap(w.name(), argv));
        }
        return netgroovy.kernel.Launch.of(session().liveKernel().nsOrNull(w), argv);
    }

    /** {@code ping '172.17.42.1'} from here; {@code ping 'c2'} pings c2's first address. */
    public PingResult ping(Object to) {
        return ping(Map.of("to", to));
    }

    /** {@code ping from: 'c1', to: 'c2', count: 3}. */
    public PingResult ping(Map<String, Object> args) {
        Options.check("ping", args, "from", "to", "count");
        Object from = args.get("from");
        Object to = args.get("to") instanceof ContainerRef c ? c.getName() : args.get("to");
        if (to == null) {
            throw new InvalidValueException("ping needs a target: ping 'ADDRESS' or ping from: 'c1', to: 'c2'");
        }
        int count = args.containsKey("count") ? ((Number) args.get("count")).intValue() : 1;
        if (from != null) {
            Place p = place(from);
            return session().inside(p.where(), p.container(), () -> ping(Map.of("to", to, "count", count)));
        }
        session().flush();
        String address = addressOf(to);
        String v6 = address.contains(":") ? "-6 " : "";
        if (session().live()) {
            awaitCarrier(session().here());
        }
        Run run = sh("ping " + v6 + "-c " + count + " -i 0.2 -W 1 " + address);
        if (!session().live()) {
            return PingResult.notSent(session().here().label(), address, count);
        }
        return PingResult.parse(session().here().label(), address, count, run);
    }

    /**
     * A veth brought up a moment ago gets its carrier a little later; a ping sent before it is
     * lost, and ARP asks again only after a second. So wait (at most a second) until the veths
     * that are up here have their carrier.
     */
    private void awaitCarrier(Where w) {
        long deadline = System.nanoTime() + 1_000_000_000L;
        try {
            while (System.nanoTime() < deadline && session().kernel().links(w).list().stream()
                    .anyMatch(l -> l.up() && l.isVeth() && !"UP".equals(l.operState()))) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session().release();
        }
    }

    /** A literal address as it is; a namespace name becomes its first global IPv4 address. */
    private String addressOf(Object to) {
        String t = to.toString();
        if (t.matches("[0-9.]+") || t.contains(":")) {
            return t;
        }
        if (!session().live()) {
            return "<address of " + t + ">";
        }
        Where w = Names.where(to);
        for (Address a : session().kernel().addresses(w).list()) {
            if (a.cidr().isV4() && "global".equals(a.scope())) {
                return a.cidr().address().toString();
            }
        }
        throw new InvalidValueException("namespace " + t + " has no IPv4 address to ping");
    }

    // ---- firewall and NAT ------------------------------------------------------------------

    private FirewallWords firewallWords() {
        return new FirewallWords(this);
    }

    /** {@code ipForward true}: the host routes between its interfaces (net.ipv4.ip_forward). */
    public void ipForward(boolean on) {
        dockerWords().at(Where.HOST).firewall().ipForward(on);
    }

    /** {@code iptables false}: write no firewall rules at all (Docker's --iptables=false), on the block's host. */
    public void iptables(boolean on) {
        session().flush();
        dockerWords().here().host().world().iptables = on;
    }

    /** {@code firewall 'docker0'}, {@code firewall 'docker0', icc: false}: Docker's rules for a bridge. */
    public void firewall(String bridge) {
        firewallWords().firewall(Map.of(), bridge);
    }

    public void firewall(Map<String, Object> options, String bridge) {
        firewallWords().firewall(options, bridge);
    }

    /** {@code masquerade 'docker0'}: outbound NAT for the bridge's subnet. */
    public void masquerade(String bridge) {
        firewallWords().here().masquerade(bridge, null);
    }

    public void masquerade(String bridge, String subnet) {
        firewallWords().here().masquerade(bridge, subnet);
    }

    /** {@code publish 'c1', '8080:80', '127.0.0.1::53/udp'}: Docker's -p in all its forms. */
    public List<String> publish(String container, String... specs) {
        return publish(Map.of(), container, specs);
    }

    public List<String> publish(Map<String, Object> options, String container, String... specs) {
        return firewallWords().publish(options, container, List.of(specs)).stream().map(Object::toString).toList();
    }

    /**
     * {@code publishAll 'c1'}: Docker's -P, each exposed port ({@code expose}) to a free host
     * port; {@code publishAll 'c1', 80, '53/udp'} exposes those first.
     */
    public List<String> publishAll(String container, Object... exposed) {
        if (exposed.length > 0) {
            expose(container, exposed);
        }
        return firewallWords().of(container).publishAll(container).stream().map(Object::toString).toList();
    }

    /** {@code expose 'db', 6379, '53/udp'}: the ports a container offers, for links and publishAll. */
    public void expose(String container, Object... ports) {
        firewallWords().of(container).expose(container, java.util.Arrays.stream(ports).map(String::valueOf).toList());
    }

    /** {@code allowLink 'web', 'db'}: with icc false, web may reach exactly db's exposed ports. */
    public void allowLink(String client, String server) {
        firewallWords().of(server).allowLink(client, server);
    }

    /** {@code unpublish 'c1'}: removes the container's published ports, and only those rules. */
    public void unpublish(String container) {
        firewallWords().of(container).unpublish(container);
    }

    /** {@code port 'c1'}: the container's bindings, like docker port. */
    public List<String> port(String container) {
        return firewallWords().of(container).port(container, null);
    }

    /** {@code port 'c1', 80}: the host addresses of one container port. */
    public List<String> port(String container, Object containerPort) {
        return firewallWords().of(container).port(container, String.valueOf(containerPort));
    }

    /** {@code restrict on: 'ext0', allow: '203.0.113.7'}: only that source may reach published ports. */
    public void restrict(Map<String, Object> options) {
        firewallWords().restrict(options);
    }

    /** {@code show nat}: like {@code iptables -t nat -L -n}. */
    public String getNat() {
        return firewallWords().listing("nat");
    }

    /** {@code show filter}: like {@code iptables -t filter -L -n}. */
    public String getFilter() {
        return firewallWords().listing("filter");
    }

    /** {@code show ownRules}: only the rules netgroovy wrote, as iptables-save lines with their table. */
    public String getOwnRules() {
        StringBuilder b = new StringBuilder();
        String table = "";
        for (String line : firewallWords().save().split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1);
            } else if (line.startsWith("-A ") && line.contains("--comment \"netgroovy ")) {
                b.append(String.format("%-7s %s%n", table, line));
            }
        }
        return b.toString();
    }

    /** {@code show iptablesSave}: the rules as iptables-save lines. */
    public String getIptablesSave() {
        return firewallWords().save();
    }

    // ---- Docker ----------------------------------------------------------------------------

    private DockerWords dockerWords() {
        return new DockerWords(this);
    }

    DockerWords dockerWordsFor() {
        return dockerWords();
    }

    /** {@code dockerd()}, {@code dockerd bip: '10.1.0.1/24', icc: false}: the daemon's bridge and options. */
    public void dockerd(Map<String, Object> options) {
        dockerWords().dockerd(options);
    }

    public void dockerd() {
        dockerd(Map.of());
    }

    /** {@code container 'web', link: 'db:db', publish: '8080:80'}: docker run, for the network part. */
    public ContainerRef container(Map<String, Object> options, String name) {
        return new ContainerRef(this, dockerWords().container(options, name).name);
    }

    public ContainerRef container(String name) {
        return container(Map.of(), name);
    }

    /** {@code network 'my-net'}, {@code network 'my-net', subnet: '172.25.0.0/16', gateway: '172.25.0.1'}: docker network create. */
    public NetworkRef network(Map<String, Object> options, String name) {
        netgroovy.docker.Daemon d = dockerWords().here();
        return new NetworkRef(d, dockerWords().network(options, name));
    }

    public NetworkRef network(String name) {
        return network(Map.of(), name);
    }

    /** {@code networkConnect 'my-net', 'web'}: docker network connect. */
    public void networkConnect(String network, String container) {
        dockerWords().connect(Map.of(), network, container);
    }

    /** {@code networkConnect 'my-net', 'web', alias: 'www'}: docker network connect --alias. */
    public void networkConnect(Map<String, Object> options, String network, String container) {
        dockerWords().connect(options, network, container);
    }

    /** {@code networkDisconnect 'my-net', 'web'}: docker network disconnect. */
    public void networkDisconnect(String network, String container) {
        dockerWords().of(container).disconnect(network, container);
    }

    /** {@code networkRm 'my-net'}: docker network rm (refused while containers are attached). */
    public void networkRm(String network) {
        dockerWords().here().removeNetwork(network);
    }

    /** {@code networkPrune()}: removes every user-defined network without containers. */
    public List<String> networkPrune() {
        return dockerWords().here().prune();
    }

    /** {@code networkInspect 'my-net'}: docker network inspect, as JSON. */
    public String networkInspect(String network) {
        session().flush();
        return dockerWords().here().inspectNetwork(network);
    }

    /** {@code networks}: docker network ls. */
    public String getNetworks() {
        return dockerWords().here().networks();
    }

    /** {@code rm 'web'}: docker rm — the namespace, the files, the rules and the address go. */
    public void rm(String name) {
        dockerWords().of(name).rm(name);
    }

    /** {@code inspect 'web'}: the container's network settings as JSON, like docker inspect. */
    public String inspect(String name) {
        session().flush();
        return dockerWords().of(name).inspect(name);
    }

    /** {@code ps}: the containers, with network, address, MAC and ports. */
    public String getPs() {
        session().flush();
        return dockerWords().here().ps();
    }

    // ---- traffic for tutorials and labs ----------------------------------------------------

    /**
     * {@code serve 'world', 9000} / {@code serve 'world', '9001/udp'}: a small server in a
     * namespace that answers "world saw ADDRESS" — who it was reached from.
     */
    public void serve(Object namespace, Object port) {
        session().flush();
        String spec = String.valueOf(port);
        boolean udp = spec.endsWith("/udp");
        int p = netgroovy.firewall.PortMapping.parse(spec).get(0).containerPort();
        if (!session().live()) {
            session().out().println("# serve " + namespace + " " + spec);
            return;
        }
        Where w = place(namespace).where();
        if (udp) {
            session().servers().udp(session().liveKernel().nsOrNull(w), w.label(), p);
        } else {
            session().servers().tcp(session().liveKernel().nsOrNull(w), w.label(), p);
        }
    }

    /**
     * {@code connect from: 'c1', to: '203.0.113.2:9000'} (add {@code /udp} for UDP): the
     * answer of a {@code serve} server, or null when nothing answered.
     */
    public String connect(Map<String, Object> args) {
        Options.check("connect", args, "from", "to");
        session().flush();
        Object to = args.get("to");
        if (to == null || !to.toString().contains(":")) {
            throw new InvalidValueException("connect needs to: 'ADDRESS:PORT', like connect from: 'c1', to: '203.0.113.2:9000'");
        }
        String t = to.toString();
        boolean udp = t.endsWith("/udp");
        t = t.replaceFirst("/(udp|tcp)$", "");
        int colon = t.lastIndexOf(':');
        String address = netgroovy.value.IpAddress.parse(t.substring(0, colon)).toString();
        int port = netgroovy.firewall.PortMapping.parse(t.substring(colon + 1)).get(0).containerPort();
        if (!session().live()) {
            if (session().dryRun()) {
                session().out().println("# dry run: no connection made to " + to + (args.get("from") == null ? "" : " from " + args.get("from")));
            }
            return null;
        }
        Where w = args.get("from") == null ? session().here() : place(args.get("from")).where();
        var ns = session().liveKernel().nsOrNull(w);
        return udp ? EchoServers.connectUdp(ns, address, port) : EchoServers.connectTcp(ns, address, port);
    }

    /** {@code routeGet '203.0.113.2'}: the route the kernel takes from here, as {@code ip route get} says. */
    public String routeGet(String address) {
        session().flush();
        if (!session().live()) {
            return "";
        }
        return session().kernel().routes(session().here()).get(netgroovy.value.IpAddress.parse(address)).describe();
    }

    // ---- seeing and explaining ---------------------------------------------------------

    /**
     * {@code draw()}: the live topology as a Mermaid graph (paste it into Markdown);
     * {@code draw format: 'dot'} as Graphviz DOT, {@code draw format: 'svg', file: 'topo.svg'}
     * through {@code dot -Tsvg}; {@code highlight: trace(...)} (or a list of namespaces) fills
     * the namespaces a packet went through.
     */
    public String draw() {
        return draw(Map.of());
    }

    public String draw(Map<String, Object> options) {
        Options.check("draw", options, "format", "file", "highlight");
        String format = String.valueOf(options.getOrDefault("format", "mermaid"));
        if (!List.of("mermaid", "dot", "svg").contains(format)) {
            throw new InvalidValueException("draw format: '" + format + "' is not one of mermaid, dot, svg");
        }
        session().flush();
        if (!session().live()) {
            return "";
        }
        java.util.Set<String> highlight = new java.util.LinkedHashSet<>();
        Object h = options.get("highlight");
        if (h instanceof netgroovy.trace.Trace t) {
            t.getHops().forEach(hop -> highlight.add(hop.getNamespace()));
        } else if (h instanceof java.util.Collection<?> c) {
            c.forEach(x -> highlight.add(String.valueOf(x)));
        } else if (h != null) {
            highlight.add(String.valueOf(h));
        }
        netgroovy.render.Drawing drawing;
        try {
            drawing = new netgroovy.render.Drawing(session().liveKernel());
        } finally {
            session().release();
        }
        String text = format.equals("mermaid") ? drawing.mermaid(highlight) : drawing.dot(highlight);
        if (format.equals("svg")) {
            netgroovy.kernel.ExecResult svg;
            try {
                svg = Exec.run(null, List.of("dot", "-Tsvg"), text, Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                throw new InvalidValueException("draw format: 'svg' needs Graphviz's dot (Debian: apt-get install graphviz); "
                        + "format: 'dot' gives the text for it");
            }
            if (!svg.ok()) {
                throw new InvalidValueException("dot -Tsvg failed: " + svg.stderr().strip());
            }
            text = svg.stdout();
        }
        Object file = options.get("file");
        if (file != null) {
            try {
                Files.writeString(Path.of(file.toString()), text);
            } catch (java.io.IOException e) {
                throw new InvalidValueException("cannot write " + file + ": " + e.getMessage());
            }
            return "wrote " + file;
        }
        return text;
    }
    // Words that look at what the kernel does with packets; the work is in netgroovy.trace
    // and netgroovy.render.

    /**
     * {@code trace from: 'c1', to: '203.0.113.2:80'} (tcp; {@code '...:53/udp'}, or an address
     * alone for ping): one real packet followed hop by hop — route lookups, bridges, and every
     * firewall rule it met, each led back to the statement that wrote it.
     */
    public netgroovy.trace.Trace trace(Map<String, Object> args) {
        Options.check("trace", args, "from", "to", "proto", "timeout");
        Object to = args.get("to") instanceof ContainerRef c ? c.getName() : args.get("to");
        if (to == null) {
            throw new InvalidValueException("trace needs to:, like trace from: 'c1', to: '203.0.113.2:80'");
        }
        session().flush();
        Object from = args.get("from");
        if (!session().live()) {
            if (session().dryRun()) {
                session().out().println("# dry run: no packet traced to " + to + (from == null ? "" : " from " + from));
            }
            return null;
        }
        Where w = from == null ? session().here() : place(from).where();
        netgroovy.trace.Flow flow = netgroovy.trace.Flow.parse(to.toString(),
                args.get("proto") == null ? null : args.get("proto").toString(), this::firstAddressOf);
        try {
            return new netgroovy.trace.Tracer(session().liveKernel()).timeout(seconds(args.get("timeout"), 1)).trace(w, flow);
        } finally {
            session().release();
        }
    }

    /**
     * {@code pingall()}: every namespace pings every other (Mininet's pingall);
     * {@code pingall 'c1', 'c2', 'c3'}: only those. Prints and returns the matrix ({@code .ok},
     * {@code .failures}).
     */
    public netgroovy.trace.Reachability pingall(Object... names) {
        session().flush();
        List<String> who = new ArrayList<>();
        for (Object n : names) {
            who.add(n.toString());
        }
        if (!session().live()) {
            if (session().dryRun()) {
                session().out().println("# dry run: no pings sent" + (who.isEmpty() ? "" : " between " + String.join(", ", who)));
            }
            return null;
        }
        if (who.isEmpty()) {
            for (String n : netgroovy.kernel.Namespaces.list()) {
                if (hasIpv4(n)) {
                    who.add(n);
                }
            }
        }
        java.util.Map<String, netgroovy.value.IpAddress> address = new java.util.LinkedHashMap<>();
        java.util.Map<String, Where> where = new java.util.LinkedHashMap<>();
        for (String n : who) {
            where.put(n, place(n).where());
            address.put(n, firstAddressOf(n));
        }
        netgroovy.trace.Tracer probe = new netgroovy.trace.Tracer(session().liveKernel());
        try {
            netgroovy.trace.Reachability r = netgroovy.trace.Reachability.measure(who, (a, b) ->
                    "answered".equals(probe.probe(where.get(a), new netgroovy.trace.Flow("icmp", address.get(b), 0))));
            session().out().print(r);
            return r;
        } finally {
            session().release();
        }
    }

    private boolean hasIpv4(String namespace) {
        return session().kernel().addresses(Where.named(namespace)).list().stream()
                .anyMatch(a -> a.cidr().isV4() && "global".equals(a.scope()));
    }

    /** {@code expect 'c1' reaches 'c2:80'}, {@code expect 'c1' blocked 'db:22'}. */
    public ExpectSpec expect(Object from) {
        return new ExpectSpec(this, from);
    }

    /** The check behind {@link ExpectSpec}: an assertion that, failing, says what trace saw. */
    boolean expectation(Object from, Object to, boolean shouldReach) {
        session().flush();
        String said = "expected " + from + (shouldReach ? " to reach " : " to be blocked from ") + to;
        if (!session().live()) {
            if (session().dryRun()) {
                session().out().println("# dry run: not checked: " + said);
            }
            return true;
        }
        Where w = place(from).where();
        netgroovy.trace.Flow flow = netgroovy.trace.Flow.parse(to.toString(), null, this::firstAddressOf);
        netgroovy.trace.Tracer tracer = new netgroovy.trace.Tracer(session().liveKernel());
        try {
            String answer = tracer.probe(w, flow);
            boolean reached = "answered".equals(answer);
            if (reached == shouldReach) {
                return true;
            }
            netgroovy.trace.Trace t = tracer.trace(w, flow);
            throw new AssertionError(said + ", but " + (reached ? "it was answered" : "it got " + answer)
                    + "; trace: " + t.getSummary());
        } finally {
            session().release();
        }
    }

    /** {@code capture 'veth1a2b'}: up to 10 packets on a link (found in whichever namespace has it), at most 5 s. */
    public netgroovy.trace.Capture capture(String link) {
        return capture(Map.of("on", link));
    }

    /**
     * {@code capture on: 'docker0', count: 10, timeout: 5, in: 'c1', file: 'x.pcap'}; {@code on:}
     * may list several links, merged into one time-ordered stream.
     */
    public netgroovy.trace.Capture capture(Map<String, Object> options) {
        netgroovy.trace.Capture.Running run = startCapture(options, 10);
        if (run == null) {
            return null;
        }
        netgroovy.trace.Capture c = netgroovy.trace.Capture.await(run, seconds(options.get("timeout"), 5));
        session().out().print(c);
        return c;
    }

    /** {@code capture(on: 'docker0') { ping from: 'c1', to: 'c2' }}: what crossed the link while the block ran. */
    public netgroovy.trace.Capture capture(Map<String, Object> options,
                                           @DelegatesTo(value = NetgroovyScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
        netgroovy.trace.Capture.Running run = startCapture(options, 0);
        if (run == null) {
            body.call();
            return null;
        }
        netgroovy.trace.Capture c;
        try {
            body.call();
            session().flush();
        } finally {
            c = run.stop();
        }
        session().out().print(c);
        return c;
    }

    private netgroovy.trace.Capture.Running startCapture(Map<String, Object> options, int defaultCount) {
        Options.check("capture", options, "on", "count", "timeout", "in", "file");
        Object on = options.get("on");
        if (on == null) {
            throw new InvalidValueException("capture needs a link: capture 'docker0' or capture on: ['docker0', 'ext0']");
        }
        session().flush();
        List<String> links = new ArrayList<>();
        if (on instanceof java.util.Collection<?> many) {
            many.forEach(l -> links.add(l.toString()));
        } else {
            links.add(on.toString());
        }
        if (!session().live()) {
            if (session().dryRun()) {
                session().out().println("# dry run: no capture on " + String.join(", ", links));
            }
            return null;
        }
        int count = options.containsKey("count") ? ((Number) options.get("count")).intValue() : defaultCount;
        List<netgroovy.trace.Capture.On> where = new ArrayList<>();
        for (String l : links) {
            Where w = options.containsKey("in") ? place(options.get("in")).where() : whereIsLink(l);
            where.add(new netgroovy.trace.Capture.On((w.isHost() ? "" : w.label() + "/") + l, session().liveKernel().nsOrNull(w), l));
        }
        Object file = options.get("file");
        return netgroovy.trace.Capture.start(where, count, file == null ? null : file.toString());
    }

    /** The namespace a link is in: here if it is here, else the only namespace that has one of that name. */
    private Where whereIsLink(String link) {
        IfName name = IfName.of(link);
        if (session().kernel().links(session().here()).get(name).isPresent()) {
            return session().here();
        }
        List<Where> found = new ArrayList<>();
        List<Where> all = new ArrayList<>();
        all.add(Where.HOST);
        session().kernel().namespaces().list().forEach(n -> all.add(Where.named(n)));
        for (Where w : all) {
            if (session().kernel().links(w).get(name).isPresent()) {
                found.add(w);
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw new InvalidValueException("no link '" + link + "' in any namespace (show links lists them)");
        }
        throw new InvalidValueException("there is a link '" + link + "' in " + found.stream().map(Where::label).toList()
                + "; say which: capture on: '" + link + "', in: '" + found.get(1).label() + "'");
    }

    /** A name's first global address (IPv4 first): a container's or a namespace's. */
    private netgroovy.value.IpAddress firstAddressOf(String name) {
        Where w = place(name).where();
        List<Address> all = session().kernel().addresses(w).list();
        return all.stream().filter(a -> "global".equals(a.scope())).sorted((a, b) -> Boolean.compare(!a.cidr().isV4(), !b.cidr().isV4()))
                .map(a -> a.cidr().address()).findFirst()
                .orElseThrow(() -> new InvalidValueException(name + " has no address to reach it by"));
    }

    private static Duration seconds(Object value, double otherwise) {
        double s = value == null ? otherwise : ((Number) value).doubleValue();
        if (s <= 0 || s > 60) {
            throw new InvalidValueException("timeout must be between 0 and 60 seconds, not " + value);
        }
        return Duration.ofMillis((long) (s * 1000));
    }

    // ---- plans ------------------------------------------------------------------------

    /** {@code apply { ... }}: the whole block is one plan; it happens entirely or not at all. */
    public Object apply(@DelegatesTo(value = NetgroovyScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
        return session().group(body::call);
    }

    /** {@code explain { ... }}: prints the commands the block would run, and runs none of them. */
    public List<String> explain(@DelegatesTo(value = NetgroovyScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
        List<String> commands = session().explain(body::call);
        commands.forEach(session().out()::println);
        return commands;
    }

    /**
     * What teardown removed: the commands, as a list for scripts; "removed 12 objects" where a
     * person reads it (the REPL), rather than screens of commands.
     */
    public static final class Removed extends ArrayList<String> {
        Removed(List<String> commands) {
            super(commands);
        }

        @Override
        public String toString() {
            return isEmpty() ? "nothing to remove" : "removed everything netgroovy made: " + size() + (size() == 1 ? " step" : " steps") + " undone";
        }
    }

    /**
     * {@code teardown}: removes everything netgroovy made: what this session made, newest
     * first, then what earlier runs made as the stored world knows it (containers, networks,
     * bridges, namespaces), so that the world is empty again ({@code dockerd()} can run anew).
     */
    public List<String> getTeardown() {
        Removed removed = new Removed(session().teardown());
        if (!session().live() && !session().dryRun()) {
            return removed; // explain: nothing is removed, the world stays
        }
        var world = session().world();
        for (netgroovy.docker.Daemon docker : dockerWords().all()) {
            var on = docker.host().world();
            docker.removeAll();
            for (var n : new ArrayList<>(on.networks.values())) {
                if (n.userDefined()) {
                    docker.removeNetwork(n.name());
                }
            }
        }
        // What this session made is gone already; a dry run's is gone with its journal. A lab
        // host's bridges go too (its namespace may be one netgroovy did not make).
        for (netgroovy.docker.Daemon docker : dockerWords().all()) {
            Where at = docker.host().where();
            var on = docker.host().world();
            java.util.Set<String> bridges = new java.util.LinkedHashSet<>(on.bridgeCidrs.keySet());
            on.networks.values().forEach(n -> bridges.add(n.bridge()));
            for (String b : bridges) {
                if (session().live() && (at.isHost() || session().kernel().namespaces().exists(at.name()))
                        && !session().kernel().links(at).get(IfName.of(b)).isEmpty()) {
                    docker.firewall().forgetBridge(b);
                    session().add(new LinkOps.Delete(at, IfName.of(b)));
                }
            }
        }
        for (String ns : world.namespaces) {
            if (session().live() && session().kernel().namespaces().exists(ns)) {
                dockerWords().at(Where.HOST).firewall().forgetContainer(ns);
                session().add(new NamespaceOps.Delete(ns));
            }
        }
        List<String> more = new ArrayList<>();
        if (!session().pendingEmpty()) {
            more.addAll(session().pendingCommands());
            session().flush();
        }
        session().forgetWorld();
        removed.addAll(more);
        return removed;
    }

    public List<String> teardown() {
        return getTeardown();
    }

    /**
     * {@code doctor()}: compares the stored world, the kernel and the firewall and lists what
     * nothing accounts for (what a statement killed half-way left behind, rules of containers
     * that are gone ...); {@code doctor fix: true} removes it. Equivalent to: {@code netgroovy doctor}.
     */
    public String doctor() {
        return doctor(Map.of());
    }

    public String doctor(Map<String, Object> options) {
        Options.check("doctor", options, "fix");
        return new Doctor(session(), this).examine(Boolean.TRUE.equals(options.get("fix")));
    }

    /** {@code use 'p2p'}: loads a recipe from stdlib-scripts (its functions become words). */
    public void use(String recipe) {
        session().flush();
        Path file = Recipes.find(recipe);
        try {
            String text = Files.readString(file);
            Engine.evaluateInto(this, text, file.getFileName().toString());
        } catch (java.io.IOException e) {
            throw new InvalidValueException("cannot read recipe " + file + ": " + e.getMessage());
        }
    }

    // ---- views ------------------------------------------------------------------------

    private String view(java.util.function.Function<Views, String> render) {
        session().flush();
        if (!session().live()) {
            return "";
        }
        try {
            return render.apply(new Views(session().liveKernel()));
        } finally {
            session().release(); // a view holds nothing once it has answered
        }
    }

    /** {@code links}: like {@code ip -br link}, here. */
    public String getLinks() {
        Where w = session().here();
        return view(v -> v.links(w));
    }

    /** {@code addrs}: like {@code ip -br addr}, here. */
    public String getAddrs() {
        Where w = session().here();
        return view(v -> v.addresses(w));
    }

    /** {@code routes}: like {@code ip route}, here. */
    public String getRoutes() {
        Where w = session().here();
        return view(v -> v.routes(w));
    }

    /** {@code bridges}: like {@code brctl show}. */
    public String getBridges() {
        Where w = session().here();
        return view(v -> v.bridges(w));
    }

    /** {@code namespaces}: like {@code ip netns list}. */
    public String getNamespaces() {
        return view(Views::namespaces);
    }

    /** {@code topology}: the whole picture as a tree. */
    public String getTopology() {
        return view(Views::topology);
    }

    /** {@code show} alone: which views there are. */
    public String getShow() {
        return "views (show NAME prints one): links, addrs, routes, bridges, namespaces, topology; nat, filter, "
                + "ownRules, iptablesSave; ps, networks; and draw() for a picture\n";
    }

    /** {@code show links}: prints a view. */
    public void show(Object view) {
        session().out().print(view);
        if (!String.valueOf(view).endsWith("\n")) {
            session().out().println();
        }
    }

    /** Names of the namespaces that exist now (for scripts that loop over them). */
    public List<String> getNamespaceNames() {
        session().flush();
        return session().live() ? new ArrayList<>(session().kernel().namespaces().list()) : new ArrayList<>();
    }
}
