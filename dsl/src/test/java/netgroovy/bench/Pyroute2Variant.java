package netgroovy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The endpoints built by pyroute2 (Python's netlink library, Debian's python3-pyroute2), one
 * Python process for the setup and one for the teardown, in its fast style: the veth peer
 * born in the namespace, and the in-namespace requests over a socket opened after
 * {@code pushns} rather than through {@code NetNS}, which forks a helper per namespace.
 */
final class Pyroute2Variant implements Variant {
    static final String PYTHON = "/usr/bin/python3";

    private static final String SETUP = """
            import sys
            from pyroute2 import IPRoute, netns
            bridge, bridge_ip, prefix, gateway = sys.argv[1:5]
            endpoints = [line.split() for line in sys.stdin.read().splitlines()]
            host = IPRoute()
            host.link('add', ifname=bridge, kind='bridge')
            br = host.link_lookup(ifname=bridge)[0]
            host.addr('add', index=br, address=bridge_ip, prefixlen=int(prefix))
            host.link('set', index=br, state='up')
            for ns, veth, ip, mac in endpoints:
                netns.create(ns)
                host.link('add', ifname=veth, kind='veth', peer={'ifname': 'eth0', 'net_ns_fd': ns})
                v = host.link_lookup(ifname=veth)[0]
                host.link('set', index=v, master=br, state='up')
                netns.pushns(ns)
                try:
                    inside = IPRoute()
                    eth0 = inside.link_lookup(ifname='eth0')[0]
                    inside.link('set', index=eth0, address=mac, state='up')
                    inside.addr('add', index=eth0, address=ip, prefixlen=int(prefix))
                    inside.link('set', index=inside.link_lookup(ifname='lo')[0], state='up')
                    inside.route('add', dst='0.0.0.0/0', gateway=gateway)
                    inside.close()
                finally:
                    netns.popns()
            host.close()
            """;

    private static final String TEARDOWN = """
            import sys
            from pyroute2 import IPRoute, netns
            bridge = sys.argv[1]
            for ns in sys.stdin.read().split():
                netns.remove(ns)
            host = IPRoute()
            host.link('del', index=host.link_lookup(ifname=bridge)[0])
            host.close()
            """;

    private Path dir;

    @Override
    public String name() {
        return "pyroute2";
    }

    static boolean available() {
        try {
            return new ProcessBuilder(PYTHON, "-c", "import pyroute2").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Override
    public void prepare(Plan plan) throws IOException {
        dir = Files.createTempDirectory("netgroovy-bench-py-");
        Files.writeString(dir.resolve("setup.py"), SETUP);
        Files.writeString(dir.resolve("teardown.py"), TEARDOWN);
        List<String> endpoints = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        for (int k = 0; k < plan.n(); k++) {
            endpoints.add(plan.namespace(k) + " " + plan.hostVeth(k) + " " + plan.address(k) + " " + plan.mac(k));
            namespaces.add(plan.namespace(k));
        }
        Files.write(dir.resolve("endpoints"), endpoints);
        Files.write(dir.resolve("namespaces"), namespaces);
    }

    @Override
    public void setup(Plan plan) throws Exception {
        python("setup.py", "endpoints", Plan.BRIDGE, Plan.GATEWAY.toString(), String.valueOf(Plan.PREFIX),
                Plan.GATEWAY.toString());
    }

    @Override
    public void teardown(Plan plan) throws Exception {
        python("teardown.py", "namespaces", Plan.BRIDGE);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private void python(String script, String input, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(PYTHON, dir.resolve(script).toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv)
                .redirectInput(dir.resolve(input).toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pyroute2 " + script + " failed (exit " + p.exitValue() + ")");
        }
    }
}
