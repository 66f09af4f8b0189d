package netgroovy.dsl;

import netgroovy.kernel.ExecResult;

/** What {@code sh 'ip route'} gives back: output, exit code, and whether it worked. */
public final class Run {
    private final String command;
    private final ExecResult result;

    Run(String command, ExecResult result) {
        this.command = command;
        this.result = result;
    }

    public String getOut() {
        return result.stdout();
    }

    public String getErr() {
        return result.stderr();
    }

    public int getExitCode() {
        return result.exitCode();
    }

    public boolean isOk() {
        return result.ok();
    }

    public boolean isTimedOut() {
        return result.timedOut();
    }

    public String getCommand() {
        return command;
    }

    @Override
    public String toString() {
        return result.stdout() + result.stderr();
    }
}
