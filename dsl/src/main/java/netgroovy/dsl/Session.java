package netgroovy.dsl;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import netgroovy.plan.Executor;
import netgroovy.plan.Kernel;
import netgroovy.plan.Op;
import netgroovy.plan.Plan;
import netgroovy.plan.PlanException;
import netgroovy.plan.Where;

/**
 * One netgroovy session: a REPL or a script run. Words add operations to the plan of the
 * statement being run; when the statement ends (the next one starts, a block closes, the
 * script ends) the plan is applied as one unit, or printed when this is a dry run or an
 * {@code explain} block. Also keeps the namespace that words work in ({@code netns('c1') {...}})
 * and the journal that {@code teardown} undoes.
 */
public final class Session implements AutoCloseable {
    private final boolean dryRun;
    private final PrintStream out;
    private final String target;
    private Kernel kernel;
    private Executor executor;
    private final Plan pending = new Plan();
    private final Deque<Where> where = new ArrayDeque<>();
    /** For each entered place, the Docker container entered there ("" for a plain namespace). */
    private final Deque<String> containers = new ArrayDeque<>();
    private final java.util.Set<Where> mentioned = new java.util.HashSet<>();
    private final java.util.Map<String, String> bridgeCidrs = new java.util.HashMap<>();
    private boolean iptables = true;
    private final java.util.Map<String, java.util.List<String>> exposed = new java.util.HashMap<>();
    private final EchoServers servers = new EchoServers();
    private final netgroovy.docker.DockerState docker = new netgroovy.docker.DockerState();
    private java.util.List<String> dockerDns = java.util.List.of();
    private java.util.List<String> dockerDnsSearch = java.util.List.of();
    private netgroovy.value.IpAddress defaultHostIp;
    private final java.util.Map<String, Integer> incarnations = new java.util.HashMap<>();
    private int groupDepth;
    private boolean dryRunNow;
    private List<String> explaining;
    private String scriptName = "<input>";
    private int line;
    private int pendingLine;

    /**
     * @param target "sandbox" or "host": where this session works, for the prompt and messages
     */
    public Session(boolean dryRun, PrintStream out, String target) {
        this.dryRun = dryRun;
        this.dryRunNow = dryRun;
        this.out = out;
        this.target = target;
    }

    public PrintStream out() {
        return out;
    }

    public String target() {
        return target;
    }

    public boolean dryRun() {
        return dryRunNow;
    }

    /** The REPL's {@code :dry-run on|off}; a session started with --dry-run stays dry. */
    public void setDryRun(boolean on) {
        dryRunNow = dryRun || on;
    }

    /** The live system, opened on first use (a dry run never opens it). */
    public Kernel kernel() {
        if (kernel == null) {
            kernel = new Kernel();
            executor = new Executor(kernel);
        }
        return kernel;
    }

    public Executor executor() {
        kernel();
        return executor;
    }

    public Where here() {
        return where.isEmpty() ? Where.HOST : where.peek();
    }

    public void setScript(String name) {
        scriptName = name;
        line = 0;
    }

    public String scriptName() {
        return scriptName;
    }

    public int line() {
        return line;
    }

    /** Called before each statement (see {@link StatementMarker}). */
    public void statement(int newLine) {
        flush();
        release();
        line = newLine;
    }

    /**
     * Closes the handles held on namespaces other than the host's. An open handle keeps its
     * namespace alive, so one kept between statements would keep a namespace that was
     * deleted meanwhile (by a script, or by {@code ip netns del} elsewhere) and its veths.
     */
    public void release() {
        if (kernel != null) {
            kernel.releaseNamespaces();
        }
    }

    /** Adds an operation to the current statement's plan. */
    public void add(Op op) {
        if (op instanceof netgroovy.plan.FirewallOp f) {
            op = f.madeAt(netgroovy.trace.Origins.of(scriptName, line)); // for trace: rule -> script line
        }
        if (pending.isEmpty()) {
            pendingLine = line;
        }
        pending.add(op);
    }

    /**
     * Applies (or prints) what the statement so far has planned. Inside an {@code apply}
     * block nothing happens until the block ends.
     */
    public void flush() {
        if (groupDepth > 0 || pending.isEmpty()) {
            return;
        }
        List<Op> ops = new ArrayList<>(pending.ops());
        pending.clear();
        if (explaining != null) {
            ops.forEach(op -> explaining.add(op.command()));
            return;
        }
        if (dryRunNow) {
            ops.forEach(op -> out.println(op.command()));
            return;
        }
        Plan plan = new Plan();
        ops.forEach(plan::add);
        try {
            executor().apply(plan);
        } catch (PlanException e) {
            // Kernel and conflict messages already name their object ("cannot create bridge b0: ...").
            throw new DslException(scriptName, pendingLine, e.getMessage(),
                    "nothing of this statement was left behind; `explain { ... }` shows what it would do", e);
        }
    }

    /**
     * True the first time a session plans to make a namespace: {@code netns 'c1'} followed by
     * {@code netns('c1') { ... }} plans (and prints) the creation once.
     */
    public boolean firstMention(Where w) {
        return mentioned.add(w);
    }

    /** 0 the first time a key is asked for in this session, then 1, 2 ... */
    int incarnation(String key) {
        return incarnations.merge(key, 1, Integer::sum) - 1;
    }

    /** After a namespace is deleted, making it again is a new creation. */
    void forgetMention(Where w) {
        mentioned.remove(w);
    }

    /** {@code iptables false}: like Docker's --iptables=false, netgroovy then writes no rules at all. */
    public void setIptables(boolean on) {
        iptables = on;
    }

    public boolean iptables() {
        return iptables;
    }

    /** Ports a container exposes ("6379/tcp"), as {@code expose} declared them in this session. */
    void expose(String container, String port) {
        java.util.List<String> ports = exposed.computeIfAbsent(container, c -> new ArrayList<>());
        if (!ports.contains(port)) {
            ports.add(port);
        }
    }

    java.util.List<String> exposed(String container) {
        return exposed.getOrDefault(container, java.util.List.of());
    }

    /** Remembers the address a bridge was given, so later words (masquerade) know its subnet even in a dry run. */
    void rememberCidr(String bridge, String cidr) {
        bridgeCidrs.put(bridge, cidr);
    }

    String cidrOf(String bridge) {
        return bridgeCidrs.get(bridge);
    }

    /** Forgets what a failed statement had planned (it was never applied). */
    public void discardPending() {
        pending.clear();
    }

    /** Runs {@code body} inside namespace {@code w}: words in it work there. */
    public <T> T inside(Where w, Supplier<T> body) {
        return inside(w, null, body);
    }

    /**
     * Runs {@code body} inside namespace {@code w}, as Docker container {@code container} when
     * not null: processes started there get that container's hostname, files and environment.
     */
    public <T> T inside(Where w, String container, Supplier<T> body) {
        flush();
        where.push(w);
        containers.push(container == null ? "" : container);
        try {
            T result = body.get();
            flush();
            return result;
        } finally {
            where.pop();
            containers.pop();
        }
    }

    /** The Docker container the innermost block entered, or null. */
    public String hereContainer() {
        return containers.isEmpty() || containers.peek().isEmpty() ? null : containers.peek();
    }

    /** Whether this session made (or plans to make) the named namespace. */
    boolean mentions(Where w) {
        return mentioned.contains(w);
    }

    /** Runs {@code body} as one plan: all of it happens, or none of it. */
    public <T> T group(Supplier<T> body) {
        flush();
        groupDepth++;
        try {
            T result = body.get();
            groupDepth--;
            flush();
            return result;
        } catch (RuntimeException e) {
            groupDepth--;
            pending.clear();
            throw e;
        }
    }

    /** Runs {@code body} without touching anything and returns the commands it would run. */
    public List<String> explain(Runnable body) {
        flush();
        List<String> saved = explaining;
        List<String> commands = new ArrayList<>();
        explaining = commands;
        try {
            body.run();
            flush();
        } finally {
            explaining = saved;
            pending.clear();
        }
        return commands;
    }

    /** Whether words that read the live system (views, ping, sh) may do so now. */
    public boolean live() {
        return !dryRunNow && explaining == null;
    }

    /** Undoes everything this session made, newest first. */
    public List<String> teardown() {
        flush();
        if (!live()) {
            return List.of();
        }
        if (executor == null) {
            return List.of();
        }
        return executor.teardown().stream().map(Op::command).toList();
    }

    netgroovy.docker.DockerState docker() {
        return docker;
    }

    /** The daemon's --dns and --dns-search, the defaults for containers. */
    void dockerDefaults(java.util.List<String> dns, java.util.List<String> search) {
        dockerDns = dns;
        dockerDnsSearch = search;
    }

    /** dockerd's --ip: the host address published ports bind to when a mapping names none. */
    void setDefaultHostIp(netgroovy.value.IpAddress ip) {
        defaultHostIp = ip;
    }

    netgroovy.value.IpAddress defaultHostIp() {
        return defaultHostIp;
    }

    java.util.List<String> dockerDns() {
        return dockerDns;
    }

    java.util.List<String> dockerDnsSearch() {
        return dockerDnsSearch;
    }

    EchoServers servers() {
        return servers;
    }

    @Override
    public void close() {
        pending.clear();
        servers.close();
        if (kernel != null) {
            kernel.close();
        }
    }
}
