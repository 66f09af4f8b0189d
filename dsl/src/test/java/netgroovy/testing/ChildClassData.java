package netgroovy.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Class-data sharing for the tests' own JVMs (see {@link Sandboxed}), as the launcher does
 * for its runs: the classes every child loads from the jars (JUnit's launcher and engine,
 * Groovy's compiler and runtime, JSON, jnr-ffi) are archived once per build, and each child
 * maps them instead of parsing and verifying them again.
 *
 * <p>The JVM archives classes from jars only, and refuses to write an archive once it has
 * loaded a class from a folder; the children's class path is all jars ({@link
 * ChildClassPath}), and the training is a JVM of its own on them (on the jars before the first
 * folder, should one be left), running a Groovy script that does what a test's start does. The archive is named for those jars,
 * their sizes and times and the JDK, so a new build or another module makes its own (the JVM
 * would refuse one that does not fit anyway). One JVM trains, across Surefire's JVMs too: the
 * one that creates the ".making" file; the others meanwhile start their children without.
 * -Dnetgroovy.test.cds=false: no archive at all.
 */
final class ChildClassData {
    private static final boolean ENABLED = !"false".equals(System.getProperty("netgroovy.test.cds"));
    /** What a test's start loads: JUnit discovering, Groovy compiling and running, JSON, native calls. */
    private static final String TRAINING = String.join("\n",
            "def request = org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()",
            "    .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(Object)).build()",
            "org.junit.platform.launcher.core.LauncherFactory.create().discover(request)",
            "def shell = new GroovyShell(new org.codehaus.groovy.control.CompilerConfiguration())",
            "shell.evaluate('def f(n) { n * 2 }; def x = [1, 2].collect { f(it) }.sum(); \"$x\".toString(); [a: 1].each { k, v -> k }')",
            "new groovy.json.JsonSlurper().parseText('[{\"a\": 1, \"b\": [true, null, \"c\"]}]')",
            "jnr.ffi.Runtime.getSystemRuntime()",
            "new ProcessBuilder('true').start().waitFor()");
    private static List<String> options;

    private ChildClassData() {
    }

    /** The JVM options for the children: map the archive (making it first if no one has), or nothing. */
    static synchronized List<String> options(String classPath) {
        if (options != null) {
            return options;
        }
        if (!ENABLED) {
            return options = List.of();
        }
        List<String> jars = new ArrayList<>();
        for (String e : classPath.split(File.pathSeparator)) {
            if (!new File(e).isFile()) {
                break;
            }
            jars.add(e);
        }
        Path archive = archive(jars);
        try {
            Files.createDirectories(archive.getParent());
        } catch (IOException e) {
            return options = List.of();
        }
        if (Files.isRegularFile(archive) || train(archive, String.join(File.pathSeparator, jars))) {
            return options = List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
        }
        return List.of(); // asked again for the next child: another JVM may have made it by then
    }

    private static boolean train(Path archive, String jars) {
        Path making = archive.resolveSibling(archive.getFileName() + ".making");
        Path training = null;
        try {
            try {
                Files.createFile(making);
            } catch (FileAlreadyExistsException e) {
                // another JVM is training; one that died at it is forgotten after a while
                if (Files.getLastModifiedTime(making).toInstant().isAfter(Instant.now().minus(Duration.ofMinutes(5)))) {
                    return false;
                }
                Files.setLastModifiedTime(making, FileTime.from(Instant.now()));
            }
            // not named by pid: the sandboxes' PID namespaces give Surefire's JVMs alike ones
            training = Files.createTempFile(archive.getParent(), archive.getFileName() + ".", ".training");
            Files.delete(training); // the JVM writes it anew
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ArchiveClassesAtExit=" + training, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                    "-cp", jars, "groovy.ui.GroovyMain", "-e", TRAINING)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(training) || Files.size(training) == 0) {
                return false;
            }
            Files.move(training, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            try {
                if (training != null) {
                    Files.deleteIfExists(training);
                }
                Files.deleteIfExists(making);
            } catch (IOException ignored) {
                // no archive this time: the children start without one
            }
        }
    }

    private static Path archive(List<String> jars) {
        StringBuilder key = new StringBuilder(System.getProperty("java.home"));
        for (String e : jars) {
            File f = new File(e);
            key.append('\n').append(e).append(' ').append(f.length()).append(' ').append(f.lastModified());
        }
        String name = "children-" + Integer.toHexString(key.toString().hashCode()) + ".jsa";
        return Path.of("target", "test-forks").toAbsolutePath().resolve(name);
    }
}
