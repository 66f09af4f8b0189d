package netgroovy.plan;

/** A plan could not be applied; what had been done was undone. The message says which step failed and why. */
public class PlanException extends RuntimeException {
    private final Op failed;

    public PlanException(String message, Op failed, Throwable cause) {
        super(message, cause);
        this.failed = failed;
    }

    public Op failed() {
        return failed;
    }
}
