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
 */
final class ScriptVariant implements Variant {
    private Path script;

    static String launcher() {
        return System.getenv("NETGROOVY_BENCH_LAUNCHER");
    }

    static boolean available() {
        String l = launcher();
        return l != null && Files.isExecutable(Path.of(l));
    }

    @Override
    public String name() {
        return "./netgroovy script";
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
        script = Files.createTempFile("netgroovy-bench-", ".netgroovy");
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
