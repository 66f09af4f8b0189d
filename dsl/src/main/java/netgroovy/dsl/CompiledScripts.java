package netgroovy.dsl;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Script files and {@code -e} texts compiled before, kept on disk as their class files: a text
 * run again skips Groovy's compiler, which is most of a short script's start (parsing a dozen
 * lines of DSL took a JVM just started about 0.15 s, its compile 0.3 s in all, where defining
 * the kept classes takes milliseconds).
 *
 * <p>An entry is found by a digest of everything its classes are made from: the text (after
 * {@link SettingsNotation}), the class name it compiles to (the file's name), this Groovy's
 * version and the netgroovy build that compiled it (its jar's path, length and time). A text
 * changed by one byte, or run by another build, is compiled afresh; nothing stale can run.
 * Only texts that compile to their script class and its closures are kept: a class a text
 * declares ({@code class Pod}) must be known by name to later texts, which only the compiler
 * arranges. A kept entry that cannot be read is compiled again and written anew.
 *
 * <p>An entry is written whole under a temporary name and renamed into place, so two
 * processes compiling the same text never read half of one. The launcher keeps the folder in
 * the build's output ({@code shell/target/compiled}), emptied by every build; at most
 * {@link #MAX_ENTRIES} are kept, the oldest going first.
 */
final class CompiledScripts {
    /** The entry format: a new one makes old entries unreadable, and so compiled again. */
    private static final int FORMAT = 1;
    static final int MAX_ENTRIES = 256;
    /** What compiled the kept classes (see {@link #buildIdentity}); found once per process. */
    private static final String BUILD = buildIdentity();
    private final Path dir;
    private int hits;

    CompiledScripts(Path dir) {
        this.dir = dir;
    }

    /** The kept classes of {@code text} compiled as {@code className}, the script class first; null when none are kept. */
    Map<String, byte[]> find(String text, String className) {
        Path entry = dir.resolve(key(text, className));
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(entry)))) {
            if (in.readInt() != FORMAT) {
                return null;
            }
            int count = in.readInt();
            Map<String, byte[]> classes = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                byte[] code = new byte[in.readInt()];
                in.readFully(code);
                classes.put(name, code);
            }
            if (classes.isEmpty() || !classes.keySet().iterator().next().equals(className)) {
                return null;
            }
            hits++;
            return classes;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // cut short, or not one of ours: compiled again, and written over
        }
    }

    /**
     * Keeps the classes {@code text} compiled to, when they are the script class ({@code
     * className}) and its own (closures, inner classes) only. A failure to write is no failure
     * of the script's: the text is simply compiled again next time.
     */
    void keep(String text, String className, Map<String, byte[]> classes) {
        if (!classes.containsKey(className)) {
            return;
        }
        for (String name : classes.keySet()) {
            if (!name.equals(className) && !name.startsWith(className + "$")) {
                return; // declares a class of its own: see the class comment
            }
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(FORMAT);
                out.writeInt(classes.size());
                List<String> names = new ArrayList<>(classes.keySet());
                names.remove(className);
                names.add(0, className);
                for (String name : names) {
                    out.writeUTF(name);
                    out.writeInt(classes.get(name).length);
                    out.write(classes.get(name));
                }
            }
            Files.createDirectories(dir);
            String key = key(text, className);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            try {
                Files.write(tmp, bytes.toByteArray());
                // Readable by all, as the build's other files are: a dry run needs no privileges, and a
                // user who runs the same text finds the same classes (an entry is only found by its text).
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                try {
                    Files.move(tmp, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, dir.resolve(key), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            prune();
        } catch (IOException | RuntimeException e) {
            // (compiled again next time)
        }
    }

    /** How many texts were found kept (for tests). */
    int hits() {
        return hits;
    }

    /** Keeps the newest {@link #MAX_ENTRIES} entries. */
    private void prune() throws IOException {
        List<Path> entries;
        try (var list = Files.list(dir)) {
            entries = list.filter(p -> !p.getFileName().toString().endsWith(".tmp")).toList();
        }
        if (entries.size() <= MAX_ENTRIES) {
            return;
        }
        List<Path> oldestFirst = new ArrayList<>(entries);
        oldestFirst.sort(java.util.Comparator.comparing(p -> {
            try {
                return Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                return 0L;
            }
        }));
        for (Path p : oldestFirst.subList(0, entries.size() - MAX_ENTRIES)) {
            Files.deleteIfExists(p);
        }
    }

    private String key(String text, String className) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {String.valueOf(FORMAT), BUILD, className, text}) {
                d.update(part.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /**
     * What the kept classes were compiled by: this Groovy and netgroovy's jar (its path, length
     * and time). Classes not from a jar (a build's folder of class files, whose time does not
     * change with the files in it) count as a build of their own in each process: what one
     * process keeps, only it finds.
     */
    private static String buildIdentity() {
        StringBuilder b = new StringBuilder(groovy.lang.GroovySystem.getVersion());
        try {
            Path code = Path.of(CompiledScripts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            var attributes = Files.readAttributes(code, java.nio.file.attribute.BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new IOException("not a jar");
            }
            b.append(' ').append(code).append(' ').append(attributes.size()).append(' ').append(attributes.lastModifiedTime().toMillis());
        } catch (Exception e) {
            b.append(" this process ").append(ProcessHandle.current().pid()).append(' ').append(System.nanoTime());
        }
        return b.toString();
    }
}
