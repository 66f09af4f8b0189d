package netgroovy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The same endpoints built with iproute2, the fastest honest way it offers: ONE {@code ip
 * -batch} process for everything. A batch line cannot carry global options ({@code -n NS
 * addr add ...} fails with 'Object "-n" is unknown'), so what must happen inside a namespace
 * is a per-namespace batch file run from the main batch by a {@code netns exec NS ip -batch
 * FILE} line: ip forks one child per namespace, which enters the namespace and runs all four
 * of its commands. That is one process per endpoint (the minimum: ip has no way to talk to
 * another namespace without switching into it) instead of one per command.
 */
final class IpBatchVariant implements Variant {
    private Path dir;
    private Path setupBatch;
    private Path teardownBatch;

    @Override
    public String name() {
        return "ip -batch";
    }

    /** Writing the batch files is the caller's job, not ip's, so it is not timed. */
    @Override
    public void prepare(Plan plan) throws IOException {
        cleanFiles();
        dir = Files.createTempDirectory("netgroovy-bench-");
        setupBatch = dir.resolve("setup.batch");
        teardownBatch = dir.resolve("teardown.batch");
        List<String> setup = new ArrayList<>(List.of(
                "link add " + Plan.BRIDGE + " type bridge",
                "addr add " + Plan.bridgeCidr() + " dev " + Plan.BRIDGE,
                "link set " + Plan.BRIDGE + " up"));
        List<String> teardown = new ArrayList<>();
        for (int k = 0; k < plan.n(); k++) {
            setup.addAll(endpointLines(plan, k));
            teardown.add("netns delete " + plan.namespace(k));
        }
        teardown.add("link delete " + Plan.BRIDGE);
        Files.write(setupBatch, setup);
        Files.write(teardownBatch, teardown);
    }

    /** Host side in the main batch; the namespace side in a file of its own, run inside it. */
    private List<String> endpointLines(Plan plan, int k) throws IOException {
        String ns = plan.namespace(k);
        Path inner = dir.resolve(ns + ".batch");
        Files.write(inner, List.of(
                "link set " + Plan.INNER + " address " + plan.mac(k) + " up",
                "addr add " + plan.cidr(k) + " dev " + Plan.INNER,
                "link set lo up",
                "route add default via " + Plan.GATEWAY));
        return List.of(
                "netns add " + ns,
                "link add " + plan.hostVeth(k) + " type veth peer name " + Plan.INNER + " netns " + ns,
                "link set " + plan.hostVeth(k) + " master " + Plan.BRIDGE + " up",
                "netns exec " + ns + " ip -batch " + inner);
    }

    @Override
    public void setup(Plan plan) throws Exception {
        ipBatch(setupBatch);
    }

    @Override
    public void teardown(Plan plan) throws Exception {
        ipBatch(teardownBatch);
        cleanFiles();
    }

    private static void ipBatch(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "-batch", file.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ip -batch " + file + " failed (exit " + p.exitValue() + ")");
        }
    }

    private void cleanFiles() throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        dir = null;
    }
}
