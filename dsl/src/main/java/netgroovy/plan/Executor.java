package netgroovy.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import netgroovy.kernel.KernelException;

/**
 * Applies plans. Each operation is first checked against the live system: one already done
 * is skipped (which makes re-running a script converge), one in conflict stops the plan. (An
 * address or a route is checked by the kernel's own answer instead, {@link Op#checkedByKernel}:
 * asked only when the kernel says it is there already.)
 * When an operation fails, the ones applied before it are undone in reverse order, so a
 * statement either happens whole or not at all. Applied operations are remembered, so
 * that {@link #teardown()} can remove everything the session made.
 */
public final class Executor {
    private final Kernel kernel;
    private final List<Op> journal = new ArrayList<>();
    private IntPredicate faultAt = n -> false;
    private IntPredicate undoFaultAt = n -> false;
    private java.util.function.Consumer<Op> beforeApply = op -> { };
    private int counter;
    private volatile long applied; // read by the REPL's progress line while a statement runs

    public Executor(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Tests: make the n-th operation applied from now on (1-based) fail as if the kernel refused it. */
    public void injectFault(IntPredicate nth) {
        this.faultAt = nth;
        this.counter = 0;
    }

    /**
     * Tests: when a plan is rolled back, make the undo of its n-th applied operation (1-based,
     * in the order they were applied) fail as if the kernel refused it.
     */
    public void injectUndoFault(IntPredicate nth) {
        this.undoFaultAt = nth;
    }

    /** Called with each operation just before it is applied (the state store notes what it will make). */
    public void beforeApply(java.util.function.Consumer<Op> listener) {
        this.beforeApply = listener;
    }

    /** Applies the plan and returns the operations that really ran (the skipped ones are not listed). */
    public List<Op> apply(Plan plan) {
        kernel.remember(true);
        try {
            return applyAll(plan);
        } finally {
            kernel.remember(false);
        }
    }

    private List<Op> applyAll(Plan plan) {
        // The links the checks will look up, told first: each namespace's are asked for together.
        java.util.Map<Where, java.util.Set<netgroovy.value.IfName>> lookups = new java.util.LinkedHashMap<>();
        for (Op op : plan.ops()) {
            op.lookups((where, name) -> lookups.computeIfAbsent(where, w -> new java.util.LinkedHashSet<>()).add(name));
        }
        lookups.forEach(kernel::expect);
        List<Op> done = new ArrayList<>();
        for (Op op : plan.ops()) {
            try {
                // (A fault injected here is injected after the check, as for any operation:
                // one already done is skipped without counting.)
                boolean askFirst = !op.checkedByKernel() || faultAt.test(counter + 1);
                if (askFirst && stop(op, op.check(kernel))) {
                    continue;
                }
                if (faultAt.test(++counter)) {
                    throw new PlanException("injected fault at: " + op.command(), op, null);
                }
                beforeApply.accept(op);
                try {
                    op.apply(kernel);
                } catch (KernelException e) {
                    if (askFirst || e.errno() != EEXIST) {
                        throw e;
                    }
                    if (stop(op, op.check(kernel))) {
                        continue; // there already: done, as a check first would have said
                    }
                    throw e;
                }
                done.add(op);
                applied++;
            } catch (RuntimeException e) {
                kernel.remember(false); // undo asks the kernel itself: the plan broke off somewhere unknown
                List<String> stuck = rollback(done);
                String message = e.getMessage();
                if (!stuck.isEmpty()) {
                    message += "; and undoing what went before failed: " + String.join("; ", stuck)
                            + " (netgroovy doctor lists what is left)";
                }
                PlanException failure = new PlanException(message, op, e instanceof PlanException pe ? pe.getCause() : e);
                failure.undoFailed(!stuck.isEmpty());
                throw failure;
            }
        }
        journal.addAll(done);
        return done;
    }

    /** Whether {@code state} says to skip {@code op} (done); throws when it is a conflict. */
    private static boolean stop(Op op, Op.State state) {
        if (state.kind() == Op.Kind.CONFLICT) {
            throw new PlanException(state.why(), op, null);
        }
        return state.kind() == Op.Kind.DONE;
    }

    private static final int EEXIST = 17;

    /** Undoes everything applied through this executor, newest first; returns what it undid. */
    public List<Op> teardown() {
        List<Op> undone = new ArrayList<>(journal);
        java.util.Collections.reverse(undone);
        List<String> problems = new ArrayList<>();
        undone.removeIf(Op::isRemoval); // what the session deleted stays deleted
        java.util.Set<String> removedWhole = new java.util.HashSet<>();
        for (Op op : undone) {
            if (op.takesAlong() != null) {
                removedWhole.add(op.takesAlong());
            }
        }
        List<Op> goingAlong = new ArrayList<>();
        java.util.Set<Op> along = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Set<String> linksGoing = new java.util.HashSet<>();
        for (Op op : undone) {
            if (!op.diesWith().isEmpty() && removedWhole.containsAll(op.diesWith())) {
                goingAlong.add(op); // goes with its namespace (or folder), removed further down the list
                along.add(op);
                linksGoing.addAll(op.onLinks());
            }
        }
        for (Op op : undone) {
            if (along.contains(op) || !op.onLinks().isEmpty() && linksGoing.containsAll(op.onLinks())) {
                continue; // (a change to a link that goes along: its maker is waited for below)
            }
            undo(op, problems);
        }
        awaitGone(goingAlong, problems);
        journal.clear();
        if (!problems.isEmpty()) {
            throw new PlanException("teardown could not undo everything: " + String.join("; ", problems), null, null);
        }
        return undone;
    }

    private void undo(Op op, List<String> problems) {
        try {
            op.undo(kernel);
        } catch (RuntimeException e) {
            // Often the object went with something deleted before it (a veth with its
            // namespace); anything else is reported once everything has been tried.
            if (!Ops.isGone(e)) {
                problems.add(e.getMessage());
            }
        }
    }

    /**
     * Waits until what went with a deleted namespace is gone from where it could be met (the
     * kernel finishes a namespace's destruction after its deletion returned), so teardown ends
     * with everything gone as it did when each veth was deleted alone; what is still there
     * after a few seconds is undone one by one after all.
     */
    private void awaitGone(List<Op> goingAlong, List<String> problems) {
        List<Op> waiting = new ArrayList<>(goingAlong);
        long deadline = System.nanoTime() + GONE_WITHIN_NANOS;
        while (true) {
            // Each op asks about its own link; with many waiting, one dump of the host's links
            // answers them all (kept while this pass asks).
            boolean many = waiting.size() > ASK_ONE_BY_ONE;
            if (many) {
                kernel.remember(true);
                kernel.links(Where.HOST).list();
            }
            try {
                waiting.removeIf(op -> {
                    try {
                        return op.gone(kernel);
                    } catch (RuntimeException e) {
                        return true; // nothing to ask any more (its namespace, say): nothing to meet either
                    }
                });
            } finally {
                if (many) {
                    kernel.remember(false);
                }
            }
            if (waiting.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        waiting.forEach(op -> undo(op, problems));
    }

    private static final long GONE_WITHIN_NANOS = 5_000_000_000L;
    /** Up to this many links still waited for are looked up one by one; more, with one dump. */
    private static final int ASK_ONE_BY_ONE = 8;

    /** How many operations this executor has applied so far (rolled back ones too): a measure of progress. */
    public long applied() {
        return applied;
    }

    public List<Op> journal() {
        return List.copyOf(journal);
    }

    public Kernel kernel() {
        return kernel;
    }

    /** Undoes {@code done}, newest first; returns what could not be undone (never swallowed). */
    private List<String> rollback(List<Op> done) {
        List<String> stuck = new ArrayList<>();
        for (int i = done.size() - 1; i >= 0; i--) {
            try {
                if (undoFaultAt.test(i + 1)) {
                    throw new PlanException("injected undo fault", done.get(i), null);
                }
                done.get(i).undo(kernel);
            } catch (RuntimeException e) {
                stuck.add(done.get(i).command().lines().findFirst().orElse("") + ": " + e.getMessage());
            }
        }
        return stuck;
    }
}
