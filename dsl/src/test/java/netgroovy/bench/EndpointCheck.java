package netgroovy.bench;

import groovy.json.JsonSlurper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import netgroovy.testing.Sh;

/**
 * Checks with iproute2 (never with netgroovy's own code) that a setup really built N working
 * endpoints, so the benchmark cannot silently time nothing; and waits until a teardown has
 * really left nothing behind, so one round's leftovers cannot slow the next.
 */
final class EndpointCheck {
    private static final Path SYS_NET = Path.of("/sys/class/net");
    private static final Path RUN_NETNS = Path.of("/run/netns");

    private EndpointCheck() {
    }

    /** Throws unless every endpoint of the plan exists and is configured as asked. */
    static void verifySetup(Plan plan) {
        List<String> problems = new ArrayList<>();
        int namespaces = countNamespaces();
        if (namespaces != plan.n()) {
            problems.add(namespaces + " namespaces in 'ip netns list', expected " + plan.n());
        }
        long ports = json(run("ip", "-j", "link", "show", "master", Plan.BRIDGE)).stream()
                .filter(l -> flags(l).contains("UP")).count();
        if (ports != plan.n()) {
            problems.add(ports + " veth ends up on " + Plan.BRIDGE + ", expected " + plan.n());
        }
        long eth0s = countConfiguredEth0s(plan);
        if (eth0s != plan.n()) {
            problems.add(eth0s + " namespaces with eth0 (up, right address and MAC), lo up and the default route, expected "
                    + plan.n());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("setup did not build what it should: " + String.join("; ", problems));
        }
    }

    /**
     * One {@code ip -all netns exec} per question (it runs the command in every namespace),
     * then the answers are matched per namespace.
     */
    private static long countConfiguredEth0s(Plan plan) {
        Map<String, String> addrs = perNamespace(run("ip", "-all", "netns", "exec", "ip", "-j", "addr", "show"));
        Map<String, String> routes = perNamespace(run("ip", "-all", "netns", "exec", "ip", "-j", "route", "show", "default"));
        long good = 0;
        for (int k = 0; k < plan.n(); k++) {
            String ns = plan.namespace(k);
            if (addrs.containsKey(ns) && routes.containsKey(ns)
                    && addressesOk(json(addrs.get(ns)), plan.cidr(k).toString(), plan.mac(k).toString())
                    && defaultRouteOk(json(routes.get(ns)))) {
                good++;
            }
        }
        return good;
    }

    @SuppressWarnings("unchecked")
    private static boolean addressesOk(List<Map<String, Object>> links, String cidr, String mac) {
        boolean eth0 = false;
        boolean lo = false;
        for (Map<String, Object> l : links) {
            if (Plan.INNER.equals(l.get("ifname")) && flags(l).contains("UP") && mac.equals(l.get("address"))) {
                for (Map<String, Object> a : (List<Map<String, Object>>) l.get("addr_info")) {
                    eth0 |= cidr.equals(a.get("local") + "/" + a.get("prefixlen"));
                }
            }
            lo |= "lo".equals(l.get("ifname")) && flags(l).contains("UP");
        }
        return eth0 && lo;
    }

    private static boolean defaultRouteOk(List<Map<String, Object>> routes) {
        return routes.stream().anyMatch(r -> Plan.GATEWAY.toString().equals(r.get("gateway"))
                && Plan.INNER.equals(r.get("dev")));
    }

    /**
     * Waits until the kernel has destroyed what the teardown released: no namespace files,
     * and no interface but lo (a deleted namespace's veths go away asynchronously, in the
     * kernel's cleanup_net worker). Returns the nanoTime at which that was seen.
     */
    static long awaitEmpty(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            List<String> left = leftovers();
            long now = System.nanoTime();
            if (left.isEmpty()) {
                return now;
            }
            if (now > deadline) {
                throw new IllegalStateException("still there " + timeoutMillis + " ms after teardown: "
                        + left.subList(0, Math.min(5, left.size())) + (left.size() > 5 ? " ..." : ""));
            }
            Thread.sleep(2);
        }
    }

    /** Interfaces other than lo, then named namespaces; cheap enough to poll (directory reads). */
    static List<String> leftovers() {
        List<String> out = new ArrayList<>();
        for (String dev : names(SYS_NET)) {
            if (!dev.equals("lo")) {
                out.add(dev);
            }
        }
        for (String ns : names(RUN_NETNS)) {
            out.add("netns " + ns);
        }
        return out;
    }

    /** The sandbox mounts sysfs for its own namespace; without it the polling above sees nothing. */
    static void requireSysfs() {
        if (!names(SYS_NET).contains("lo")) {
            throw new IllegalStateException(SYS_NET + " does not show the sandbox's lo; is sysfs mounted?");
        }
    }

    private static int countNamespaces() {
        int count = 0;
        for (String line : run("ip", "netns", "list").split("\n")) {
            count += line.matches(Plan.PREFIX_NAME + "\\d+( .*)?") ? 1 : 0;
        }
        return count;
    }

    /** Splits {@code ip -all netns exec} output ("netns: NAME" then the command's output). */
    private static Map<String, String> perNamespace(String out) {
        Map<String, String> byNs = new HashMap<>();
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : (out + "\nnetns: \n").split("\n")) {
            if (line.startsWith("netns: ")) {
                if (current != null) {
                    byNs.put(current, body.toString());
                }
                current = line.substring("netns: ".length()).trim();
                body.setLength(0);
            } else {
                body.append(line).append('\n');
            }
        }
        return byNs;
    }

    @SuppressWarnings("unchecked")
    private static List<String> flags(Map<String, Object> link) {
        Object f = link.get("flags");
        return f == null ? List.of() : (List<String>) f;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> json(String text) {
        return text.isBlank() ? List.of() : (List<Map<String, Object>>) new JsonSlurper().parseText(text);
    }

    private static String run(String... argv) {
        Sh.Result r = Sh.run(argv);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + r.err());
        }
        return r.out();
    }

    private static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
