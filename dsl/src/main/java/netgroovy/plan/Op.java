package netgroovy.plan;

/**
 * One primitive operation of a plan. It can say what it would do as a shell command, look at
 * the live system to see whether it is already done, do itself, and undo itself.
 */
public interface Op {

    /** The equivalent shell command, e.g. {@code ip -n c1 addr add 10.0.0.2/24 dev eth0}. */
    String command();

    /**
     * What the live system says about this operation before it runs: already done (skip it,
     * and never undo it), to do, or in conflict with something that exists.
     */
    default State check(Kernel k) {
        return State.TODO;
    }

    void apply(Kernel k);

    /**
     * The links {@link #check} (or {@link #apply}) will look up, told to {@code link}
     * (namespace, name) before the plan starts: the kernel is then asked about all of a
     * namespace's at once, when the first of them is looked up ({@link Kernel#expect}).
     */
    default void lookups(java.util.function.BiConsumer<Where, netgroovy.value.IfName> link) {
    }

    /**
     * Whether the kernel's answer to {@link #apply} is check enough: the operation is applied
     * without asking first, and {@link #check} is asked only when the kernel refuses because
     * it exists already (EEXIST), to tell "done" (skipped, never undone) from a conflict. For
     * additions that make nothing the doctor would need to know of ({@link #leftovers} empty)
     * and whose check asks only whether the same thing is there: an address, a route. Their
     * check is a dump of every address or route of a namespace, asked again by each statement;
     * a script that runs for the first time pays it for nothing.
     */
    default boolean checkedByKernel() {
        return false;
    }

    /**
     * What applying this operation will make that could outlive netgroovy if it died right
     * after (kill -9), as lines the doctor understands: "netns NAME", "link NAME" (a link of
     * the host), "rule COMMENT", "files NAME", "uts NAME". Asked after {@link #check}, just
     * before {@link #apply}; operations that only change something make nothing new.
     */
    default java.util.List<String> leftovers() {
        return java.util.List.of();
    }

    /**
     * True for an operation that removes something. {@code teardown} removes what was made
     * and never undoes these: bringing back what a script deleted is not tearing down.
     */
    default boolean isRemoval() {
        return false;
    }

    /**
     * What undoing this operation removes whole, with everything in it: a namespace's name
     * (its links, addresses and routes go with it), a folder's path; null for nothing of the kind.
     */
    default String takesAlong() {
        return null;
    }

    /**
     * What this operation's work goes with (see {@link #takesAlong}): the namespace it was done
     * in, or the one a veth pair has an end born in; the folders of the files it changed. When
     * {@code teardown} removes all of them anyway, it does not undo this operation on its own:
     * each link the kernel deletes alone waits for an RCU grace period (tens of milliseconds),
     * while a namespace's deletion removes all of its links in one batch.
     */
    default java.util.List<String> diesWith() {
        return java.util.List.of();
    }

    /**
     * The links this operation makes or changes, as "WHERE/NAME" ("host/veth0", "c1/eth0"). A
     * veth pair goes whole with the namespace either end was born in, so when {@code teardown}
     * lets its maker go along with that namespace ({@link #diesWith}), changes to its ends (up,
     * master, MAC ...) are not undone one by one either: a request each, for a link about to go.
     */
    default java.util.List<String> onLinks() {
        return java.util.List.of();
    }

    /**
     * After teardown deleted what this operation's work goes with ({@link #diesWith}): whether
     * that work has really gone. The kernel destroys a namespace in its own time, after the
     * deletion returned, and a script that makes the same names again right after must not
     * meet the old ones. Only what is seen from elsewhere (a veth's end in the host) needs asking.
     */
    default boolean gone(Kernel k) {
        return true;
    }

    /** Reverses {@link #apply}; called only after apply succeeded. */
    void undo(Kernel k);

    /** The object this operation is about, as errors name it ("bridge0", "eth0 in c1"). */
    String subject();

    enum Kind { TODO, DONE, CONFLICT }

    record State(Kind kind, String why) {
        public static final State TODO = new State(Kind.TODO, null);
        public static final State DONE = new State(Kind.DONE, null);

        public static State conflict(String why) {
            return new State(Kind.CONFLICT, why);
        }
    }
}
