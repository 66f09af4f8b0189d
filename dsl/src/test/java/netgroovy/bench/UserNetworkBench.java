package netgroovy.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;

/**
 * Benchmark (not a test): N containers on one user network, one {@code container} statement
 * each, as a script makes them. Prints the time per container over the first and the last 50,
 * so a cost that grows with the network shows as a ratio, the heap in use after a GC, and the
 * user CPU time of the statements' thread over the same windows (netgroovy's own work).
 * Run with bench/user-network (inside the sandbox).
 *
 * <p>In /etc/hosts mode every member's file must list the newcomer: a join appends one line to
 * each member's file (O(members) small writes); with {@code resolver: 'embedded'} no file but
 * the newcomer's own is written.
 */
public final class UserNetworkBench {
    private static final int WINDOW = 50;

    public static void main(String[] args) throws Exception {
        if (!netgroovy.kernel.Sandbox.inside()) {
            System.err.println("UserNetworkBench makes hundreds of containers: it runs only inside the sandbox (bench/user-network). Refusing.");
            System.exit(2);
        }
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(Integer.parseInt(a));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(50, 1000);
        }
        System.out.printf("%-14s %6s %16s %16s %8s %10s %18s%n", "resolver", "N", "first 50 ms/c", "last 50 ms/c", "ratio", "heap MB", "user CPU ms/c");
        for (String resolver : List.of("hosts", "embedded", "kernel", "kernel-no-ipv6")) {
            for (int n : sizes) {
                if (resolver.startsWith("kernel")) {
                    kernelLayer(n, resolver.equals("kernel"));
                } else {
                    run(resolver, n);
                }
            }
        }
    }

    private static void run(String resolver, int n) {
        try (Session session = new Session(false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "sandbox")) {
            Engine engine = new Engine(session);
            engine.binding().setVariable("N", n);
            List<Long> cpu = new ArrayList<>();
            engine.binding().setVariable("CPU", cpu);
            @SuppressWarnings("unchecked")
            List<Long> times = (List<Long>) engine.run("""
                    dockerd resolver: '%s'
                    network 'u', subnet: '10.100.0.0/16'
                    T = []
                    threads = java.lang.management.ManagementFactory.threadMXBean
                    for (k in 0..<N) {
                        container "u$k", net: 'u'
                        T << System.nanoTime()
                        CPU << threads.currentThreadUserTime
                    }
                    T
                    """.formatted(resolver), "user-network.netgroovy");
            int w = Math.min(WINDOW, n - 1);
            double first = (times.get(w) - times.get(0)) / 1e6 / w;
            double last = (times.get(n - 1) - times.get(n - 1 - w)) / 1e6 / w;
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            // The statements' thread's user CPU: netgroovy's own work, apart from the kernel's (system
            // time) and the JVM's other threads (the JIT compiling Groovy's call sites), and much less
            // disturbed by a busy machine than the wall time.
            double cpuFirst = (cpu.get(w) - cpu.get(0)) / 1e6 / w;
            double cpuLast = (cpu.get(n - 1) - cpu.get(n - 1 - w)) / 1e6 / w;
            System.out.printf("%-14s %6d %16.2f %16.2f %7.2fx %10d %8.2f → %6.2f%n", resolver, n, first, last, last / first, heap, cpuFirst, cpuLast);
            engine.run("teardown", "teardown.netgroovy");
        }
    }

    /**
     * The same number of endpoints on one bridge made by the kernel layer alone (namespace, veth
     * born in it, port up, MAC, address, routes: what a container's network is), for how much
     * of the growth is the kernel's own: each port of a bigger bridge costs it more. With IPv6 on
     * in each namespace (as {@code ip netns add} leaves it), or off, as a container's is made.
     */
    private static void kernelLayer(int n, boolean ipv6) throws Exception {
        NetgroovyVariant v = ipv6 ? new NetgroovyVariant() : NetgroovyVariant.withoutIpv6();
        Plan plan = new Plan(n);
        v.prepare(plan);
        v.setup(plan);
        int w = Math.min(WINDOW, n - 1);
        double first = (v.times.get(w) - v.times.get(0)) / 1e6 / w;
        double last = (v.times.get(n) - v.times.get(n - w)) / 1e6 / w;
        System.out.printf("%-14s %6d %16.2f %16.2f %7.2fx%n", ipv6 ? "kernel" : "kernel-no-ipv6", n, first, last, last / first);
        v.teardown(plan);
        EndpointCheck.awaitEmpty(30_000); // namespaces are destroyed in the kernel's own time: their veths go after
    }
}
