package netgroovy.model;

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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the world is kept between statements, runs and processes: {@code state.json} in
 * /run/netgroovy of the namespace netgroovy works on (the sandbox's private /run, or the
 * machine's with --host). A statement holds the lock from the moment it first looks at the
 * world until its plan is applied and the new world is written, so two netgroovy processes
 * never hand out the same address. Writes are atomic (a new file renamed over the old).
 *
 * <p>While a plan is applied, what each operation is about to make is noted in
 * {@code applying} first, and the note is removed once the world is written: if the process
 * dies in between (kill -9), that note is how {@code doctor} finds what a half-applied
 * statement left behind.
 */
public final class StateStore {
    public static final Path DEFAULT_DIR = Path.of("/run/netgroovy");
    /** One lock per directory and JVM: file locks belong to a process, not to a thread. */
    private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path file;
    private final Path applying;
    private Object readKey;

    public StateStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("state.json");
        this.applying = dir.resolve("applying");
    }

    public Path file() {
        return file;
    }

    /** Takes the lock, waiting while another process (or thread) is in a statement. */
    public void lock() {
        HELD.computeIfAbsent(dir.toAbsolutePath().normalize(), Held::new).lock();
    }

    /** Whether the calling thread holds the lock (a session may be used by more than one thread: the REPL's). */
    public boolean heldByCurrentThread() {
        Held h = HELD.get(dir.toAbsolutePath().normalize());
        return h != null && h.inJvm.isHeldByCurrentThread();
    }

    public void unlock() {
        Held h = HELD.get(dir.toAbsolutePath().normalize());
        if (h != null) {
            h.unlock();
        }
    }

    /** The stored world when it changed since this store last read or wrote it; null otherwise (or when there is none). */
    public World loadIfChanged() {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            if (Objects.equals(key, readKey)) {
                return null;
            }
            World w = WorldCodec.decode(Files.readString(file));
            readKey = key;
            return w;
        } catch (NoSuchFileException e) {
            if (readKey != null) {
                readKey = null;
                return new World(); // it was removed (teardown elsewhere): the world is empty again
            }
            return null;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage()
                    + " (netgroovy doctor rebuilds what it can; removing the file forgets everything netgroovy made)");
        }
    }

    /** Writes the world: a new file renamed over the old one, so a reader never sees half of it. */
    public void save(World w) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("state.json.tmp");
            Files.writeString(tmp, WorldCodec.encode(w), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            readKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** A statement's plan is about to be applied: its note starts (see {@link #note}). */
    public void begin(String statement) {
        try {
            Files.createDirectories(dir);
            Files.writeString(applying, "statement " + statement + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + applying + ": " + e.getMessage());
        }
    }

    /** What the next operation will make (lines like "netns c5"), noted before it is made. */
    public void note(List<String> leftovers) {
        try {
            Files.writeString(applying, String.join("\n", leftovers) + "\n", StandardOpenOption.APPEND, StandardOpenOption.CREATE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + applying + ": " + e.getMessage());
        }
    }

    /** The plan was applied (or wholly undone) and the world written: nothing is half-made any more. */
    public void applied() {
        try {
            Files.deleteIfExists(applying);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + applying + ": " + e.getMessage());
        }
    }

    /** A statement that never finished (its process died): where it was and what it may have made. */
    public record Interrupted(String statement, List<String> leftovers) {
    }

    /** The note of a statement that never finished, or null. Only meaningful while holding the lock. */
    public Interrupted interrupted() {
        try {
            List<String> lines = Files.readAllLines(applying);
            String statement = lines.isEmpty() ? "?" : lines.get(0).replaceFirst("^statement ", "");
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

    /** The lock of one directory in this JVM: a thread-reentrant lock over a process-wide file lock. */
    private static final class Held {
        private final Path dir;
        private final Owned inJvm = new Owned();
        private FileChannel channel;
        private FileLock lock;

        Held(Path dir) {
            this.dir = dir;
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
            try {
                Files.createDirectories(dir);
                channel = FileChannel.open(dir.resolve("state.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock = channel.lock();
            } catch (IOException e) {
                inJvm.unlock();
                throw new IllegalStateException("cannot lock " + dir.resolve("state.lock") + ": " + e.getMessage());
            }
        }

        void unlock() {
            if (!inJvm.isHeldByCurrentThread()) {
                return;
            }
            if (inJvm.getHoldCount() == 1) {
                try {
                    lock.release();
                    channel.close();
                } catch (IOException e) {
                    // the descriptor is gone with its lock either way
                }
                lock = null;
                channel = null;
            }
            inJvm.unlock();
        }
    }
}
