package netgroovy.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The class path for a test's own JVM (see {@link Sandboxed}): the asking JVM's, with
 * Surefire's booter jar (a jar whose manifest names the real class path) opened up, and each
 * folder of classes (target/classes, target/test-classes) replaced by a jar of what it held
 * when the first test asked. That snapshot is what makes the children safe from a build
 * running meanwhile: tutorial 20 starts ./netgroovy, which rebuilds the project into those
 * same folders when its stamp is stale, and a JVM starting then would find them half empty.
 * It also lets class-data sharing archive our own classes (it takes them from jars only). A
 * snapshot is named for its folder and the names, sizes and times of what is in it, so every
 * Surefire JVM of a build shares one, and a new build makes new ones.
 */
final class ChildClassPath {
    private static String path;

    private ChildClassPath() {
    }

    static synchronized String get() {
        if (path == null) {
            Set<String> entries = new LinkedHashSet<>();
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                entries.addAll(expand(e));
            }
            List<String> out = new ArrayList<>();
            for (String e : entries) {
                out.add(Files.isDirectory(Path.of(e)) ? snapshot(Path.of(e)) : e);
            }
            path = String.join(File.pathSeparator, out);
        }
        return path;
    }

    private static List<String> expand(String entry) {
        if (!entry.endsWith(".jar") || !Path.of(entry).getFileName().toString().startsWith("surefirebooter")) {
            return List.of(entry);
        }
        try (JarFile jar = new JarFile(entry)) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            List<String> out = new ArrayList<>();
            for (String url : classPath.trim().split("\\s+")) {
                URI uri = Path.of(entry).toUri().resolve(url);
                out.add(Path.of(uri).toString());
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the class path in " + entry + ": " + e, e);
        }
    }

    /** The folder as a jar in target/test-forks, made once; the folder itself if that fails. */
    private static String snapshot(Path folder) {
        try {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(folder)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            StringBuilder key = new StringBuilder(folder.toAbsolutePath().toString());
            for (Path f : files) {
                key.append('\n').append(folder.relativize(f)).append(' ').append(Files.size(f))
                        .append(' ').append(Files.getLastModifiedTime(f).toMillis());
            }
            Path dir = Path.of("target", "test-forks").toAbsolutePath();
            Files.createDirectories(dir);
            Path jar = dir.resolve(folder.getFileName() + "-" + Integer.toHexString(key.toString().hashCode()) + ".jar");
            if (Files.isRegularFile(jar)) {
                return jar.toString();
            }
            Path tmp = Files.createTempFile(dir, folder.getFileName().toString(), ".part");
            try (OutputStream o = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(o)) {
                Set<String> folders = new LinkedHashSet<>();
                for (Path f : files) {
                    String name = folder.relativize(f).toString().replace(File.separatorChar, '/');
                    // folder entries too, for a getResource on a package
                    for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
                        String d = name.substring(0, i + 1);
                        if (folders.add(d)) {
                            out.putNextEntry(new JarEntry(d));
                            out.closeEntry();
                        }
                    }
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            try {
                // another Surefire JVM may have made the same one meanwhile: then that one stays,
                // so that its time (which a class-data archive remembers) does not change
                Files.move(tmp, jar);
            } catch (FileAlreadyExistsException made) {
                Files.delete(tmp);
            }
            return jar.toString();
        } catch (IOException e) {
            return folder.toString();
        }
    }
}
