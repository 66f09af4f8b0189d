package netgroovy.model;

import groovy.json.JsonSlurper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the world is kept between statements, runs and processes: /run/netgroovy of the
 * namespace netgroovy works on (the sandbox's private /run, or the machine's with --host). A
 * statement holds the lock from the moment it first looks at the world until its plan is
 * applied and its changes are written, so two netgroovy processes never hand out the same
 * address.
 *
 * <p>The files, all in that directory:
 * <ul>
 * <li>{@code state.json}, the snapshot: {@code {"version": 2, "generation": G, "records":
 *     {KEY: VALUE, ...}}}, the world's records as {@link WorldCodec} describes them; written
 *     whole (a new file renamed over the old, so a reader never sees half of it) only when
 *     the journal has grown as large as it;</li>
 * <li>{@code state.journal}, what statements changed since: a first line {@code
 *     {"generation": G}} and then one line per changed record, appended when a statement is
 *     kept — {@code ["put", KEY, VALUE]}, {@code ["add", KEY, [ELEMENTS]]} (a list record
 *     grew) or {@code ["del", KEY]}. A statement's cost is its own lines, whatever the world
 *     holds; the snapshot's rewrite, as large as the world, comes once per a world's worth of
 *     lines. A journal whose generation is not the snapshot's is left from before a snapshot
 *     was written (the process died in between) and is ignored: the snapshot has it all. A
 *     last line without its newline (a process killed mid-write) is cut off;</li>
 * <li>{@code state.lock}, the lock (a POSIX record lock, which a process holds a few
 *     milliseconds past its statement: see {@link Held}), and {@code applying}, the note below.</li>
 * </ul>
 * A process sees what another stored by the two files' identity and the journal's length.
 * When there is no snapshot (the files were deleted, or never written in this namespace) or it
 * cannot be read, the world is rebuilt from the kernel and the marks netgroovy leaves there
 * (the rebuilder given to {@link #load}), and stored at once. The first time a store reads
 * the snapshot, the rebuilder compares it with the kernel too: a stale store (objects
 * deleted or made behind its back, a sandbox rebooted) is reconciled and stored at once.
 *
 * <p>While a plan is applied, what each operation is about to make is noted in
 * {@code applying} first, and the note is emptied once the world is written: if the process
 * dies in between (kill -9), that note is how {@code doctor} finds what a half-applied
 * statement left behind (an empty or missing note: nothing was interrupted). The note ends at
 * the file's first NUL byte, or at its end: it is written, and emptied, by overwriting its
 * start in place, never by cutting the file: on tmpfs, cutting a file frees its page and the
 * next write allocates (and charges) a new one, a statement's costliest system calls in the
 * store where an overwrite of a page that stays is one of its cheapest.
 *
 * <p>The lock file, the journal and the note stay open between statements ({@link KeptFile}),
 * each checked to still be the file its path names before it is used, so that a statement's
 * share of the store is a few {@code stat}s and a write or two.
 */
public final class StateStore {
    public static final Path DEFAULT_DIR = Path.of("/run/netgroovy");
    static final int VERSION = 2;
    /** The journal is folded into the snapshot once it is this large, or as large as the snapshot. */
    private static final long MIN_COMPACT = 256 * 1024;
    /** One lock per directory and JVM: file locks belong to a process, not to a thread. */
    private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();

    private final Path dir;
    /** The directory as {@link #HELD} knows it (asked several times a statement: made once). */
    private final Path heldKey;
    private final Path file;
    private final Path journal;
    private final Path applying;
    /** What this store last read or wrote: the snapshot's and journal's identity, the journal's length. */
    private List<Object> readKey;
    private long generation;
    private long snapshotSize;
    /** The statement being applied, and whether its note (the applying file) has been written. */
    private String pendingStatement = "?";
    private boolean noted;
    /** How long this statement's note is: the next line is written there. */
    private long notedLength;

    public StateStore(Path dir) {
        this.dir = dir;
        this.heldKey = dir.toAbsolutePath().normalize();
        this.file = dir.resolve("state.json");
        this.journal = dir.resolve("state.journal");
        this.applying = dir.resolve("applying");
    }

    public Path file() {
        return file;
    }

    /** Takes the lock, waiting while another process (or thread) is in a statement. */
    public void lock() {
        held().lock();
    }

    /** Whether the calling thread holds the lock (a session may be used by more than one thread: the REPL's). */
    public boolean heldByCurrentThread() {
        Held h = HELD.get(heldKey);
        return h != null && h.inJvm.isHeldByCurrentThread();
    }

    public void unlock() {
        Held h = HELD.get(heldKey);
        if (h != null) {
            h.unlock();
        }
    }

    /** How a world missing from the store is found again; it may say what it did on {@code log}. */
    public interface Rebuilder {
        World rebuild(String why);

        /**
         * The stored world, read for the first time by this store (a session's or run's first
         * look), compared with the kernel: null when they agree, else the world reconciled with
         * the kernel (which is stored at once).
         */
        default World reconcile(World stored) {
            return null;
        }
    }

    /**
     * The stored world when it changed since this store last read or wrote it; null otherwise.
     * With no snapshot (or one that cannot be read) the world is rebuilt and stored. Only while
     * holding the lock.
     */
    public Ledger load(Rebuilder rebuilder) {
        List<Object> key = key();
        if (readKey != null && readKey.equals(key)) {
            return null;
        }
        if (!Files.exists(file)) {
            return rebuilt(rebuilder.rebuild("state store missing"));
        }
        Map<String, Object> records;
        try {
            records = read();
        } catch (IOException | RuntimeException e) {
            Path broken = dir.resolve("state.json.broken");
            try {
                Files.move(file, broken, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moved) {
                throw new IllegalStateException("cannot read " + file + " (" + e.getMessage() + ") nor move it aside: " + moved.getMessage());
            }
            return rebuilt(rebuilder.rebuild("state store unreadable (" + e.getMessage() + "; kept as " + broken + ")"));
        }
        Ledger l = Ledger.read(records);
        boolean first = readKey == null;
        readKey = key();
        if (first && !noteLeft()) { // an interrupted statement's leftovers are doctor's to judge
            World reconciled = rebuilder.reconcile(l.world());
            if (reconciled != null) {
                return rebuilt(reconciled);
            }
        }
        return l;
    }

    private Ledger rebuilt(World w) {
        Ledger l = Ledger.of(w);
        snapshot(l);
        return l;
    }

    /** The snapshot's records with the journal's changes applied. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> read() throws IOException {
        Map<String, Object> m = (Map<String, Object>) new JsonSlurper().parseText(Files.readString(file));
        Object version = m.get("version");
        if (!(version instanceof Number v) || v.intValue() != VERSION) {
            throw new IllegalArgumentException("state of an unknown version " + version + " (this netgroovy reads version " + VERSION + ")");
        }
        generation = ((Number) m.get("generation")).longValue();
        snapshotSize = Files.size(file);
        Map<String, Object> records = new LinkedHashMap<>((Map<String, Object>) m.get("records"));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(journal);
        } catch (NoSuchFileException e) {
            return records;
        }
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--; // a line cut short by a process that died writing it: it never happened
        }
        if (end < bytes.length) {
            try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
        List<String> lines = new String(bytes, 0, end, StandardCharsets.UTF_8).lines().toList();
        Object head = lines.isEmpty() ? null : new JsonSlurper().parseText(lines.get(0));
        if (!(head instanceof Map<?, ?> h) || !(h.get("generation") instanceof Number g) || g.longValue() != generation) {
            // Written before the snapshot (the snapshot has it all), or never begun: a fresh one, so that what is appended counts.
            Files.writeString(journal, "{\"generation\":" + generation + "}\n");
            return records;
        }
        JsonSlurper slurper = new JsonSlurper();
        for (String line : lines.subList(1, lines.size())) {
            List<Object> x = (List<Object>) slurper.parseText(line);
            new Ledger.Change((String) x.get(0), (String) x.get(1), x.size() > 2 ? x.get(2) : null).apply(records);
        }
        return records;
    }

    /**
     * Keeps a statement's changes: appends them to the journal (O(changes)), or, once the
     * journal is as large as the snapshot, writes {@code ledger} (which has them) as the new
     * snapshot. Only while holding the lock.
     */
    public void commit(Ledger ledger, List<Ledger.Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        // What the store's files are is known: load() looked at them under the same lock.
        if (readKey == null || "none".equals(readKey.get(0))) {
            snapshot(ledger);
            return;
        }
        StringBuilder lines = new StringBuilder();
        changes.forEach(c -> lines.append(c.line()).append('\n'));
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        try {
            long size = (Long) readKey.get(2);
            Object seen = readKey.get(1); // the journal's identity as load() saw it ("none": no journal)
            if (size < 0) {
                Files.writeString(journal, "{\"generation\":" + generation + "}\n");
                size = Files.size(journal);
                seen = KeptFile.identity(journal);
            }
            if (size + bytes.length > Math.max(MIN_COMPACT, snapshotSize)) {
                snapshot(ledger);
                return;
            }
            KeptFile kept = held().journal;
            FileChannel ch = kept.channel((String) seen);
            KeptFile.write(ch, bytes, -1);
            // Nobody else writes while the lock is held: the journal is as long as it was plus these lines.
            readKey = List.of(readKey.get(0), seen, size + bytes.length);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + journal + ": " + e.getMessage());
        }
    }

    /** Writes the whole world as the next generation's snapshot, and starts its journal afresh. */
    private void snapshot(Ledger ledger) {
        try {
            Files.createDirectories(dir);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", VERSION);
            m.put("generation", generation + 1);
            m.put("records", ledger.snapshot());
            Path tmp = dir.resolve("state.json.tmp");
            Files.writeString(tmp, Json.of(m), StandardCharsets.UTF_8);
            move(tmp, file);
            generation++;
            snapshotSize = Files.size(file);
            Path fresh = dir.resolve("state.journal.tmp");
            Files.writeString(fresh, "{\"generation\":" + generation + "}\n");
            move(fresh, journal);
            readKey = key();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The snapshot's and the journal's identity and the journal's length: what changes when anyone writes. */
    private List<Object> key() {
        String snapshotIdentity = Objects.requireNonNullElse(KeptFile.identity(file), "none");
        try {
            BasicFileAttributes j = Files.readAttributes(journal, BasicFileAttributes.class);
            return List.of(snapshotIdentity, String.valueOf(j.fileKey()), j.size());
        } catch (IOException e) {
            return List.of(snapshotIdentity, "none", -1L);
        }
    }

    /** The lock and the files kept open for this store's directory (the caller holds the lock). */
    private Held held() {
        return HELD.computeIfAbsent(heldKey, Held::new);
    }

    /**
     * A statement's plan is about to be applied: its note starts (see {@link #note}). The note
     * is written only once an operation says it will make something that could be left behind:
     * most statements of a script (a link set up, an address inside a namespace) make nothing
     * of the kind.
     */
    public void begin(String statement) {
        pendingStatement = statement;
        noted = false;
    }

    /**
     * What the next operation will make (lines like "netns c5"), noted before it is made. The
     * note is the kept {@code applying} file, written in place: checked against its path once
     * per statement (one {@code stat}), then one {@code pwrite} per line.
     */
    public void note(List<String> leftovers) {
        if (leftovers.isEmpty()) {
            return;
        }
        try {
            KeptFile kept = held().applying;
            if (!noted) {
                // (ended by a NUL: a longer note left by an interrupted statement, this process's or another's, is replaced whole)
                byte[] note = ("statement " + pendingStatement + "\n" + String.join("\n", leftovers) + "\n\0").getBytes(StandardCharsets.UTF_8);
                KeptFile.write(kept.channel(), note, 0);
                noted = true;
                notedLength = note.length - 1; // (the next line goes over the NUL)
                return;
            }
            byte[] more = (String.join("\n", leftovers) + "\n\0").getBytes(StandardCharsets.UTF_8);
            KeptFile.write(kept.current(), more, notedLength); // (checked by this statement's first note)
            notedLength += more.length - 1;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + applying + ": " + e.getMessage());
        }
    }

    /** A note that ends before it begins. */
    private static final byte[] EMPTY_NOTE = {0};

    /** The plan was applied (or wholly undone) and the world written: nothing is half-made any more. */
    public void applied() {
        if (!noted) {
            return;
        }
        try {
            KeptFile.write(held().applying.current(), EMPTY_NOTE, 0); // (checked by this statement's first note)
            noted = false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot empty " + applying + ": " + e.getMessage());
        }
    }

    /** The note of a statement that never finished is dealt with (the doctor removed what it made): gone. */
    public void clearInterrupted() {
        try {
            Files.deleteIfExists(applying);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + applying + ": " + e.getMessage());
        }
    }

    /** A statement that never finished (its process died): where it was and what it may have made. */
    public record Interrupted(String statement, List<String> leftovers) {
    }

    /** Whether a statement's note is there (not emptied): it never finished. */
    private boolean noteLeft() {
        try (java.io.InputStream in = Files.newInputStream(applying)) {
            int first = in.read();
            return first > 0; // (-1: an empty file; 0: an emptied note)
        } catch (IOException e) {
            return false;
        }
    }

    /** The note of a statement that never finished, or null. Only meaningful while holding the lock. */
    public Interrupted interrupted() {
        try {
            byte[] bytes = Files.readAllBytes(applying);
            int end = 0;
            while (end < bytes.length && bytes[end] != 0) {
                end++; // (what follows the first NUL is an older, longer note's tail)
            }
            List<String> lines = new String(bytes, 0, end, StandardCharsets.UTF_8).lines().toList();
            if (lines.isEmpty()) {
                return null; // emptied when its statement was done
            }
            String statement = lines.get(0).replaceFirst("^statement ", "");
            return new Interrupted(statement, lines.stream().skip(1).filter(l -> !l.isBlank()).toList());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + applying + ": " + e.getMessage());
        }
    }

    /** A reentrant lock that can say who holds it, for a message better than a hang. */
    private static final class Owned extends ReentrantLock {
        Thread owner() {
            return getOwner();
        }
    }

    /**
     * The lock of one directory in this JVM: a thread-reentrant lock over a process-wide file
     * lock; and the store's files kept open while they are what their paths name.
     *
     * <p>The file lock outlives a statement by a lease of {@link #LEASE_NANOS}: a script's
     * statements follow one another within microseconds, and each taking and giving back the
     * file lock cost two {@code fcntl}s and Java's bookkeeping of file locks. A thread of its
     * own lets it go once no statement took it again for that long, and a statement's end lets
     * it go once it has been held for {@link #STRETCH_NANOS} at a stretch: another netgroovy
     * waits at most that much longer for its turn. A statement that takes it during its lease
     * still checks that the lock file is the one its path names (a store deleted meanwhile has
     * a new one, which others lock).
     */
    private static final class Held {
        /** How long the file lock is kept after a statement, for the next one to take it at no cost. */
        static final long LEASE_NANOS = 5_000_000;
        /**
         * How long the file lock is kept at a stretch, lease after lease: then a statement's end
         * gives it back, and another process waiting for it is woken and takes it while this
         * one plans its next statement (a script's statements would otherwise keep it to its end).
         */
        static final long STRETCH_NANOS = 10_000_000;
        private final Path dir;
        private final Owned inJvm = new Owned();
        /** The lock file stays open between statements: a statement's lock is then one fcntl, not a mkdir, an open and a close. */
        private final KeptFile lockFile;
        final KeptFile journal;
        final KeptFile applying;
        /** The file lock, held from a statement's start until its lease ends; guarded by this. */
        private FileLock lock;
        /** When the last statement gave the lock back, and when the file lock was taken; guarded by this. */
        private long givenBack;
        private long takenAt;
        /** Whether the thread that ends leases is waiting for a lock to watch (none is held); guarded by this. */
        private boolean idle;
        private Thread leases;

        Held(Path dir) {
            this.dir = dir;
            this.lockFile = new KeptFile(dir.resolve("state.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            this.journal = new KeptFile(dir.resolve("state.journal"), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            this.applying = new KeptFile(dir.resolve("applying"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }

        void lock() {
            try {
                if (!inJvm.tryLock(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    Thread owner = inJvm.owner();
                    throw new IllegalStateException("the world is still locked by another statement of this netgroovy ("
                            + (owner == null ? "?" : owner.getName()) + ") after 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the world's lock");
            }
            if (inJvm.getHoldCount() > 1) {
                return;
            }
            synchronized (this) {
                try {
                    // (opened again when the store was deleted meanwhile: the file others lock is a new one,
                    // and closing the old one gave back the lock held on it)
                    FileChannel ch = lockFile.channel();
                    if (lock == null || lock.channel() != ch || !lock.isValid()) {
                        lock = ch.lock();
                        takenAt = System.nanoTime();
                    }
                } catch (IOException e) {
                    lock = null;
                    inJvm.unlock();
                    throw new IllegalStateException("cannot lock " + dir.resolve("state.lock") + ": " + e.getMessage());
                }
            }
        }

        void unlock() {
            if (!inJvm.isHeldByCurrentThread()) {
                return;
            }
            if (inJvm.getHoldCount() == 1) {
                synchronized (this) {
                    givenBack = System.nanoTime();
                    if (givenBack - takenAt > STRETCH_NANOS) {
                        release(); // (another process waiting for it gets its turn now)
                    } else if (leases == null) {
                        leases = new Thread(this::endLeases, "netgroovy-store-lease");
                        leases.setDaemon(true);
                        leases.start();
                    } else if (idle) {
                        notify();
                    }
                }
            }
            inJvm.unlock();
        }

        /** Gives the file lock back (the caller holds this monitor). */
        private void release() {
            if (lock == null) {
                return;
            }
            try {
                lock.release();
            } catch (IOException e) {
                lockFile.close(); // the descriptor is gone with its lock
            }
            lock = null;
        }

        /**
         * The lease thread: gives the file lock back once no statement has held it for a lease.
         * While a script runs it wakes once a lease, not once a statement.
         */
        private synchronized void endLeases() {
            while (true) {
                try {
                    if (lock == null) {
                        idle = true;
                        wait();
                        idle = false;
                        continue;
                    }
                    long left = givenBack + LEASE_NANOS - System.nanoTime();
                    if (left > 0 || inJvm.isLocked()) { // (a statement holds it: its end starts a new lease)
                        wait(Math.max(1, (left > 0 ? left : LEASE_NANOS) / 1_000_000));
                        continue;
                    }
                    release();
                } catch (InterruptedException e) {
                    leases = null; // (the next statement's end starts another)
                    return;
                }
            }
        }
    }
}
