package netgroovy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import netgroovy.dsl.Recipes;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What users run is what the tests prove: every tutorial, and an example of every recipe, run
 * through {@code ./netgroovy} exactly as the README says — the packaged jar and target/lib, the
 * launcher's own sandbox (nested in the test JVM's), no class path handed in from the build.
 * The unit tests run the same scripts on the test class path; this tier catches what only the
 * package can get wrong (a dependency missing from target/lib, a launcher bug).
 */
@ExtendWith(Sandboxed.class) // only as the guard: the scripts' worlds live in the launcher's sandbox
class LauncherIT {
    static final Path HOME = Path.of(System.getenv("NETGROOVY_HOME"));
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** The last line a tutorial prints when all its assertions held: {@code println 'ok: ...'}. */
    /** A script's own word that its dry run stops short (with the reason): "// netgroovy: no dry run (WHY)". */
    private static final Pattern NO_DRY_RUN = Pattern.compile("^// netgroovy: no dry run \\(.+\\)$", Pattern.MULTILINE);
    private static final Pattern OK_LINE = Pattern.compile("^println\\s+(['\"])(ok: .*)\\1\\s*$", Pattern.MULTILINE);

    @BeforeAll
    static void thePackageIsBuilt() {
        // Without the stamp the launcher would start a nested `mvn package` inside the test.
        for (String built : List.of("shell/target/netgroovy-shell.jar", "shell/target/lib", "shell/target/.built")) {
            assertTrue(Files.exists(HOME.resolve(built)), built + " is missing: run this through `mvn verify`");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyTutorialRunsThroughTheLauncher() throws IOException {
        List<Path> tutorials = scripts(HOME.resolve("tutorials"));
        assertTrue(tutorials.size() >= 10, "tutorials found: " + tutorials);
        return tutorials.stream().map(t -> DynamicTest.dynamicTest(t.getFileName().toString(), () -> runs(t)));
    }

    @TestFactory
    Stream<DynamicTest> anExampleOfEveryRecipeRunsThroughTheLauncher() {
        List<String> recipes = Recipes.names();
        assertFalse(recipes.isEmpty(), "no recipes under " + Recipes.folder());
        return recipes.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Path example = Recipes.folder().resolve("examples").resolve(name + ".netgroovy");
            assertTrue(Files.isRegularFile(example), "recipe '" + name + "' has no example: write " + HOME.relativize(example));
            runs(example);
        }));
    }

    /**
     * {@code ./netgroovy SCRIPT} from the project folder, as a user types it; then {@code
     * ./netgroovy --dry-run SCRIPT}, whose plan must be the one the live run carried out,
     * command for command (NETGROOVY_PLAN_LOG records both): what {@code --dry-run} and {@code
     * explain} show is what netgroovy does.
     */
    private static void runs(Path script) throws Exception {
        Path liveLog = Files.createTempFile("netgroovy-plan-live", ".log");
        Path dryLog = Files.createTempFile("netgroovy-plan-dry", ".log");
        try {
            Subprocess r = launch(script, liveLog, List.of());
            assertEquals(0, r.code(), script.getFileName() + " failed\n" + r.transcript());
            assertFalse(r.err().contains("netgroovy: building"), "the launcher rebuilt: the stamp was stale\n" + r.transcript());
            assertFalse(r.err().lines().anyMatch(l -> l.startsWith("\tat ")), "a stack trace reached the user\n" + r.transcript());
            Optional<String> ok = okLine(Files.readString(script));
            ok.ifPresent(line -> assertTrue(r.out().lines().anyMatch(line::equals),
                    "the script did not reach its end ('" + line + "')\n" + r.transcript()));

            Subprocess dry = launch(script, dryLog, List.of("--dry-run"));
            assertEquals(0, dry.code(), script.getFileName() + " --dry-run failed\n" + dry.transcript());
            if (NO_DRY_RUN.matcher(Files.readString(script)).find()) {
                // It says why, and stops there in a dry run (it reads what commands it ran answered).
                assertTrue(dry.out().contains("# dry run: "), "the dry run does not say where it stops\n" + dry.transcript());
            } else {
                assertEquals(normalised(Files.readString(liveLog)), normalised(Files.readString(dryLog)),
                        script.getFileName() + ": --dry-run planned other commands than the live run carried out");
            }
        } finally {
            Files.deleteIfExists(liveLog);
            Files.deleteIfExists(dryLog);
        }
    }

    /** Container IDs are random per run, as Docker's (12 hex digits shown, 64 in full). */
    static String normalised(String plan) {
        return plan.replaceAll("\\b[0-9a-f]{64}\\b", "<ID>").replaceAll("\\b[0-9a-f]{12}\\b", "<id>");
    }

    private static Subprocess launch(Path script, Path planLog, List<String> flags) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("./netgroovy"));
        argv.addAll(flags);
        argv.add(HOME.relativize(script).toString());
        ProcessBuilder pb = new ProcessBuilder(argv).directory(HOME.toFile());
        pb.environment().put("NETGROOVY_PLAN_LOG", planLog.toString());
        // The test JVM is already in a sandbox (NETGROOVY_SANDBOX=1) and may have been told where
        // the classes are; a user's shell has neither, so the launcher picks the jar and makes its own sandbox.
        pb.environment().remove("NETGROOVY_SANDBOX");
        pb.environment().remove("NETGROOVY_CLASSPATH");
        pb.environment().remove("NETGROOVY_HOME");
        return Subprocess.run(pb, TIMEOUT);
    }

    /** The script's final {@code ok: } line, if it prints one. */
    static Optional<String> okLine(String script) {
        Matcher m = OK_LINE.matcher(script);
        String last = null;
        while (m.find()) {
            last = m.group(2);
        }
        return Optional.ofNullable(last);
    }

    private static List<Path> scripts(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".netgroovy")).sorted().toList();
        }
    }

    /**
     * Two runs of {@code ./netgroovy} share one sandbox (run-in-sandbox, and --host inside it,
     * which there means the sandbox), with the state store deleted between them: the second
     * rebuilds the world from the kernel, its links, environment, aliases and ports included,
     * and a third re-run of the first script changes nothing.
     */
    @Test
    void aStoreDeletedBetweenTwoRunsIsRebuiltThroughTheLauncher() throws Exception {
        String first = "network 'n1'\ncontainer 'db', env: [PASS: 'secret'], expose: 6379\n"
                + "container 'web', link: 'db:database', publish: '80'\ncontainer 'api', net: 'n1', alias: 'backend'";
        String second = "println ps\nprintln inspect('web')\nprintln inspect('api')\ncontainer 'client', link: 'db:d', publish: '81'\nprintln port('client')";
        String shell = "set -e; ./netgroovy --host -e \"$1\"; rm -f /run/netgroovy/state.json /run/netgroovy/state.journal; "
                + "./netgroovy --host -e \"$2\"; echo '--- again'; ./netgroovy --host -e \"$1\"; echo '--- netns'; ip netns list; "
                + "echo '--- rules'; iptables-save -t nat | grep -o 'netgroovy publish [a-z]* [^ ]*' | sort -u; "
                + "echo '--- client env'; ./netgroovy --host -e \"container 'probe', link: 'db:d', cmd: 'env > /tmp/probe.env'; Thread.sleep(1500)\"; cat /tmp/probe.env";
        ProcessBuilder pb = new ProcessBuilder("sandbox/run-in-sandbox", "bash", "-c", shell, "two-runs", first, second).directory(HOME.toFile());
        pb.environment().remove("NETGROOVY_SANDBOX");
        pb.environment().remove("NETGROOVY_CLASSPATH");
        pb.environment().remove("NETGROOVY_HOME");
        Subprocess r = Subprocess.run(pb, TIMEOUT.multipliedBy(3));
        assertEquals(0, r.code(), r.transcript());
        String out = r.out();
        assertTrue(out.contains("netgroovy: state store missing: rebuilt from the kernel (3 containers, 2 networks)"), r.transcript());
        assertTrue(out.contains("\"/db:/web/database\""), "web's link came back:\n" + out);
        assertTrue(out.contains("\"backend\""), "api's alias came back:\n" + out);
        String again = out.substring(out.indexOf("--- again"), out.indexOf("--- netns"));
        assertFalse(again.contains("exists") || again.contains("error"), "the first script again changes nothing:\n" + again);
        String netns = out.substring(out.indexOf("--- netns"), out.indexOf("--- rules"));
        assertEquals(List.of("api", "client", "db", "web"), netns.lines().skip(1).map(l -> l.split(" ")[0]).sorted().toList(), out);
        String rules = out.substring(out.indexOf("--- rules"), out.indexOf("--- client env"));
        Matcher web = Pattern.compile("netgroovy publish web 0\\.0\\.0\\.0:(\\d+)->80/tcp").matcher(rules);
        Matcher client = Pattern.compile("netgroovy publish client 0\\.0\\.0\\.0:(\\d+)->81/tcp").matcher(rules);
        assertTrue(web.find() && client.find(), rules);
        assertEquals(Integer.parseInt(web.group(1)) + 1, Integer.parseInt(client.group(1)), "ports continue after web's: " + rules);
        assertTrue(out.contains("D_ENV_PASS=secret") && out.contains("D_PORT=tcp://172.17.0.2:6379"), "db's env and port came back:\n" + out);
    }

    /**
     * The REPL prints a container as {@code docker ps} does, which reads the world (and takes
     * the store's lock): the next statement runs at once. (It waited 60 s for the lock the
     * printing kept, and failed.)
     */
    @Test
    void theReplPrintsAContainerAndGoesOnToTheNextStatement() throws Exception {
        String shell = "printf '%s\\n' \"dockerd()\" \"container 'web'\" \"netns 'after'\" \":quit\" | ./netgroovy --host; echo '--- netns'; ip netns list";
        ProcessBuilder pb = new ProcessBuilder("sandbox/run-in-sandbox", "bash", "-c", shell).directory(HOME.toFile());
        pb.environment().remove("NETGROOVY_SANDBOX");
        pb.environment().remove("NETGROOVY_CLASSPATH");
        pb.environment().remove("NETGROOVY_HOME");
        long start = System.nanoTime();
        Subprocess r = Subprocess.run(pb, TIMEOUT);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(0, r.code(), r.transcript());
        String out = r.out();
        assertTrue(out.contains("CONTAINER ID") && out.contains("172.17.0.2"), "web printed as docker ps prints it:\n" + r.transcript());
        assertFalse(out.contains("error"), r.transcript());
        String netns = out.substring(out.indexOf("--- netns"));
        assertTrue(netns.lines().anyMatch(l -> l.startsWith("after")), "the statement after it ran:\n" + r.transcript());
        assertTrue(seconds < 30, "no wait for a lock: " + seconds + " s");
    }

    /**
     * {@code ./netgroovy SCRIPT} keeps what it compiled (shell/target/compiled, see
     * CompiledScripts): run again, the script's kept entry is used, not written anew (the same
     * file, seen by its inode); edited, it runs what it says now, never the kept classes of
     * its old text.
     */
    @Test
    void aScriptRunAgainUsesWhatWasCompiledAndAnEditedOneRunsItsNewText() throws Exception {
        Path folder = Files.createTempDirectory(HOME.resolve("shell/target"), "kept-it-");
        Path script = folder.resolve("kept_lab.netgroovy");
        Path compiled = HOME.resolve("shell/target/compiled");
        try {
            Files.writeString(script, "netns 'k1'\nlink 'lo' up\nprintln \"made \" + 'k1'\n");
            assertEquals("made k1", runScript(script));
            List<Path> entries = keptEntriesOf(compiled, "kept_lab_netgroovy");
            assertEquals(1, entries.size(), "kept once: " + entries);
            Object inode = Files.getAttribute(entries.get(0), "unix:ino");

            assertEquals("made k1", runScript(script));
            assertEquals(List.of(entries.get(0)), keptEntriesOf(compiled, "kept_lab_netgroovy"));
            assertEquals(inode, Files.getAttribute(entries.get(0), "unix:ino"), "found kept, not compiled and written again");

            Files.writeString(script, Files.readString(script).replace("k1", "k2"));
            assertEquals("made k2", runScript(script), "the edited text runs, not the kept classes of the old one");
            assertEquals(2, keptEntriesOf(compiled, "kept_lab_netgroovy").size());
        } finally {
            for (Path p : keptEntriesOf(compiled, "kept_lab_netgroovy")) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(script);
            Files.deleteIfExists(folder);
        }
    }

    /**
     * After a build (the class-data archive is made again) the launcher compiles the bundled
     * tutorials, recipes and recipe examples into its folder of kept scripts (KeepCompiled), so
     * that even their first run skips Groovy's compile: an entry for each, under the name
     * {@code ./netgroovy FILE} (or {@code use 'NAME'}) compiles it by.
     */
    @Test
    void afterABuildEveryTutorialRecipeAndExampleIsKeptCompiled() throws Exception {
        Path compiled = HOME.resolve("shell/target/compiled");
        List<Path> bundled = new java.util.ArrayList<>(scripts(HOME.resolve("tutorials")));
        bundled.addAll(scripts(Recipes.folder())); // (as `use 'p2p'` compiles them: under their file's name)
        bundled.addAll(scripts(Recipes.folder().resolve("examples")));
        Files.deleteIfExists(HOME.resolve("shell/target/netgroovy.jsa")); // as a build leaves it
        for (Path t : bundled) {
            for (Path p : keptEntriesOf(compiled, className(t))) {
                Files.delete(p);
            }
        }
        Subprocess r = launcherDryRun(Map.of());
        assertEquals(0, r.code(), r.transcript());
        assertTrue(Files.exists(HOME.resolve("shell/target/netgroovy.jsa")), "the archive made again\n" + r.transcript());
        for (Path t : bundled) {
            // (a recipe and its example have the same file name, so the same class name: two entries)
            long named = bundled.stream().filter(o -> o.getFileName().equals(t.getFileName())).count();
            assertEquals(named, keptEntriesOf(compiled, className(t)).size(), HOME.relativize(t) + " kept compiled");
        }
    }

    /**
     * The class-data archive's training passes through what a lab script's body uses and a
     * one-liner does not (a loop over a range, GStrings, list indexing, arithmetic): those of
     * Groovy's classes are then mapped from the archive, not read from its jar (the JVM's own
     * class-loading log says where each came from).
     */
    @Test
    void aLoopWithGStringsRunsOnClassesFromTheArchive(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertEquals(0, launcherDryRun(Map.of()).code(), "the archive made, if it was not");
        Path log = dir.resolve("classes.log");
        Subprocess r = launcher(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log), "--dry-run", "-e",
                "def ips = ['10.0.0.5/24', '10.0.0.6/24']; for (k in 0..<2) { netns \"t$k\"; println \"t$k ${ips[k]} ${k % 2 + 1}\" }");
        assertEquals(0, r.code(), r.transcript());
        assertTrue(r.out().contains("t1 10.0.0.6/24 2"), r.transcript());
        List<String> loaded = Files.readAllLines(log);
        for (String cls : List.of("groovy.lang.IntRange$IntRangeIterator", "org.codehaus.groovy.runtime.GStringUtil",
                "org.codehaus.groovy.runtime.FormatHelper")) {
            String line = loaded.stream().filter(l -> l.contains(" " + cls + " ")).findFirst().orElse("(not loaded)");
            assertTrue(line.contains("source: shared objects file"), cls + " from the archive: " + line);
        }
    }

    /**
     * On a machine of two CPUs or fewer the JVM compiles on one thread (it would start two,
     * which take the CPUs from the statements and the warm-up); on a larger one it keeps its
     * own count. Read from the JVM's final flags, which say where each value came from.
     */
    @Test
    void aMachineOfTwoCpusCompilesOnOneThread() throws Exception {
        String online = Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
        Subprocess r = launcherDryRun(Map.of("JAVA_TOOL_OPTIONS", "-XX:+PrintFlagsFinal"));
        assertEquals(0, r.code(), r.transcript());
        String flag = r.out().lines().filter(l -> l.matches("\\s*intx CICompilerCount\\s.*")).findFirst().orElseThrow(() -> new AssertionError(r.transcript()));
        if (online.equals("0") || online.equals("0-1")) {
            assertTrue(flag.matches(".*= 1\\s.*\\{command line\\}.*"), "CPUs " + online + ": " + flag);
        } else {
            assertFalse(flag.contains("{command line}"), "CPUs " + online + ": " + flag);
        }
    }

    /**
     * The launcher tells by itself (no {@code find}) when a jar is newer than its class-data
     * archive: a library jar touched after the archive was made has the archive made again
     * (a new file, moved into place).
     */
    @Test
    void aJarNewerThanTheArchiveHasTheArchiveMadeAgain() throws Exception {
        Path jsa = HOME.resolve("shell/target/netgroovy.jsa");
        assertEquals(0, launcherDryRun(Map.of()).code(), "the archive made, if it was not");
        Object before = Files.getAttribute(jsa, "unix:ino");
        Path jar;
        try (Stream<Path> jars = Files.list(HOME.resolve("shell/target/lib"))) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("jline")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(jar, FileTime.from(Files.getLastModifiedTime(jsa).toInstant().plusSeconds(1)));
        Subprocess r = launcherDryRun(Map.of());
        assertEquals(0, r.code(), r.transcript());
        assertFalse(before.equals(Files.getAttribute(jsa, "unix:ino")), "the archive was made again after " + jar.getFileName() + " changed");
        Object after = Files.getAttribute(jsa, "unix:ino");
        assertEquals(0, launcherDryRun(Map.of()).code());
        assertEquals(after, Files.getAttribute(jsa, "unix:ino"), "and only once: it is newer than every jar now");
    }

    /**
     * A source newer than the last build has the launcher build again before it runs anything
     * (here a stand-in {@code mvn} that fails: the launcher says so and stops).
     */
    @Test
    void aSourceNewerThanTheLastBuildIsBuiltBeforeAnythingRuns(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path stamp = HOME.resolve("shell/target/.built");
        Path source = HOME.resolve("dsl/src/main/java/netgroovy/dsl/Words.java"); // (the only file made newer)
        FileTime edited = Files.getLastModifiedTime(source);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path called = dir.resolve("mvn-called");
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"$@\" > " + called + "\necho 'stand-in build failed'\nexit 3\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        Subprocess r;
        try {
            Files.setLastModifiedTime(source, FileTime.from(Files.getLastModifiedTime(stamp).toInstant().plusSeconds(1)));
            r = launcherDryRun(Map.of("PATH", bin + ":" + System.getenv("PATH")));
        } finally {
            Files.setLastModifiedTime(source, edited);
        }
        assertEquals(1, r.code(), r.transcript());
        assertTrue(r.err().contains("netgroovy: building (first run or sources changed)"), r.transcript());
        assertTrue(r.err().contains("stand-in build failed") && r.err().contains("netgroovy: the build failed; full log in "), r.transcript());
        assertTrue(Files.readString(called).contains("package"), "mvn was asked to package");
        Matcher log = Pattern.compile("full log in (\\S+)").matcher(r.err());
        if (log.find()) {
            Files.deleteIfExists(Path.of(log.group(1)));
        }
        assertFalse(launcherDryRun(Map.of("PATH", bin + ":" + System.getenv("PATH"))).err().contains("building"),
                "with the source as it was, nothing is built");
    }

    /** {@code ./netgroovy --dry-run -e 1} as a user's shell starts it, with {@code env} added. */
    private static Subprocess launcherDryRun(Map<String, String> env) throws Exception {
        return launcher(env, "--dry-run", "-e", "1");
    }

    /** {@code ./netgroovy ARGS} as a user's shell starts it, with {@code env} added. */
    private static Subprocess launcher(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("./netgroovy"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile());
        pb.environment().remove("NETGROOVY_SANDBOX");
        pb.environment().remove("NETGROOVY_CLASSPATH");
        pb.environment().remove("NETGROOVY_HOME");
        pb.environment().putAll(env);
        return Subprocess.run(pb, TIMEOUT);
    }

    /** The class a script compiles to, as the DSL's Engine names it after the file (01-x.netgroovy: _01_x_netgroovy). */
    private static String className(Path script) {
        String cls = script.getFileName().toString().replaceAll("\\.netgroovy$", "").replaceAll("[^A-Za-z0-9_$]", "_") + "_netgroovy";
        return Character.isJavaIdentifierStart(cls.charAt(0)) ? cls : "_" + cls;
    }

    /** What {@code ./netgroovy SCRIPT} prints, in a sandbox of its own, as a user runs it. */
    private static String runScript(Path script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("./netgroovy", script.toString()).directory(HOME.toFile());
        pb.environment().remove("NETGROOVY_SANDBOX");
        pb.environment().remove("NETGROOVY_CLASSPATH");
        pb.environment().remove("NETGROOVY_HOME");
        Subprocess r = Subprocess.run(pb, TIMEOUT);
        assertEquals(0, r.code(), r.transcript());
        return r.out().strip();
    }

    /** The kept entries holding the classes of scripts compiled as {@code className}. */
    private static List<Path> keptEntriesOf(Path compiled, String className) throws IOException {
        if (!Files.isDirectory(compiled)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(compiled)) {
            return files.filter(p -> holds(p, className)).sorted().toList();
        }
    }

    /** Whether the file's bytes hold {@code text} (class names are ASCII, so Latin-1 reads them byte for byte). */
    private static boolean holds(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
