package netgroovy.plantest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import netgroovy.plan.Kernel;
import netgroovy.plan.MemoryKernel;

/**
 * A netgroovy session whose plans are applied to a {@link MemoryKernel}: DSL text in, plans
 * and the kernel's state out, with no root, no namespaces and no state store.
 */
final class OnMemory implements AutoCloseable {
    final MemoryKernel kernel;
    final Session session;
    final Engine engine;
    /** Each statement's plan as it was applied, one command a line, statements apart. */
    final List<String> plans = new ArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    OnMemory() {
        this(new MemoryKernel());
    }

    OnMemory(MemoryKernel kernel) {
        this(kernel, kernel);
    }

    /** {@code applyTo}: the kernel plans go to (the memory one, or one wrapping it). */
    OnMemory(MemoryKernel kernel, Kernel applyTo) {
        this.kernel = kernel;
        this.session = new Session(false, new PrintStream(printed, true, StandardCharsets.UTF_8), "memory", null, applyTo);
        this.session.onPlan(plans::addAll);
        this.engine = new Engine(session);
    }

    /** A dry run of the same words (no kernel at all), for comparing its plan with a live one. */
    static List<String> dryPlan(String script, String name) {
        List<String> plan = new ArrayList<>();
        try (Session dry = new Session(true, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "memory", null)) {
            dry.onPlan(plan::addAll);
            new Engine(dry).run(script, name);
        }
        return plan;
    }

    Object run(String script) {
        return engine.run(script, "memory");
    }

    String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        session.close();
    }
}
