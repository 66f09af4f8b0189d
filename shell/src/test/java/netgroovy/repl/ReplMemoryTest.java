package netgroovy.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;
import org.junit.jupiter.api.Test;

/**
 * The REPL's memory stays flat: thousands of statements typed into the real REPL leave the
 * loaded classes and the heap after a full GC where they were (each statement's classes are
 * collected once it has run), while what a statement defines lives on for the later ones.
 */
class ReplMemoryTest {

    @Test
    void classesAndHeapStayFlatOverThousandsOfStatements() throws Exception {
        List<ReplMemory.Sample> samples = ReplMemory.run(1000, 200, null);
        ReplMemory.Sample first = samples.get(0);
        ReplMemory.Sample last = samples.get(samples.size() - 1);
        // Before: 1.6 classes and ~95 KB of heap a statement, never collected (+1300 classes, +75 MB here).
        assertTrue(last.loadedClasses() - first.loadedClasses() < 100,
                "loaded classes grew from " + first + " to " + last + ": " + samples);
        // Soft references (Groovy's reflection caches) come and go by some MB: compare the lows of each half.
        long early = Math.min(samples.get(0).heapBytes(), samples.get(1).heapBytes());
        long late = Math.min(samples.get(samples.size() - 2).heapBytes(), last.heapBytes());
        assertTrue(late - early < 20_000_000, "heap after GC grew by " + (late - early) / 1_000_000 + " MB: " + samples);
    }

    @Test
    void whatAStatementDefinesOutlivesTheForgettingOfItsClass() {
        try (Session session = new Session(true, new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), "dry-run")) {
            Engine engine = new Engine(session);
            engine.run("x = 5", "repl");
            engine.run("def f(n) { n + x }", "repl");
            engine.run("twice = { it * 2 }", "repl");
            engine.run("class Pod { String name = 'p1' }", "repl");
            for (int i = 0; i < 500; i++) {
                engine.run(ReplMemory.statement(i), "repl");
            }
            assertEquals(6, engine.run("f(1)", "repl"), "a def method, through later statements");
            assertEquals(12, engine.run("twice(f(1))", "repl"), "a closure in a variable");
            assertEquals(5, engine.run("x", "repl"), "a variable");
            assertEquals("p1", engine.run("new Pod().name", "repl"), "a class");
            engine.run("def f(String s) { s * 2 }", "repl");
            assertEquals("abab", engine.run("f('ab')", "repl"), "a method defined again replaces the old one");
        }
    }
}
