package netgroovy.dsl;

/**
 * {@code expect 'c1' reaches 'c2:80'} and {@code expect 'c1' blocked 'db:22'}: a check that
 * sends one real packet (a TCP connection, a UDP datagram, or a ping for an address alone) and,
 * when it fails, explains itself with a {@code trace} of the same flow.
 */
public final class ExpectSpec {
    private final NetgroovyScript script;
    private final Object from;

    ExpectSpec(NetgroovyScript script, Object from) {
        this.script = script;
        this.from = from;
    }

    /** Passes when the target answers; otherwise fails with the trace's verdict. */
    public boolean reaches(Object target) {
        return script.expectation(from, target, true);
    }

    /** Passes when nothing answers; otherwise fails saying how the packet got through. */
    public boolean blocked(Object target) {
        return script.expectation(from, target, false);
    }
}
