package netgroovy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netgroovy.docker.Container;
import netgroovy.docker.Ipam;
import netgroovy.docker.Network;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's files as another process (or a person with {@code cat}) reads them: a statement
 * appends its changed records to the journal and leaves the snapshot alone; the snapshot is
 * rewritten when the journal has grown as large; a torn last line and a journal of an older
 * snapshot are ignored. Touches no kernel: a directory of its own.
 */
class StateStoreTest {
    @TempDir
    Path dir;

    /** One process's view: its own store object and ledger, as a Session keeps them. */
    private final class Process {
        final StateStore store = new StateStore(dir);
        Ledger ledger;
        World world;

        World look() {
            store.lock();
            Ledger fresh = store.load(why -> new World());
            if (fresh != null) {
                ledger = fresh;
                world = ledger.world();
            }
            return world;
        }

        List<Ledger.Change> keep() {
            List<Ledger.Change> changes = ledger.changes(world);
            ledger.accept(changes);
            store.commit(ledger, changes);
            store.unlock();
            return changes;
        }
    }

    /** A process that has kept a world of one network, bridge, and one container on it, web. */
    private Process withWeb() {
        Process a = new Process();
        World w = a.look();
        w.networks.put("bridge", new Network("bridge", "docker0", new Ipam(Cidr.parse("10.0.0.0/24"), null, IpAddress.parse("10.0.0.1")), true, false, null));
        container(w, "web", "10.0.0.2");
        a.keep();
        return a;
    }

    private static Container container(World w, String name, String ip) {
        Network n = w.networks.get("bridge");
        Container c = new Container(name, "bridge", name);
        IpAddress a = n.ipam().allocate(IpAddress.parse(ip));
        c.network = n;
        c.ip = a;
        c.mac = Mac.parse("02:42:0a:00:00:0" + ip.charAt(ip.length() - 1));
        c.attachments.add(new Container.Attachment(n, a, c.mac, "eth0", "veth-" + name));
        w.containers.put(name, c);
        return c;
    }

    @Test
    void aStatementAppendsItsChangesAndAnotherProcessReadsThem() throws Exception {
        Process a = new Process();
        World w = a.look();
        w.networks.put("bridge", new Network("bridge", "docker0", new Ipam(Cidr.parse("10.0.0.0/24"), null, IpAddress.parse("10.0.0.1")), true, false, null));
        container(w, "web", "10.0.0.2");
        w.published.put("web", new ArrayList<>(List.of("0.0.0.0:8080->80/tcp")));
        a.keep();
        String snapshot = Files.readString(dir.resolve("state.json"));

        w = a.look();
        w.published.get("web").add("0.0.0.0:8081->81/tcp");
        container(w, "db", "10.0.0.3");
        List<Ledger.Change> changes = a.keep();
        assertEquals(List.of("add published web", "put container db"), changes.stream().map(c -> c.op() + " " + c.key()).sorted().toList());
        assertEquals(snapshot, Files.readString(dir.resolve("state.json")), "the snapshot is not rewritten for a small change");
        List<String> journal = Files.readAllLines(dir.resolve("state.journal"));
        assertTrue(journal.get(0).matches("\\{\"generation\":\\d+\\}"), journal.get(0));
        assertTrue(journal.contains("[\"add\",\"published web\",[\"0.0.0.0:8081->81/tcp\"]]"), journal.toString());

        Process b = new Process();
        World seen = b.look();
        b.store.unlock();
        assertEquals(List.of("web", "db"), List.copyOf(seen.containers.keySet()));
        assertEquals(List.of("0.0.0.0:8080->80/tcp", "0.0.0.0:8081->81/tcp"), seen.published.get("web"));
        assertEquals(List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("10.0.0.3")), seen.networks.get("bridge").ipam().taken(),
                "the addresses are taken again from the containers");

        w = a.look();
        a.ledger.changes(w); // nothing
        a.store.unlock();
        w = a.look();
        w.containers.remove("web");
        a.keep();
        assertNull(b.look().containers.get("web"), "b sees a's change at its next look");
        b.store.unlock();
    }

    /**
     * A value handed out by a statement may still change after it was kept (a container's pid
     * is set once its process runs): the next statement finds that change though it did not
     * touch the value, and reports nothing for the statement before's values that did not change
     * (looked at by their fingerprint first).
     */
    @Test
    void aValueChangedAfterItsStatementIsFoundByTheNextStatement() {
        Process a = withWeb();
        World w;

        w = a.look();
        container(w, "db", "10.0.0.3");
        assertEquals(List.of("put container db"), a.keep().stream().map(c -> c.op() + " " + c.key()).toList(),
                "web, touched by the statement before, is looked at again and is unchanged");

        w = a.look();
        Container cache = container(w, "cache", "10.0.0.4");
        a.keep();
        cache.pid = 4343;
        w = a.look();
        w.namespaces.add("lab2");
        assertEquals(List.of("put container cache", "put namespace lab2"), a.keep().stream().map(c -> c.op() + " " + c.key()).sorted().toList(),
                "cache's pid, set after its statement, is found by the next one");
        assertEquals(4343, ((Number) ((java.util.Map<?, ?>) a.ledger.records().get("container cache")).get("pid")).intValue());
    }

    /**
     * A record touched by a statement is compared by its fingerprint first, as the daemon's
     * options are at every statement: what is as it was last compared writes nothing, and a
     * change to any field of the record, in place or not, is kept.
     */
    @Test
    void aTouchedRecordAndTheDaemonsOptionsAreComparedByFingerprintFirstAndEveryChangeIsKept() {
        Process a = withWeb();
        World w;

        w = a.look();
        w.networks.get("bridge"); // (handed out: touched)
        w.containers.get("web").env.put("A", "1"); // (changed in place)
        assertEquals(List.of("put container web"), a.keep().stream().map(c -> c.op() + " " + c.key()).toList(),
                "the network handed out is unchanged; web's new variable is kept");
        w = a.look();
        w.containers.get("web");
        assertEquals(List.of(), a.keep(), "touched, unchanged: nothing written");

        List<java.util.function.Consumer<World>> options = List.of(
                x -> x.dns = List.of("192.0.2.53"),
                x -> x.dnsSearch = List.of("example.org"),
                x -> x.defaultHostIp = IpAddress.parse("192.0.2.1"),
                x -> x.iptables = false,
                x -> x.portRange = "40000-40999",
                x -> x.mtu = 1400,
                x -> x.userlandProxy = true,
                x -> x.lastPorts.put("tcp", 40001),
                x -> x.resolver = "embedded");
        for (var option : options) {
            w = a.look();
            option.accept(w);
            assertEquals(List.of("put daemon"), a.keep().stream().map(c -> c.op() + " " + c.key()).toList(), "each of the daemon's options is kept");
        }
        World seen = new Process().look();
        assertEquals("embedded", seen.resolver);
        assertEquals(1400, seen.mtu);
    }

    @Test
    void aLargeJournalIsFoldedIntoANewSnapshotAndAnOlderJournalIsIgnored() throws Exception {
        Process a = new Process();
        World w = a.look();
        w.networks.put("bridge", new Network("bridge", "docker0", new Ipam(Cidr.parse("10.0.0.0/16"), null, IpAddress.parse("10.0.0.1")), true, false, null));
        a.keep();
        String first = Files.readString(dir.resolve("state.json"));
        String spec = "x".repeat(4000);
        for (int i = 0; i < 100; i++) {
            w = a.look();
            w.specs.put("container c" + i, spec); // 4 KB a line: the journal outgrows 256 KiB
            a.keep();
        }
        assertTrue(!Files.readString(dir.resolve("state.json")).equals(first), "a new snapshot was written");
        assertTrue(Files.size(dir.resolve("state.journal")) < 256 * 1024);
        Process b = new Process();
        assertEquals(100, b.look().specs.size());
        b.store.unlock();

        // A process killed between the snapshot and the journal's renewal left the older journal: ignored.
        String journal = Files.readString(dir.resolve("state.journal"));
        Files.writeString(dir.resolve("state.journal"), journal.replaceFirst("\"generation\":(\\d+)", "\"generation\":0")
                + "[\"put\",\"spec container stale\",\"from before\"]\n");
        // A last line torn by kill -9: ignored too.
        Process c = new Process();
        World seen = c.look();
        assertNull(seen.specs.get("container stale"));
        seen.specs.put("container new", "y");
        c.keep();
        Files.writeString(dir.resolve("state.journal"), "[\"put\",\"spec container torn\",\"ha", java.nio.file.StandardOpenOption.APPEND);
        Process d = new Process();
        World last = d.look();
        assertEquals("y", last.specs.get("container new"), "what was appended after the renewal counts");
        assertNull(last.specs.get("container torn"));
        last.specs.put("container after", "z");
        d.keep();
        Process e = new Process();
        assertEquals("z", e.look().specs.get("container after"), "the torn line was cut off, so the next line is whole");
        e.store.unlock();
    }

    /**
     * A store compares the world with the kernel the first time it reads it (a run's first
     * look), not at every statement; a reconciled world is written at once; while a statement's
     * note says it was interrupted, the comparison is doctor's.
     */
    @Test
    void theFirstReadIsReconciledOnceAndStoredAtOnce() throws Exception {
        Process a = new Process();
        World w = a.look();
        w.networks.put("bridge", new Network("bridge", "docker0", new Ipam(Cidr.parse("10.0.0.0/24"), null, IpAddress.parse("10.0.0.1")), true, false, null));
        container(w, "gone", "10.0.0.2");
        container(w, "kept", "10.0.0.3");
        a.keep();

        List<String> asked = new ArrayList<>();
        StateStore store = new StateStore(dir);
        StateStore.Rebuilder kernel = new StateStore.Rebuilder() {
            @Override
            public World rebuild(String why) {
                throw new AssertionError("the store is there: " + why);
            }

            @Override
            public World reconcile(World stored) {
                asked.add("reconcile");
                stored.containers.remove("gone");
                return stored;
            }
        };
        store.lock();
        World seen = store.load(kernel).world();
        store.unlock();
        assertEquals(List.of("kept"), List.copyOf(seen.containers.keySet()));
        assertTrue(!Files.readString(dir.resolve("state.json")).contains("\"container gone\""), "the reconciled world was stored");

        w = a.look();
        container(w, "more", "10.0.0.4");
        a.keep();
        store.lock();
        assertEquals(List.of("kept", "more"), List.copyOf(store.load(kernel).world().containers.keySet()));
        store.unlock();
        assertEquals(List.of("reconcile"), asked, "only the first read is compared with the kernel");

        Files.writeString(dir.resolve("applying"), "statement x.netgroovy:1\nnetns half\n");
        StateStore interrupted = new StateStore(dir);
        interrupted.lock();
        interrupted.load(kernel);
        interrupted.unlock();
        assertEquals(List.of("reconcile"), asked, "an interrupted statement's leftovers are doctor's");
    }

    /**
     * Whether another process could take the store's lock now, as a second netgroovy would
     * (Java's file locks are POSIX record locks: python's lockf takes the same kind).
     */
    private boolean anotherProcessCanLock() throws Exception {
        java.lang.Process p = new ProcessBuilder("python3", "-c",
                "import fcntl, sys; f = open(sys.argv[1], 'a'); fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)",
                dir.resolve("state.lock").toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    /** Removes the store's folder and all in it, as a person clearing /run/netgroovy would. */
    private void deleteTheStore() throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Whether another process can take the store's lock within {@code ms} milliseconds (tried again and again). */
    private boolean anotherProcessCanLockWithin(long ms) throws Exception {
        long until = System.nanoTime() + ms * 1_000_000;
        do {
            if (anotherProcessCanLock()) {
                return true;
            }
        } while (System.nanoTime() < until);
        return false;
    }

    @Test
    void aStatementsLockKeepsOtherProcessesOutEvenAfterTheStoreWasDeletedAndDuringItsLease() throws Exception {
        // The lock file stays open between statements; it must still be the file others lock.
        StateStore store = new StateStore(dir);
        store.lock();
        assertFalse(anotherProcessCanLock(), "held by a statement");
        store.unlock();
        assertTrue(anotherProcessCanLockWithin(2000), "free between statements (once the statement's lease is over)");
        deleteTheStore();
        store.lock();
        assertTrue(Files.exists(dir.resolve("state.lock")), "the store's folder and lock file made again");
        assertFalse(anotherProcessCanLock(), "held again, on the new lock file");
        store.unlock();
        assertTrue(anotherProcessCanLockWithin(2000), "free again");

        // A script's statements follow one another within microseconds: the file lock is kept a
        // few milliseconds past a statement (its lease), for the next to take it without a system
        // call. Taken again during its lease after the store was deleted, it is taken on the new
        // lock file, the one others lock.
        store.lock();
        store.unlock();
        deleteTheStore(); // (well within the lease: no other process could have locked it)
        store.lock();
        assertTrue(Files.exists(dir.resolve("state.lock")), "the lock file made again during the lease");
        assertFalse(anotherProcessCanLock(), "held on the new lock file, not on the deleted one's lease");
        store.unlock();
        assertTrue(anotherProcessCanLockWithin(2000), "given back when its lease is over");
    }

    /**
     * A script's statements, back to back, do not keep another process out until the script
     * ends: the lock is given back after {@code 10 ms} held at a stretch, and a process waiting
     * for it (python's lockf: a POSIX record lock, as Java's) takes its turn while the next
     * statement is planned.
     */
    @Test
    void statementsBackToBackStillLetAnotherProcessTakeItsTurn() throws Exception {
        StateStore store = new StateStore(dir);
        store.lock();
        store.unlock(); // (the lock file made)
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread script = new Thread(() -> {
            while (!stop.get()) {
                store.lock();
                spin(50_000); // a statement's plan applied
                store.unlock();
                spin(100_000); // the next one planned
            }
        });
        script.start();
        try {
            Thread.sleep(50);
            java.lang.Process p = new ProcessBuilder("python3", "-c",
                    "import fcntl, sys; f = open(sys.argv[1], 'a'); fcntl.lockf(f, fcntl.LOCK_EX)",
                    dir.resolve("state.lock").toString()).redirectErrorStream(true).start();
            boolean done = p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS);
            p.destroyForcibly();
            assertTrue(done && p.exitValue() == 0, "another process took its turn while statements ran back to back");
        } finally {
            stop.set(true);
            script.join();
        }
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /**
     * The crash note ends at its first NUL: it is written and emptied in place (a file cut to
     * nothing and written again costs a page freed and allocated on tmpfs). An emptied note
     * is no note, to the doctor and to a store's first read; what follows its NUL is ignored.
     */
    @Test
    void theCrashNoteIsEmptiedInPlace() throws Exception {
        StateStore store = new StateStore(dir);
        store.lock();
        store.begin("s.netgroovy:3");
        store.note(List.of("netns a-rather-long-name", "link veth-with-a-long-name"));
        long size = Files.size(dir.resolve("applying"));
        store.applied();
        assertEquals(size, Files.size(dir.resolve("applying")), "emptied without cutting the file");
        assertEquals(0, Files.readAllBytes(dir.resolve("applying"))[0], "a NUL first");
        assertNull(store.interrupted());
        store.begin("s.netgroovy:4");
        store.note(List.of("netns b"));
        store.unlock(); // (as if killed now: the note is there)
        StateStore.Interrupted cut = new StateStore(dir).interrupted();
        assertEquals("s.netgroovy:4", cut.statement());
        assertEquals(List.of("netns b"), cut.leftovers(), "the older note's tail after the NUL is not part of it");
    }

    /**
     * The journal and the crash note stay open between statements; whatever another process
     * (or a person) did to their paths meanwhile, what a statement writes is in the file the
     * path names when it writes, where the next reader looks.
     */
    @Test
    void theFilesKeptOpenFollowTheirPathsWhenReplacedOrDeleted() throws Exception {
        Process a = new Process();
        World w = a.look();
        w.specs.put("container one", "1");
        a.keep();
        w = a.look();
        w.specs.put("container two", "2"); // appended through the journal kept open
        a.keep();
        assertTrue(Files.readString(dir.resolve("state.journal")).contains("\"spec container two\""));

        // Another process's snapshot renames a new journal over the old one.
        Path copy = dir.resolve("copy");
        Files.copy(dir.resolve("state.journal"), copy);
        Files.move(copy, dir.resolve("state.journal"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        w = a.look();
        w.specs.put("container three", "3");
        a.keep();
        assertTrue(Files.readString(dir.resolve("state.journal")).contains("\"spec container three\""),
                "appended to the journal the path names now, not to the one replaced");
        Process b = new Process();
        assertEquals("3", b.look().specs.get("container three"));
        b.store.unlock();

        // The crash note: written in place, emptied when the statement is done.
        a.store.lock();
        a.store.begin("s.netgroovy:4");
        a.store.note(List.of("netns x"));
        a.store.note(List.of("link vx"));
        assertEquals(List.of("netns x", "link vx"), a.store.interrupted().leftovers());
        assertEquals("s.netgroovy:4", a.store.interrupted().statement());
        a.store.applied();
        assertNull(a.store.interrupted(), "an emptied note: nothing was interrupted");
        a.store.unlock();

        // Another process's statement was killed with a longer note, in the same file: replaced whole.
        Files.writeString(dir.resolve("applying"), "statement other.netgroovy:9\nnetns a-much-longer-name\nlink veth-with-a-long-name\n");
        a.store.lock();
        a.store.begin("s.netgroovy:5");
        a.store.note(List.of("netns y"));
        assertEquals(List.of("netns y"), new StateStore(dir).interrupted().leftovers());
        a.store.applied();
        a.store.unlock();

        // The doctor (another process) removed a note; then the whole store went.
        Files.writeString(dir.resolve("applying"), "statement t.netgroovy:1\nnetns old\n");
        Files.delete(dir.resolve("applying"));
        a.store.lock();
        a.store.begin("s.netgroovy:5");
        a.store.note(List.of("netns y"));
        assertEquals(List.of("netns y"), new StateStore(dir).interrupted().leftovers(), "noted in the file the path names");
        a.store.applied();
        a.store.unlock();
        deleteTheStore();
        w = a.look(); // rebuilt: a world of its own
        w.specs.put("container four", "4");
        a.keep();
        w = a.look();
        w.specs.put("container five", "5");
        a.store.begin("s.netgroovy:6");
        a.store.note(List.of("netns z"));
        assertEquals(List.of("netns z"), new StateStore(dir).interrupted().leftovers());
        a.keep();
        Process c = new Process();
        World seen = c.look();
        c.store.unlock();
        assertEquals(List.of("container four", "container five"), List.copyOf(seen.specs.keySet()));
    }
}
