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
     * The named namespace whose deletion takes this operation's work along (anything made or
     * set inside it; a veth pair with an end born there), or null. {@code teardown} deletes
     * that namespace anyway, so it does not undo such an operation on its own: each link the
     * kernel deletes alone waits for an RCU grace period (tens of milliseconds), while a
     * namespace's deletion removes all of its links in one batch.
     */
    default String diesWith() {
        return null;
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
