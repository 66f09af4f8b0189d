package netgroovy.repl;

import java.util.List;
import netgroovy.dsl.Session;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Status;
import org.jline.terminal.Terminal;

/**
 * A status line at the bottom of the terminal while a statement runs longer than a second
 * (a loop making 500 containers): how long it has run, how many steps it has applied and at
 * what rate, so that a long statement is never silent. Output goes on above it. A terminal
 * that cannot hold a status line (dumb, piped) gets none.
 */
final class ProgressLine {
    static final long QUIET_NANOS = 1_000_000_000L; // a statement this short needs no progress

    private final Terminal terminal;
    private final Session session;
    private final long start = System.nanoTime();
    private final long stepsBefore;
    private Status status;

    ProgressLine(Terminal terminal, Session session) {
        this.terminal = terminal;
        this.session = session;
        this.stepsBefore = session.stepsApplied();
    }

    /** Called while the statement runs: shows or refreshes the line once the statement is no longer quick. */
    void tick() {
        long elapsed = System.nanoTime() - start;
        if (elapsed < QUIET_NANOS) {
            return;
        }
        if (status == null) {
            status = Status.getStatus(terminal, true);
            if (status == null) {
                return;
            }
        }
        status.update(List.of(new AttributedString(text(elapsed), AttributedStyle.DEFAULT.inverse())));
    }

    /** "running 3.2 s: 1520 steps applied (475/s); Ctrl-C stops it". */
    String text(long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        long steps = session.stepsApplied() - stepsBefore;
        return String.format("running %.1f s: %d step%s applied (%d/s); Ctrl-C stops it",
                seconds, steps, steps == 1 ? "" : "s", Math.round(steps / seconds));
    }

    /** The statement ended: the line goes, and the terminal's whole height is the screen's again. */
    void close() {
        if (status != null) {
            status.update(List.of());
            status.close();
        }
    }
}
