package netgroovy.testing;

/**
 * A throwable from a test's own JVM that could not be serialized as it was (a Groovy
 * exception holding a script's objects): its class, message and stack, and its causes the
 * same way. It is an AssertionError when the original was one, so a failed assertion stays
 * a failure and an exception stays an error in the reports.
 */
final class ForkedFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    private ForkedFailure(String text) {
        super(text);
    }

    static Throwable of(Throwable original) {
        String text = original.getClass().getName() + (original.getMessage() == null ? "" : ": " + original.getMessage());
        Throwable copy = original instanceof AssertionError ? new ForkedFailure(text) : new ForkedError(text);
        copy.setStackTrace(original.getStackTrace());
        if (original.getCause() != null && original.getCause() != original) {
            copy.initCause(of(original.getCause()));
        }
        for (Throwable s : original.getSuppressed()) {
            copy.addSuppressed(of(s));
        }
        return copy;
    }

    /** The same for an exception that was not an assertion. */
    static final class ForkedError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ForkedError(String text) {
            super(text);
        }
    }
}
