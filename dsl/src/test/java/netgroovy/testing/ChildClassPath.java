package netgroovy.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The class path for a test's own JVM (see {@link Sandboxed}): the asking JVM's, with
 * Surefire's booter jar (a jar whose manifest names the real class path) opened up, and the
 * folders (target/classes, target/test-classes) put after the jars, since class-data sharing
 * can archive classes from jars only and refuses a folder in front of one it used.
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
            List<String> jars = new ArrayList<>();
            List<String> folders = new ArrayList<>();
            for (String e : entries) {
                (Files.isDirectory(Path.of(e)) ? folders : jars).add(e);
            }
            jars.addAll(folders);
            path = String.join(File.pathSeparator, jars);
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
}
