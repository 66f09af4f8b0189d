package netgroovy.plan;

/**
 * A plan could not be applied; what had been done was undone (or, when {@link #undoFailed()},
 * some of it could not be, and the message says what). The message says which step failed and why.
 */
public class PlanException extends RuntimeException {
    private final Op failed;
    private boolean undoFailed;

    public PlanException(String message, Op failed, Throwable cause) {
        super(message, cause);
        this.failed = failed;
    }

    public Op failed() {
        return failed;
    }

    /** True when some of what had been done could not be undone. */
    public boolean undoFailed() {
        return undoFailed;
    }

    void undoFailed(boolean yes) {
        undoFailed = yes;
    }
}
