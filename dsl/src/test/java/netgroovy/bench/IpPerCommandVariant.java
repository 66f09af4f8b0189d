package netgroovy.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The endpoints built the way a page of commands (or pipework) builds them: one {@code ip}
 * process per command, {@code ip -n NS} for what happens inside a namespace.
 */
final class IpPerCommandVariant implements Variant {

    @Override
    public String name() {
        return "ip per cmd";
    }

    @Override
    public void setup(Plan plan) throws Exception {
        ip("link", "add", Plan.BRIDGE, "type", "bridge");
        ip("addr", "add", Plan.bridgeCidr().toString(), "dev", Plan.BRIDGE);
        ip("link", "set", Plan.BRIDGE, "up");
        for (int k = 0; k < plan.n(); k++) {
            String ns = plan.namespace(k);
            ip("netns", "add", ns);
            ip("link", "add", plan.hostVeth(k), "type", "veth", "peer", "name", Plan.INNER, "netns", ns);
            ip("link", "set", plan.hostVeth(k), "master", Plan.BRIDGE, "up");
            ip("-n", ns, "link", "set", Plan.INNER, "address", plan.mac(k).toString(), "up");
            ip("-n", ns, "addr", "add", plan.cidr(k).toString(), "dev", Plan.INNER);
            ip("-n", ns, "link", "set", "lo", "up");
            ip("-n", ns, "route", "add", "default", "via", Plan.GATEWAY.toString());
        }
    }

    @Override
    public void teardown(Plan plan) throws Exception {
        for (int k = 0; k < plan.n(); k++) {
            ip("netns", "delete", plan.namespace(k));
        }
        ip("link", "delete", Plan.BRIDGE);
    }

    static void ip(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        run(argv);
    }

    static void run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + p.exitValue() + ")");
        }
    }
}
