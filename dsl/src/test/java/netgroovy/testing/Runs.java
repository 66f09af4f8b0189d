package netgroovy.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;

/**
 * Runs of netgroovy one after another in one sandbox, as separate processes would be: each
 * {@link #next} is a session of its own, sharing the sandbox's state store with the others.
 * What they print goes to one buffer, so a test can read what a later run said.
 */
public final class Runs implements AutoCloseable {
    private final List<Session> sessions = new ArrayList<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    /** A new run. */
    public Engine next() {
        Session s = new Session(false, new PrintStream(bytes, true, StandardCharsets.UTF_8), "sandbox");
        sessions.add(s);
        return new Engine(s);
    }

    /** What the runs have printed since the last {@link #clearOutput}. */
    public String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    public void clearOutput() {
        bytes.reset();
    }

    @Override
    public void close() {
        sessions.forEach(Session::close);
    }
}
