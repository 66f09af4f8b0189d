package netgroovy.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;

/**
 * The endpoints built by what users run: DSL words in a script, through the whole session
 * (plans, checks, the model and its state store), in this JVM. Either hand-wired, one word
 * per step as a pipework-style script writes them, or as Docker does it: {@code container}
 * after {@code dockerd()}, on the benchmark's bridge. Teardown is the {@code teardown} word.
 */
final class DslVariant implements Variant {
    private final boolean containers;
    private Session session;
    private Engine engine;
    private Engine.Prepared script;
    /** How long the last script took to compile (not part of the setup's time: see prepare). */
    private double compileMillis;
    /** How long the last round's bridge and {@code dockerd} took (containers only; untimed: see prepare). */
    private double daemonMillis;

    private DslVariant(boolean containers) {
        this.containers = containers;
    }

    static DslVariant words() {
        return new DslVariant(false);
    }

    static DslVariant containers() {
        return new DslVariant(true);
    }

    @Override
    public String name() {
        return containers ? "container" : "dsl words";
    }

    @Override
    public void prepare(Plan plan) {
        session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox");
        engine = new Engine(session);
        bind(engine, plan);
        // The script's body is what is timed, as the goal says; its compile (once per script,
        // tens of ms) is reported apart, and the end-to-end variant (./netgroovy SCRIPT) has it all.
        // Containers are timed after dockerd(), as the goal says: the kernel layer they are held
        // against makes no daemon (its firewall, its sysctls), so the daemon is started here.
        long start = System.nanoTime();
        if (containers) {
            engine.run(daemonScript(), "bench-daemon.netgroovy");
            daemonMillis = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
        }
        script = engine.prepare(containers ? containerScript() : wordsScript(), "bench.netgroovy");
        compileMillis = (System.nanoTime() - start) / 1e6;
    }

    /** The plan's values as the scripts read them: {@code N}, and its addresses and MACs ({@code CIDRS[k]}, {@code MACS[k]}). */
    static void bind(Engine engine, Plan plan) {
        List<String> cidrs = new ArrayList<>();
        List<String> macs = new ArrayList<>();
        for (int k = 0; k < plan.n(); k++) {
            cidrs.add(plan.cidr(k).toString());
            macs.add(plan.mac(k).toString());
        }
        engine.binding().setVariable("N", plan.n());
        engine.binding().setVariable("CIDRS", cidrs);
        engine.binding().setVariable("MACS", macs);
    }

    @Override
    public String note() {
        return containers ? String.format("compile %.0f ms, bridge + dockerd before it %.0f ms", compileMillis, daemonMillis)
                : String.format("compile %.0f ms", compileMillis);
    }

    @Override
    public void setup(Plan plan) {
        script.run();
    }

    /** One statement per step, as in the tutorials; the loop body's statements apply one by one. */
    static String wordsScript() {
        return """
                bridge '%1$s' < cidr '%2$s'; up >
                for (k in 0..<N) {
                    netns "nb$k"
                    veth "nbv$k", '%3$s', peerIn: "nb$k"
                    link "nbv$k" master '%1$s' up
                    netns("nb$k") {
                        link '%3$s' mac MACS[k] up
                        addr CIDRS[k] dev '%3$s'
                        link 'lo' up
                        route 'default' via '%4$s'
                    }
                }
                """.formatted(Plan.BRIDGE, Plan.bridgeCidr(), Plan.INNER, Plan.GATEWAY);
    }

    /** Docker's way: the daemon on the benchmark's bridge (-b; run untimed, before the script)... */
    static String daemonScript() {
        return """
                bridge '%1$s' < cidr '%2$s'; up >
                dockerd bridge: '%1$s'
                """.formatted(Plan.BRIDGE, Plan.bridgeCidr());
    }

    /** ...then one {@code container} each. */
    static String containerScript() {
        return """
                for (k in 0..<N) {
                    container "nb$k"
                }
                """;
    }

    @Override
    public void teardown(Plan plan) {
        try {
            engine.run("teardown", "bench-teardown.netgroovy");
        } finally {
            session.close();
            session = null;
            engine = null;
            script = null;
        }
    }
}
