package netgroovy.dsl;

/**
 * A failure that no word foresaw — a {@link StackOverflowError}, an {@link OutOfMemoryError}, a
 * class that cannot be loaded, a bug — told like any other {@link DslException}: one line with
 * the script and line, and a hint. The stack trace stays in the cause, for {@code --debug}.
 */
public final class Unforeseen extends DslException {
    static final String DEBUG = "run with --debug for the full trace";

    public Unforeseen(String script, int line, Throwable cause) {
        super(script, line, message(cause), hint(cause), cause);
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt(); // whoever waits on this thread still needs to know
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (e instanceof StackOverflowError) {
            return "stack overflow: calls nested too deep";
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory" + (m == null ? "" : " (" + m + ")");
        }
        if (e instanceof NoClassDefFoundError) {
            // "groovy/json/JsonOutput" (not on the class path) or "Could not initialize class X"
            return m != null && !m.contains(" ") ? "class " + m.replace('/', '.') + " is missing from the class path" : m;
        }
        if (e instanceof ClassNotFoundException) {
            return "no class " + m;
        }
        if (e instanceof ExceptionInInitializerError && e.getCause() != null) {
            return "a class failed to initialize: " + message(e.getCause());
        }
        if (e instanceof InterruptedException) {
            return "interrupted";
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }

    private static String hint(Throwable e) {
        if (e instanceof StackOverflowError) {
            return "look for a function or closure that calls itself without end; " + DEBUG;
        }
        if (e instanceof OutOfMemoryError) {
            return "something grows without end (a list, a string in a loop)? " + DEBUG;
        }
        if (e instanceof ClassNotFoundException) {
            return "check the class name and its package; " + DEBUG;
        }
        if (e instanceof NoClassDefFoundError && String.valueOf(e.getMessage()).startsWith("Could not initialize")) {
            return "an earlier error in that class's static initializer left it unusable; " + DEBUG;
        }
        if (e instanceof LinkageError) {
            // What the packaged class path lacks and the build's has (a dependency scope gone wrong).
            return "netgroovy's own class path is incomplete: rebuild it (mvn -B -DskipTests package); " + DEBUG;
        }
        return DEBUG;
    }
}
