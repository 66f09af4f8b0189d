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
 * <p>Before a plan is applied, what it is about to make is noted in {@code applying.json}
 * and removed once the world is written: if the process dies in between (kill -9), that note
 * is how {@code doctor} finds what a half-applied statement left behind.
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
        this.applying = dir.resolve("applying.json");
    }

    public Path file() {
        return file;
    }

    /** Takes the lock, waiting while another process (or thread) is in a statement. */
    public void lock() {
        HELD.computeIfAbsent(dir.toAbsolutePath().normalize(), Held::new).lock();
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

    /** Notes what a plan is about to make (one line per object), before it is applied. */
    public void applying(String statement, List<String> leftovers) {
        try {
            Files.createDirectories(dir);
            Files.writeString(applying, groovy.json.JsonOutput.toJson(Map.of("statement", statement, "leftovers", leftovers)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + applying + ": " + e.getMessage());
        }
    }

    /** The plan was applied (or undone) and the world written: nothing is half-made any more. */
    public void applied() {
        try {
            Files.deleteIfExists(applying);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + applying + ": " + e.getMessage());
        }
    }

    /** The note of a statement that never finished (its process died), if there is one. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> interrupted() {
        try {
            return (Map<String, Object>) new groovy.json.JsonSlurper().parseText(Files.readString(applying));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + applying + ": " + e.getMessage());
        }
    }

    /** The lock of one directory in this JVM: a thread-reentrant lock over a process-wide file lock. */
    private static final class Held {
        private final Path dir;
        private final ReentrantLock inJvm = new ReentrantLock();
        private FileChannel channel;
        private FileLock lock;

        Held(Path dir) {
            this.dir = dir;
        }

        void lock() {
            inJvm.lock();
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
