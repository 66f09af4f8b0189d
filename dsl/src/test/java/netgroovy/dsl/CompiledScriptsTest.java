package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Script texts kept compiled on disk ({@link CompiledScripts}, what {@code ./netgroovy} does
 * for its script files and {@code -e} texts): a text run again runs the kept classes and does
 * what it did; a changed text, an unreadable entry, a text that declares a class or does not
 * compile never run anything stale. In dry-run sessions: nothing here touches a kernel.
 */
class CompiledScriptsTest {
    @TempDir
    Path dir;

    private static final String LAB = """
            def names = ['b0', 'b1']
            names.each { n -> bridge n < cidr "10.0.${names.indexOf(n)}.1/24" > }
            println "made ${names.size()} bridges"
            """;

    /** What a fresh session and engine print for {@code text} run as {@code file}, keeping compiled texts in {@link #dir}. */
    private Run run(String text, String file) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Session session = new Session(true, new PrintStream(bytes, true, StandardCharsets.UTF_8), "dry-run")) {
            Engine engine = new Engine(session);
            engine.keepCompiledIn(dir);
            engine.run(text, file);
            return new Run(bytes.toString(StandardCharsets.UTF_8), engine.keptCompiledHits());
        }
    }

    private record Run(String out, int hits) {
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aTextRunAgainRunsTheKeptClassesAndDoesWhatItDid() throws IOException {
        Run first = run(LAB, "lab.netgroovy");
        assertEquals(0, first.hits());
        assertTrue(first.out().contains("ip link add b1 type bridge") && first.out().contains("made 2 bridges"), first.out());
        assertEquals(1, entries().size(), "one entry for the text: " + entries());
        assertTrue(Files.getPosixFilePermissions(entries().get(0)).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                "readable by a user who runs the same text (a dry run needs no privileges)");

        Run again = run(LAB, "lab.netgroovy");
        assertEquals(1, again.hits(), "found kept");
        assertEquals(first.out(), again.out(), "the kept classes plan and print what the compiled ones did");
        assertEquals(1, entries().size());
    }

    @Test
    void whatRunsIsTheKeptEntryNotANewCompile() throws IOException {
        // The entry of one text put in the place of another's (same file name, so same class
        // name): running the second text then runs the first one's classes.
        run("println 'from the first text'", "lab.netgroovy");
        Path firstEntry = entries().get(0);
        byte[] firstClasses = Files.readAllBytes(firstEntry);
        run("println 'from the second text'", "lab.netgroovy");
        Path secondEntry = entries().stream().filter(p -> !p.equals(firstEntry)).findFirst().orElseThrow();
        Files.write(secondEntry, firstClasses);

        assertEquals("from the first text\n", run("println 'from the second text'", "lab.netgroovy").out());
    }

    /**
     * Two texts of one file name in one run (an example and the recipe of the same name it
     * {@code use}s: both compile to a class of that name) are each found kept the next time,
     * not compiled and written again (the second's classes clashed with the first's).
     */
    @Test
    void twoTextsOfOneNameInOneRunAreBothFoundKept() throws IOException {
        String recipe = "def twice(n) { n * 2 }\n[1, 2].each { println twice(it) }";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int round = 0; round < 2; round++) {
            try (Session session = new Session(true, new PrintStream(bytes, true, StandardCharsets.UTF_8), "dry-run")) {
                Engine engine = new Engine(session);
                engine.keepCompiledIn(dir);
                engine.run(recipe.replace("twice", "thrice"), "p2p.netgroovy");
                engine.run(recipe, "p2p.netgroovy");
                assertEquals(round == 0 ? 0 : 2, engine.keptCompiledHits(), "round " + round);
            }
            if (round == 0) {
                Object[] inodes = inodes();
                assertEquals(2, inodes.length, "two entries");
            }
        }
        Object[] before = inodes();
        try (Session session = new Session(true, new PrintStream(bytes, true, StandardCharsets.UTF_8), "dry-run")) {
            Engine engine = new Engine(session);
            engine.keepCompiledIn(dir);
            engine.run(recipe.replace("twice", "thrice"), "p2p.netgroovy");
            engine.run(recipe, "p2p.netgroovy");
        }
        assertArrayEquals(before, inodes(), "both entries found, neither written again");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("4\n"), "the second text ran: " + bytes);
    }

    private Object[] inodes() throws IOException {
        List<Object> inodes = new java.util.ArrayList<>();
        for (Path p : entries()) {
            inodes.add(p.getFileName() + "@" + Files.getAttribute(p, "unix:ino"));
        }
        return inodes.toArray();
    }

    @Test
    void aChangedTextOrAnotherFileNameIsCompiledAfresh() throws IOException {
        run(LAB, "lab.netgroovy");
        Run changed = run(LAB.replace("'b1'", "'b2'"), "lab.netgroovy");
        assertEquals(0, changed.hits());
        assertTrue(changed.out().contains("ip link add b2 type bridge") && !changed.out().contains("b1"), changed.out());

        Run renamed = run(LAB, "other.netgroovy");
        assertEquals(0, renamed.hits(), "compiled under its own class name (which stack traces and messages show)");
        assertEquals(3, entries().size());
    }

    @Test
    void anUnreadableEntryIsCompiledAgainAndWrittenOver() throws IOException {
        run(LAB, "lab.netgroovy");
        Path entry = entries().get(0);
        Files.write(entry, new byte[] {0, 0, 0, 1, 0, 0, 0, 3, 'x'}); // cut short
        Run broken = run(LAB, "lab.netgroovy");
        assertEquals(0, broken.hits());
        assertTrue(broken.out().contains("made 2 bridges"), broken.out());
        assertEquals(1, run(LAB, "lab.netgroovy").hits(), "written anew, and found");

        Files.write(entry, "not class files at all".getBytes(StandardCharsets.UTF_8));
        assertTrue(run(LAB, "lab.netgroovy").out().contains("made 2 bridges"));
    }

    @Test
    void aTextThatDeclaresAClassOrDoesNotCompileKeepsNothing() throws IOException {
        assertEquals("pod web\n", run("class Pod { String name }\nprintln 'pod ' + new Pod(name: 'web').name", "pods.netgroovy").out());
        assertEquals(List.of(), entries(), "a declared class is known to later texts by name only through the compiler");

        DslException e = assertThrows(DslException.class, () -> run("println 'a'\nbridge('b0'\n", "broken.netgroovy"));
        assertTrue(e.located().startsWith("broken.netgroovy:2: syntax error"), e.located());
        assertEquals(List.of(), entries());
    }

    @Test
    void aKeptTextFailsAtTheSameLineWithTheSameMessage() {
        String text = "bridge 'b0'\nbridge 'b1'\nlink 'b0' mster 'b1'\n";
        DslException compiled = assertThrows(DslException.class, () -> run(text, "typo.netgroovy"));
        DslException kept = assertThrows(DslException.class, () -> run(text, "typo.netgroovy"));
        assertTrue(compiled.located().startsWith("typo.netgroovy:3: ") && compiled.located().contains("mster"), compiled.located());
        assertEquals(compiled.located(), kept.located());
        assertEquals(compiled.hint(), kept.hint());
    }
}
