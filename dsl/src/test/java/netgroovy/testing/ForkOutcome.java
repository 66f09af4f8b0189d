package netgroovy.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test's own JVM reports back to the one that asked for it (see {@link Sandboxed}):
 * each test and container it finished, in order, with its status and what it threw. It
 * travels as a serialized file in the build folder, which both JVMs see while their /run,
 * /etc and /tmp views may differ.
 */
final class ForkOutcome implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Status { SUCCESSFUL, FAILED, ABORTED, SKIPPED }

    /** One test or container, as the child's launcher reported it. */
    record Result(String uniqueId, String displayName, boolean test, Status status, Throwable thrown, String reason)
            implements Serializable {
    }

    final List<Result> results = new ArrayList<>();

    void add(Result r) {
        results.add(r);
    }

    void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        Files.write(tmp, bytes());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Serialized; a throwable that cannot be (a Groovy exception holding a script's objects) goes as its text and stack. */
    private byte[] bytes() throws IOException {
        try {
            return serialize(this);
        } catch (IOException notSerializable) {
            ForkOutcome plain = new ForkOutcome();
            for (Result r : results) {
                plain.add(new Result(r.uniqueId(), r.displayName(), r.test(), r.status(),
                        r.thrown() == null ? null : ForkedFailure.of(r.thrown()), r.reason()));
            }
            return serialize(plain);
        }
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
            out.writeObject(o);
        }
        return buf.toByteArray();
    }

    static ForkOutcome read(Path file) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            return (ForkOutcome) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("cannot read " + file + ": " + e, e);
        }
    }

    /** The result for this exact unique ID, if the child got as far as finishing it. */
    Result of(String uniqueId) {
        return results.stream().filter(r -> r.uniqueId().equals(uniqueId)).findFirst().orElse(null);
    }

    /** The first container failure on the way to this ID (a failing @BeforeAll, a class that would not load). */
    Result failedAncestor(String uniqueId) {
        return results.stream()
                .filter(r -> !r.test() && r.status() == Status.FAILED && uniqueId.startsWith(r.uniqueId() + "/"))
                .findFirst().orElse(null);
    }
}
