package netgroovy.kernel;

/** What a command run inside a namespace did: its exit code and what it printed. */
public record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }
}
