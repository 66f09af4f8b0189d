package netgroovy.dsl;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import netgroovy.plan.Executor;
import netgroovy.plan.Kernel;
import netgroovy.plan.LiveKernel;
import netgroovy.plan.Op;
import netgroovy.plan.Plan;
import netgroovy.plan.PlanException;
import netgroovy.plan.Where;
import netgroovy.model.Ledger;
import netgroovy.model.Marks;
import netgroovy.model.StateStore;
import netgroovy.model.Staleness;
import netgroovy.model.World;
import netgroovy.model.WorldCodec;

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
    /** Whether this session works on the real system (else on a kernel it was given, such as one in memory). */
    private final boolean onLiveSystem;
    private volatile Executor executor; // read by stepsApplied() from the REPL thread
    /** What dry statements "made": a dry run's stand-in for the executor's journal. */
    private final List<Op> dryMade = new ArrayList<>();
    private final Plan pending = new Plan();
    private final Deque<Where> where = new ArrayDeque<>();
    /** For each entered place, the Docker container entered there ("" for a plain namespace). */
    private final Deque<String> containers = new ArrayDeque<>();
    private final EchoServers servers = new EchoServers();
    /** The userland proxy's forwarders (dockerd userlandProxy: true); they end with the session. */
    private final netgroovy.proxy.UserlandProxy proxy = new netgroovy.proxy.UserlandProxy();
    /** dockerd's embedded DNS server (resolver: 'embedded'), serving the containers of this session's world. */
    private final netgroovy.docker.ServedNames dns = new netgroovy.docker.ServedNames();
    /** What netgroovy has built; see {@link #world()} for how a statement changes it. */
    private World world = new World();
    /** Where the world is kept between runs and processes; null in a dry-run session. */
    private final StateStore store;
    /** The world as the last kept statement left it: what a statement's changes are measured against, and undone to. */
    private Ledger ledger = Ledger.of(world);
    /** Whether the current statement has looked at the world (and so may have changed it). */
    private boolean looking;
    /** The world as it was when the REPL's dry-run mode was switched on. */
    private java.util.Map<String, Object> beforeDryRun;
    private final java.util.Map<String, Integer> incarnations = new java.util.HashMap<>();
    private int groupDepth;
    /** The line that planned each pending operation: a failure names it, also inside a helper or block. */
    private final java.util.Map<Op, Integer> opLines = new java.util.IdentityHashMap<>();
    private String spoilt;
    private int spoiltLine;
    private boolean dryRunNow;
    private List<String> explaining;
    private String scriptName = "<input>";
    private int line;
    private int pendingLine;
    /** Who else hears each statement's plan, as PlanLog does (a test comparing plans). */
    private final List<java.util.function.Consumer<List<String>>> planListeners = new ArrayList<>();

    /**
     * @param target "sandbox" or "host": where this session works, for the prompt and messages
     */
    public Session(boolean dryRun, PrintStream out, String target) {
        this(dryRun, out, target, dryRun ? null : new StateStore(StateStore.DEFAULT_DIR));
    }

    /** A session keeping its world in {@code store} (null: nowhere, as a dry run does). */
    public Session(boolean dryRun, PrintStream out, String target, StateStore store) {
        this(dryRun, out, target, store, null);
    }

    /**
     * A session whose plans are applied to {@code kernel} (null: the live system, opened on
     * first use). Tests give it a {@link netgroovy.plan.MemoryKernel} to run scripts without
     * root or namespaces; words that need the real thing (views, ping, sh, trace) then refuse.
     */
    public Session(boolean dryRun, PrintStream out, String target, StateStore store, Kernel kernel) {
        this.dryRun = dryRun;
        this.dryRunNow = dryRun;
        this.out = out;
        this.target = target;
        this.store = store;
        this.kernel = kernel;
        this.onLiveSystem = kernel == null;
        if (kernel != null) {
            opened();
        }
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
        flush();
        boolean was = dryRunNow;
        dryRunNow = dryRun || on;
        if (!was && dryRunNow) {
            beforeDryRun = WorldCodec.records(world());
            endOfStatement();
        } else if (was && !dryRunNow && beforeDryRun != null) {
            // What was planned while dry was never made: back to the world as it was.
            world = WorldCodec.world(beforeDryRun);
            ledger = Ledger.of(world);
            beforeDryRun = null;
        }
    }

    /**
     * The world, for a word that plans: the first look in a statement takes the store's lock
     * (so no other process plans at the same time), picks up what other processes stored
     * meanwhile, and remembers the world as it was. The statement's changes are kept when its
     * plan is applied ({@link #flush}), and undone when it fails, is only explained, or is dry.
     */
    public World world() {
        if (!looking) {
            hold();
            looking = true;
        }
        return world;
    }

    /**
     * Takes the store's lock for this statement (once) and picks up what other processes
     * stored meanwhile. A statement that applies a plan holds it too, even if it never looks
     * at the world, so that the store's note of what is being made is its own.
     */
    private void hold() {
        if (holding() || store == null || !live()) {
            return;
        }
        store.lock();
        try {
            Ledger stored = store.load(new StateStore.Rebuilder() {
                @Override
                public World rebuild(String why) {
                    return Session.this.rebuild(why);
                }

                @Override
                public World reconcile(World recorded) {
                    return Session.this.reconcile(recorded);
                }
            });
            if (stored != null) {
                ledger = stored;
                world = ledger.world();
                dns.invalidate(); // what it finds (containers of an earlier run) is served at the statement's end
            }
        } catch (RuntimeException e) {
            store.unlock();
            throw e;
        }
    }

    /**
     * Whether this thread holds the store's lock. Asked of the lock itself, not kept in a field:
     * a REPL statement left running in the background shares this session with the next one.
     */
    private boolean holding() {
        return store != null && store.heldByCurrentThread();
    }

    private void letGo() {
        if (holding()) {
            store.unlock();
        }
    }

    /** The statement is over and its plan applied: its changes to the world are kept (and stored). */
    private void endOfStatement() {
        endOfStatement(false);
    }

    /** As above; {@code applied}: a plan was applied, so its note in the store is done with (removed before the lock goes). */
    private void endOfStatement(boolean applied) {
        try {
            boolean changed = false;
            List<Ledger.Change> changes = List.of();
            if (looking) {
                changes = ledger.changes(world);
                changed = !changes.isEmpty();
                ledger.accept(changes);
                if (changed && holding()) {
                    Marks.write(new KernelLinks(this), world, changes, out);
                    store.commit(ledger, changes);
                }
            }
            if ((changed || !dns.current()) && live() && onLiveSystem) {
                dns.sync(world, changes, out);
            }
            if (applied && holding()) {
                store.applied();
            }
        } finally {
            looking = false;
            letGo();
        }
    }

    netgroovy.docker.EmbeddedDns embeddedDns() {
        return dns.server();
    }

    /** The statement failed, or was only explained: the world is as the statement found it. */
    private void undoWorld() {
        if (!looking) {
            letGo();
            return;
        }
        if (!ledger.changes(world).isEmpty()) {
            world = ledger.world();
        }
        looking = false;
        letGo();
    }

    /**
     * The world when the store has none (its files were deleted, or cannot be read): what the
     * kernel holds with netgroovy's marks on it ({@link Marks}), said in one line when anything was found.
     */
    private World rebuild(String why) {
        World w = Marks.rebuild(new KernelLinks(this));
        if (!w.isEmpty()) {
            out.println("netgroovy: " + why + ": rebuilt from the kernel (" + w.containers.size() + " containers, "
                    + w.networks.size() + " networks)" + Marks.unrecoverable(w));
        }
        return w;
    }

    /**
     * The stored world as this session first reads it, compared with the kernel in one look
     * ({@link Staleness}): null when they agree; else rebuilt from the kernel with what only
     * the store knew kept for what is still there, said in one line.
     */
    private World reconcile(World recorded) {
        KernelLinks kernel = new KernelLinks(this);
        Staleness stale = Staleness.of(recorded, kernel);
        if (stale.agrees()) {
            return null;
        }
        World w = stale.reconcile(Marks.rebuild(kernel), recorded);
        out.println("netgroovy: state store stale: " + stale + "; rebuilt from the kernel (" + w.containers.size() + " containers, "
                + w.networks.size() + " networks)" + Marks.unrecoverable(w));
        return w;
    }

    /** The system plans are applied to: the live one unless the session was given another, opened on first use (a dry run never opens it). */
    public Kernel kernel() {
        if (kernel == null) {
            kernel = new LiveKernel();
            opened();
        }
        return kernel;
    }

    private void opened() {
        executor = new Executor(kernel);
        if (store != null) {
            executor.beforeApply(op -> {
                List<String> made = op.leftovers();
                if (!made.isEmpty() && holding()) {
                    store.note(made);
                }
            });
        }
    }

    /**
     * The real system, for words that look at it or run processes in it (views, ping, sh, trace,
     * capture): those have no stand-in, so a session on another kernel says so.
     */
    public LiveKernel liveKernel() {
        if (!onLiveSystem) {
            // A KernelException, so that the script's line and the word are named like any refusal.
            throw new netgroovy.kernel.KernelException("this word needs the live system; this session works on " + kernel);
        }
        return (LiveKernel) kernel();
    }

    /**
     * What this session has made so far, oldest first: the operations applied (or, in a dry run,
     * printed). Words that need an address or a bridge of something made earlier in the same
     * session look here first, so a dry run plans what a live run would.
     */
    public List<Op> made() {
        List<Op> all = new ArrayList<>(executor == null ? List.of() : executor.journal());
        all.addAll(dryMade);
        all.replaceAll(op -> op instanceof Later later ? later.op() : op);
        return all;
    }

    public Executor executor() {
        kernel();
        return executor;
    }

    /** How many operations the session has applied so far; safe to ask from another thread (the REPL's progress line). */
    public long stepsApplied() {
        Executor e = executor;
        return e == null ? 0 : e.applied();
    }

    /** The store, when this session keeps its world in one and works live. */
    StateStore store() {
        return store;
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

    /** Called before each statement of a helper (see {@link StatementMarker}): it goes on the caller's plan. */
    public void at(int newLine) {
        line = newLine;
    }

    /** Called before each statement (see {@link StatementMarker}). */
    public void statement(int newLine) {
        flush();
        if (kernel != null) {
            kernel.endStatement();
        }
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

    /** Whether this statement's plan makes the bridge {@code name} in {@code w}. */
    boolean plansBridge(Where w, String name) {
        return pending.ops().stream().anyMatch(op -> op instanceof netgroovy.plan.LinkOps.CreateBridge b
                && b.where().equals(w) && b.name().name().equals(name));
    }

    boolean pendingEmpty() {
        return pending.isEmpty();
    }

    List<String> pendingCommands() {
        return pending.ops().stream().map(Op::command).toList();
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
        opLines.put(op, line);
    }

    /**
     * Puts {@code replacement} in the place of {@code previous} when that is still the last
     * operation planned (nothing else came between them), and says whether it did.
     */
    boolean replaceLast(Op previous, Op replacement) {
        if (!pending.replaceLast(previous, replacement)) {
            return false;
        }
        Integer at = opLines.remove(previous);
        if (at != null) {
            opLines.put(replacement, at);
        }
        return true;
    }

    /**
     * Applies (or prints) what the statement so far has planned. Inside an {@code apply}
     * block nothing happens until the block ends.
     */
    public void flush() {
        if (groupDepth > 0) {
            return;
        }
        if (pending.isEmpty()) {
            if (explaining == null) {
                endOfStatement();
            }
            return;
        }
        List<Op> ops = new ArrayList<>(pending.ops());
        pending.clear();
        java.util.Map<Op, Integer> lines = new java.util.IdentityHashMap<>(opLines);
        opLines.clear();
        if (explaining != null) {
            ops.forEach(op -> explaining.add(op.command()));
            return;
        }
        if (PlanLog.on() || !planListeners.isEmpty()) {
            // Printing a plan costs more than planning it (3000 rules: tens of ms): only when asked.
            List<String> commands = ops.stream().map(Op::command).toList();
            PlanLog.planned(commands);
            planListeners.forEach(l -> l.accept(commands));
        }
        if (dryRunNow) {
            dryMade.addAll(ops);
            ops.forEach(op -> out.println(op.command()));
            endOfStatement();
            return;
        }
        Plan plan = new Plan();
        ops.forEach(plan::add);
        hold();
        if (holding()) {
            store.begin(scriptName + ":" + pendingLine);
        }
        try {
            executor().apply(plan);
        } catch (PlanException e) {
            if (holding() && !e.undoFailed()) {
                store.applied(); // all undone: nothing half-made to note
            }
            undoWorld();
            // Kernel and conflict messages already name their object ("cannot create bridge b0: ...").
            throw new DslException(scriptName, lines.getOrDefault(e.failed(), pendingLine), e.getMessage(), e.undoFailed()
                    ? "some of this statement could not be undone; `netgroovy doctor` lists what is left and `doctor fix: true` removes it"
                    : "nothing of this statement was left behind; `explain { ... }` shows what it would do", e);
        } catch (RuntimeException | Error e) {
            undoWorld();
            throw e;
        }
        endOfStatement(true);
    }

    /**
     * Hands {@code listener} the commands of each statement's plan as it is applied or printed
     * (the lines NETGROOVY_PLAN_LOG gets), in a live run and a dry run alike.
     */
    public void onPlan(java.util.function.Consumer<List<String>> listener) {
        planListeners.add(listener);
    }

    /** 0 the first time a key is asked for in this session, then 1, 2 ... */
    int incarnation(String key) {
        return incarnations.merge(key, 1, Integer::sum) - 1;
    }

    /** Remembers the address a bridge was given, so later words (masquerade) know its subnet even in a dry run. */
    void rememberCidr(String bridge, String cidr) {
        world().bridgeCidrs.put(bridge, cidr);
    }

    /** Forgets what a failed statement had planned (it was never applied), and its changes to the world. */
    public void discardPending() {
        pending.clear();
        opLines.clear();
        undoWorld();
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
        // Nothing is applied on the way in or out: what the block plans is part of the plan of
        // the statement it is in (each operation knows its namespace), applied whole at its end.
        where.push(w);
        containers.push(container == null ? "" : container);
        try {
            return body.get();
        } finally {
            where.pop();
            containers.pop();
        }
    }

    /** The Docker container the innermost block entered, or null. */
    public String hereContainer() {
        return containers.isEmpty() || containers.peek().isEmpty() ? null : containers.peek();
    }

    /** Whether netgroovy made (or this statement plans to make) the named namespace. */
    boolean mentions(Where w) {
        return w.kind() == Where.Kind.NAMED && world().namespaces.contains(w.name());
    }

    /**
     * A statement failed part-way: what it planned is dropped. Inside an {@code apply} block
     * the whole block is spoilt, even if the script catches the failure and goes on: the block
     * then applies nothing (all or none).
     */
    void failed(Throwable thrown) {
        if (groupDepth > 0 && spoilt == null) {
            spoilt = thrown.getMessage() == null ? thrown.toString() : thrown.getMessage();
            spoiltLine = line;
        }
        pending.clear();
        if (groupDepth == 0) {
            undoWorld();
        }
    }

    /** Runs {@code body} as one plan: all of it happens, or none of it. */
    public <T> T group(Supplier<T> body) {
        flush();
        groupDepth++;
        T result;
        try {
            result = body.get();
        } catch (RuntimeException | Error e) {
            groupDepth--;
            if (groupDepth == 0) {
                spoilt = null;
                undoWorld();
            }
            pending.clear();
            throw e;
        }
        groupDepth--;
        if (groupDepth == 0 && spoilt != null) {
            String why = spoilt;
            spoilt = null;
            pending.clear();
            undoWorld();
            throw new DslException(scriptName, spoiltLine, "nothing of this apply block was applied: a statement in it failed ("
                    + why + ")", "the block happens whole or not at all; fix that statement or move it out of the block", null);
        }
        flush();
        return result;
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
            if (saved == null) {
                undoWorld(); // what was only explained was never made
            }
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
        if (dryRunNow && explaining == null) {
            // What the dry statements "made" is gone again, as a live teardown undoes its journal.
            List<Op> undone = new ArrayList<>(dryMade);
            java.util.Collections.reverse(undone);
            undone.removeIf(Op::isRemoval);
            dryMade.clear();
            return undone.stream().map(Op::command).toList();
        }
        if (!live()) {
            return List.of();
        }
        if (executor == null) {
            return List.of();
        }
        return executor.teardown().stream().map(Op::command).toList();
    }

    /** After teardown: the world is empty again, and stored so. */
    void forgetWorld() {
        world();
        world = new World();
        endOfStatement();
    }

    EchoServers servers() {
        return servers;
    }

    netgroovy.proxy.UserlandProxy proxy() {
        return proxy;
    }

    @Override
    public void close() {
        pending.clear();
        servers.close();
        proxy.close();
        dns.close();
        if (kernel != null) {
            kernel.close();
        }
    }
}
