package netgroovy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.Rtnl;
import netgroovy.value.IfName;

/**
 * The endpoints built as a container runtime builds them with the reference CNI plugins
 * (Debian's containernetworking-plugins): the runtime makes the namespace (here with the
 * kernel layer, in-process, as podman does), then execs the {@code bridge} plugin (static
 * IPAM: the address, the default route and the MAC via {@code runtimeConfig}) and the
 * {@code loopback} plugin, two processes per endpoint. The bridge plugin names the host end
 * itself ({@code vethXXXXXXXX}). Teardown removes the namespaces and the bridge, as the other
 * tools do, without a CNI DEL (which would only add a process per endpoint).
 */
final class CniBridgeVariant implements Variant {
    static final Path PLUGINS = Path.of("/usr/lib/cni");

    @Override
    public String name() {
        return "cni bridge";
    }

    static boolean available() {
        return Files.isExecutable(PLUGINS.resolve("bridge")) && Files.isExecutable(PLUGINS.resolve("static"));
    }

    @Override
    public void setup(Plan plan) throws Exception {
        try (Rtnl host = Rtnl.host()) {
            IfName bridge = IfName.of(Plan.BRIDGE);
            host.links().addBridge(bridge);
            host.addresses().add(bridge, Plan.bridgeCidr());
            host.links().setUp(bridge);
        }
        for (int k = 0; k < plan.n(); k++) {
            String ns = plan.namespace(k);
            Namespaces.create(ns);
            plugin("bridge", ns, """
                    {"cniVersion":"1.0.0","name":"nb","type":"bridge","bridge":"%s","isGateway":false,\
                    "runtimeConfig":{"mac":"%s"},"ipam":{"type":"static",\
                    "addresses":[{"address":"%s","gateway":"%s"}],"routes":[{"dst":"0.0.0.0/0","gw":"%s"}]}}"""
                    .formatted(Plan.BRIDGE, plan.mac(k), plan.cidr(k), Plan.GATEWAY, Plan.GATEWAY));
            plugin("loopback", ns, """
                    {"cniVersion":"1.0.0","name":"lo","type":"loopback"}""");
        }
    }

    private static void plugin(String type, String ns, String config) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(PLUGINS.resolve(type).toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        var env = pb.environment();
        env.put("CNI_COMMAND", "ADD");
        env.put("CNI_CONTAINERID", ns);
        env.put("CNI_NETNS", "/run/netns/" + ns);
        env.put("CNI_IFNAME", type.equals("loopback") ? "lo" : Plan.INNER);
        env.put("CNI_PATH", PLUGINS.toString());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(config.getBytes(StandardCharsets.UTF_8));
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("CNI " + type + " ADD in " + ns + " failed (exit " + p.exitValue() + ")");
        }
    }

    @Override
    public void teardown(Plan plan) {
        for (int k = 0; k < plan.n(); k++) {
            Namespaces.delete(plan.namespace(k));
        }
        try (Rtnl host = Rtnl.host()) {
            host.links().delete(IfName.of(Plan.BRIDGE));
        }
    }
}
