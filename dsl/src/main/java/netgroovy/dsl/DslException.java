package netgroovy.dsl;

/**
 * An error a user caused, with where it happened: "(script.netgroovy:12) link B does not exist".
 * The message is meant to be shown as it is, without a stack trace.
 */
public class DslException extends RuntimeException {
    private final String script;
    private final int line;
    private final String hint;

    public DslException(String script, int line, String message, String hint, Throwable cause) {
        super(message, cause);
        this.script = script;
        this.line = line;
        this.hint = hint;
    }

    public String script() {
        return script;
    }

    public int line() {
        return line;
    }

    public String hint() {
        return hint;
    }

    /** "script.netgroovy:12: message" (without the place when it is unknown). */
    public String located() {
        String where = script == null ? "" : line > 0 ? script + ":" + line + ": " : script + ": ";
        return where + getMessage();
    }
}
