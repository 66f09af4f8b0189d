package netgroovy.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import netgroovy.kernel.Link;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.NetNs;
import netgroovy.kernel.Rtnl;
import netgroovy.value.IfName;

/**
 * The endpoints built with netgroovy's kernel layer, one public verb per step, the way the
 * DSL uses it: no shortcuts that a normal caller would not take. Either with IPv6 on in each
 * namespace, as the hand-wired words (and every other tool measured) leave it; or with IPv6
 * off, as Docker makes a container's namespace; or doing all the system work a container is
 * ({@link #asContainer}): the kernel layer to hold {@code container} against.
 */
final class NetgroovyVariant implements Variant {
    private final boolean ipv6;
    /** Also what else a container is: a UTS namespace with its hostname, its three files in /etc/netns, hairpin on its port. */
    private final boolean containerWork;

    private static final IfName BRIDGE = IfName.of(Plan.BRIDGE);
    private static final IfName ETH0 = IfName.of(Plan.INNER);
    private static final IfName LO = IfName.of("lo");

    /** Nanoseconds per step over the last setup, in the order the steps first ran. */
    private final Map<String, Long> steps = new LinkedHashMap<>();
    /** System.nanoTime() after each endpoint of the last setup (the first is the start). */
    final java.util.List<Long> times = new java.util.ArrayList<>();

    NetgroovyVariant() {
        this(true, false);
    }

    private NetgroovyVariant(boolean ipv6, boolean containerWork) {
        this.ipv6 = ipv6;
        this.containerWork = containerWork;
    }

    static NetgroovyVariant withoutIpv6() {
        return new NetgroovyVariant(false, false);
    }

    /**
     * The system work of {@code container} (without the userland proxy, as the bench's daemon
     * runs), step by step with the kernel layer's verbs: the endpoint with IPv6 off in its
     * namespace, hairpin on its port, a UTS namespace with its hostname, and /etc/netns/NAME's
     * hosts, hostname and resolv.conf. Not netgroovy's own bookkeeping (its marks, its copies
     * of the files, its store), which is what {@code container} may cost above this.
     */
    static NetgroovyVariant asContainer() {
        return new NetgroovyVariant(false, true);
    }

    @Override
    public String name() {
        return containerWork ? "netgroovy as-container" : ipv6 ? "netgroovy" : "netgroovy no-ipv6";
    }

    @Override
    public void setup(Plan plan) {
        steps.clear();
        try (Rtnl host = Rtnl.host()) {
            host.links().addBridge(BRIDGE);
            host.addresses().add(BRIDGE, Plan.bridgeCidr());
            host.links().setUp(BRIDGE);
            Link bridge = host.links().require(BRIDGE); // looked up once, as a caller building many ports would
            times.clear();
            times.add(System.nanoTime());
            for (int k = 0; k < plan.n(); k++) {
                addEndpoint(host, bridge, plan, k);
                times.add(System.nanoTime());
            }
        }
    }

    private void addEndpoint(Rtnl host, Link bridge, Plan plan, int k) {
        String name = plan.namespace(k);
        IfName veth = plan.hostVethName(k);
        try (Rtnl inside = step("netns create + socket", () -> Rtnl.createNamespace(name, ipv6));
             NetNs ns = step("netns open", () -> NetNs.named(name))) {
            if (containerWork) {
                // As container makes it: born on the bridge, hairpin while down, then up (three requests).
                step("veth add on bridge", () -> host.links().addVeth(veth, ETH0, ns, BRIDGE));
                step("host end: hairpin", () -> host.links().setHairpin(veth, true));
                step("host end: up", () -> host.links().setUp(veth));
                step("uts + hostname", () -> Namespaces.createUts(name, "h" + k));
                step("/etc/netns files", () -> etcFiles(plan, k));
            } else {
                step("veth add (peer in ns)", () -> host.links().addVeth(veth, ETH0, ns));
                step("host end: master + up", () -> host.links().attach(veth, bridge, true));
            }
            step("eth0: mac", () -> inside.links().setMac(ETH0, plan.mac(k)));
            step("eth0: addr add", () -> inside.addresses().add(ETH0, plan.cidr(k)));
            step("eth0: up", () -> inside.links().setUp(ETH0));
            step("lo: up", () -> inside.links().setUp(LO));
            step("default route", () -> inside.routes().add(null, Plan.GATEWAY, null));
        }
    }

    private static final java.nio.file.Path ETC_NETNS = java.nio.file.Path.of("/etc/netns");

    /** What Docker writes for a container, as the files iproute2 shows it in the namespace. */
    private static void etcFiles(Plan plan, int k) {
        java.nio.file.Path dir = ETC_NETNS.resolve(plan.namespace(k));
        try {
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(dir.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                    + "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
                    + plan.cidr(k).address() + "\th" + k + "\n");
            java.nio.file.Files.writeString(dir.resolve("hostname"), "h" + k + "\n");
            java.nio.file.Files.writeString(dir.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void teardown(Plan plan) {
        // Deleting a namespace takes its eth0 along, and with it the host end of the veth.
        for (int k = 0; k < plan.n(); k++) {
            Namespaces.delete(plan.namespace(k));
            if (containerWork) {
                Namespaces.deleteUts(plan.namespace(k));
                java.nio.file.Path dir = ETC_NETNS.resolve(plan.namespace(k));
                try {
                    for (String f : List.of("hosts", "hostname", "resolv.conf")) {
                        java.nio.file.Files.deleteIfExists(dir.resolve(f));
                    }
                    java.nio.file.Files.deleteIfExists(dir);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        try (Rtnl host = Rtnl.host()) {
            host.links().delete(BRIDGE);
        }
    }

    @Override
    public String stepProfile() {
        long total = steps.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder b = new StringBuilder();
        steps.forEach((step, nanos) -> b.append(String.format("    %-24s %7.1f ms  %5.1f%%%n",
                step, nanos / 1e6, 100.0 * nanos / total)));
        return b.toString();
    }

    private void step(String name, Runnable work) {
        step(name, () -> {
            work.run();
            return null;
        });
    }

    private <T> T step(String name, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            steps.merge(name, System.nanoTime() - start, Long::sum);
        }
    }
}
