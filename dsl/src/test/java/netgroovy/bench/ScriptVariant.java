package netgroovy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DSL end to end, as a user runs it: {@code ./netgroovy --host bench.netgroovy}, one
 * process (launcher, JVM start, Groovy compiling the script, the statements), and
 * {@code ./netgroovy --host -e teardown} to remove it. {@code --host} means "this network
 * namespace": the benchmark itself runs inside the sandbox, so that is the sandbox's, and the
 * endpoints stay there for the check. The launcher comes from {@code NETGROOVY_BENCH_LAUNCHER}
 * (bench/endpoints sets it after building the packaged jar).
 *
 * <p>Two ways: the same script file run again round after round (its compiled classes kept by
 * the launcher, see CompiledScripts: what re-running a lab script costs), and a new script
 * each round ({@code firstRun}: the same text under a file name never run before, so Groovy
 * compiles it: what the first run of a script costs).
 */
final class ScriptVariant implements Variant {
    private final boolean firstRun;
    private Path script;

    ScriptVariant(boolean firstRun) {
        this.firstRun = firstRun;
    }

    static String launcher() {
        return System.getenv("NETGROOVY_BENCH_LAUNCHER");
    }

    static boolean available() {
        String l = launcher();
        return l != null && Files.isExecutable(Path.of(l));
    }

    @Override
    public String name() {
        return firstRun ? "./netgroovy new script" : "./netgroovy script";
    }

    /** The same words as {@link DslVariant#wordsScript()}, with the plan's values written into the file. */
    @Override
    public void prepare(Plan plan) throws IOException {
        List<String> cidrs = new ArrayList<>();
        List<String> macs = new ArrayList<>();
        for (int k = 0; k < plan.n(); k++) {
            cidrs.add("'" + plan.cidr(k) + "'");
            macs.add("'" + plan.mac(k) + "'");
        }
        // Run again: the same file each round (prepare comes before every round). First run: a name never run before.
        script = firstRun ? Files.createTempFile("netgroovy-bench-", ".netgroovy")
                : Path.of(System.getProperty("java.io.tmpdir"), "netgroovy-bench-" + plan.n() + ".netgroovy");
        Files.writeString(script, "N = " + plan.n() + "\nCIDRS = " + cidrs + "\nMACS = " + macs + "\n"
                + DslVariant.wordsScript());
    }

    @Override
    public void setup(Plan plan) throws Exception {
        IpPerCommandVariant.run(List.of(launcher(), "--host", script.toString()));
    }

    @Override
    public void teardown(Plan plan) throws Exception {
        try {
            IpPerCommandVariant.run(List.of(launcher(), "--host", "-e", "teardown"));
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
