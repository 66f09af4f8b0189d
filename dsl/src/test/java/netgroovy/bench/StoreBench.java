package netgroovy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netgroovy.docker.Container;
import netgroovy.docker.Ipam;
import netgroovy.docker.Macs;
import netgroovy.docker.Network;
import netgroovy.model.Ledger;
import netgroovy.model.StateStore;
import netgroovy.model.World;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;

/**
 * The state store's share of a statement: a world of N containers with P published ports each
 * is stored, then statements that each add one container with one published port are kept,
 * as {@code container 'cK', publish: 'H:80'} keeps them (the container word also looks at every
 * container, for links). Times the commit alone (finding the changes, writing them), with the
 * lock, as Session does. Touches no kernel: it runs anywhere, in a temporary directory.
 *
 * <p>Usage: {@code StoreBench [N [P [STATEMENTS]]]} (default 5000 2 200), through bench/store.
 * STORE_BENCH_NOSWEEP=1: the statements do not look at every container (as {@code publish}
 * or {@code rm} do not); STORE_BENCH_DEBUG=1: each statement's times, finding and writing apart.
 */
public final class StoreBench {
    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int p = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int statements = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Path dir = Files.createTempDirectory("netgroovy-store-bench");
        StateStore store = new StateStore(dir);
        Network bridge = new Network("bridge", "docker0", new Ipam(Cidr.parse("10.0.0.0/8"), null, IpAddress.parse("10.0.0.1")), true, false, null);
        store.lock();
        Ledger ledger = store.load(why -> new World());
        World w = ledger.world();
        w.networks.put("bridge", bridge);
        w = fill(w, n, p);
        List<Ledger.Change> all = ledger.changes(w);
        ledger.accept(all);
        store.commit(ledger, all);
        w.containers.values().forEach(c -> c.links.isEmpty()); // fingerprints taken once, as after a first look
        ledger.accept(ledger.changes(w));
        store.unlock();
        List<Double> times = new ArrayList<>();
        for (int k = 0; k < statements; k++) {
            store.lock();
            Ledger fresh = store.load(why -> new World());
            if (fresh != null) {
                ledger = fresh;
                w = ledger.world();
            }
            add(w, n + k, p);
            if (System.getenv("STORE_BENCH_NOSWEEP") == null) {
                w.containers.values().forEach(c -> c.links.isEmpty()); // the container word looks at all, for links to it
            }
            long start = System.nanoTime();
            List<Ledger.Change> changes = ledger.changes(w);
            long found = System.nanoTime();
            ledger.accept(changes);
            store.commit(ledger, changes);
            times.add((System.nanoTime() - start) / 1e6);
            if (System.getenv("STORE_BENCH_DEBUG") != null) {
                System.out.printf("changes %.2f ms, commit %.2f ms, %d changes%n", (found - start) / 1e6, (System.nanoTime() - found) / 1e6, changes.size());
            }
            store.unlock();
        }
        List<Double> sorted = new ArrayList<>(times);
        sorted.sort(null);
        System.out.printf("%d containers, %d ports each (%d records): commit of one container + its ports: median %.2f ms, 90th %.2f ms, max %.2f ms"
                        + " (%d statements; snapshot %d KiB, journal %d KiB)%n",
                n, p, n * 3 + 2, sorted.get(sorted.size() / 2), sorted.get(sorted.size() * 9 / 10), sorted.get(sorted.size() - 1), statements,
                Files.size(dir.resolve("state.json")) / 1024, Files.size(dir.resolve("state.journal")) / 1024);
    }

    private static World fill(World w, int n, int p) {
        for (int k = 0; k < n; k++) {
            add(w, k, p);
        }
        return w;
    }

    /** What {@code container 'cK', publish: ...} adds to the world. */
    static void add(World w, int k, int p) {
        Network bridge = w.networks.get("bridge");
        String name = "c" + k;
        Container c = new Container(name, "bridge", name);
        IpAddress ip = bridge.ipam().allocate();
        c.network = bridge;
        c.ip = ip;
        c.mac = Macs.fromIp(ip);
        c.hostVeth = "veth" + Integer.toHexString(name.hashCode() & 0xfffffff);
        c.hostname = c.shortId();
        c.attachments.add(new Container.Attachment(bridge, ip, c.mac, "eth0", c.hostVeth));
        List<String> ports = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            ports.add("0.0.0.0:" + (10000 + k * p + i) + "->80/tcp");
            c.exposed.add("80/tcp");
        }
        w.containers.put(name, c);
        w.specs.put("container " + name, "{publish=" + ports + "}");
        w.namespaces.add(name);
        w.published.put(name, ports);
        w.exposed.put(name, new ArrayList<>(List.of("80/tcp")));
    }
}
