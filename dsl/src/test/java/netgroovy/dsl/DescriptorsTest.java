package netgroovy.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import groovy.lang.GroovyShell;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The editor descriptors shipped in the jar (IntelliJ's GDSL, Eclipse's DSLD) are Groovy that
 * compiles, and list exactly the words with named options and exactly the options each word
 * accepts — asked of the words themselves, through the error an unknown option gets.
 */
@ExtendWith(Sandboxed.class)
class DescriptorsTest {
    private static final Map<String, String> CALLS = Map.ofEntries(
            Map.entry("capture", "capture zzz: 1"), Map.entry("connect", "connect zzz: 1"),
            Map.entry("container", "container 'web', zzz: 1"), Map.entry("dockerd", "dockerd zzz: 1"),
            Map.entry("doctor", "doctor zzz: 1"), Map.entry("draw", "draw zzz: 1"),
            Map.entry("firewall", "firewall 'docker0', zzz: 1"), Map.entry("network", "network 'n1', zzz: 1"),
            Map.entry("networkConnect", "networkConnect 'n1', 'web', zzz: 1"),
            Map.entry("ping", "ping zzz: 1"), Map.entry("publish", "publish 'web', '80', zzz: 1"),
            Map.entry("restrict", "restrict zzz: 1"), Map.entry("trace", "trace zzz: 1"),
            Map.entry("veth", "veth 'A', 'B', zzz: 1"));

    private static String resource(String path) throws IOException {
        try (InputStream in = Engine.class.getResourceAsStream(path)) {
            assertNotNull(in, path + " is in the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The options table of a descriptor, evaluated as the Groovy it is. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Class<?>>> options(String text) {
        int start = text.indexOf("def options = [");
        int end = text.indexOf("\n]\n", start);
        return (Map<String, Map<String, Class<?>>>) new GroovyShell().evaluate(text.substring(start + "def options = ".length(), end + 2));
    }

    /** What a word says it knows, from its error for an unknown option. */
    private static List<String> declared(Engine engine, String word) {
        DslException e = org.junit.jupiter.api.Assertions.assertThrows(DslException.class, () -> engine.run(CALLS.get(word), "probe"));
        String m = e.getMessage();
        int at = m.indexOf("(it knows: ");
        assertTrue(m.startsWith(word + " has no option 'zzz'") && at > 0, m);
        return List.of(m.substring(at + "(it knows: ".length(), m.lastIndexOf(')')).split(", "));
    }

    @Test
    void theDescriptorsCompileAndListEveryWordsOptions() throws Exception {
        String gdsl = resource("/netgroovy.gdsl");
        String dsld = resource("/dsld/netgroovy.dsld");
        new GroovyShell().parse(gdsl, "netgroovy.gdsl");
        new GroovyShell().parse(dsld, "netgroovy.dsld");
        Map<String, Map<String, Class<?>>> table = options(gdsl);
        assertEquals(table, options(dsld), "both editors are told the same");

        TreeSet<String> withOptions = new TreeSet<>();
        for (Method m : NetgroovyScript.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.getParameterCount() > 0
                    && m.getParameterTypes()[0] == Map.class && !m.getName().startsWith("__")) {
                withOptions.add(m.getName());
            }
        }
        assertEquals(withOptions, new TreeSet<>(table.keySet()), "every word with named options, and only those");
        assertEquals(withOptions, new TreeSet<>(CALLS.keySet()));

        try (Session session = new Session(true, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "dry-run")) {
            Engine engine = new Engine(session);
            Map<String, List<String>> actual = new TreeMap<>();
            Map<String, List<String>> described = new TreeMap<>();
            for (String word : withOptions) {
                actual.put(word, declared(engine, word).stream().sorted().toList());
                described.put(word, table.get(word).keySet().stream().sorted().toList());
                for (var o : table.get(word).entrySet()) {
                    Options.Kind kind = Options.kindOf(o.getKey());
                    Class<?> type = o.getValue();
                    boolean agrees = kind == null || switch (kind) {
                        case NUMBER -> Number.class.isAssignableFrom(type);
                        case FLAG -> type == Boolean.class;
                        case TEXT -> type == String.class;
                        case TEXTS, PLACE -> type == String.class || type == Object.class;
                    };
                    assertTrue(agrees, word + " " + o.getKey() + ": described as " + type.getSimpleName() + ", checked as " + kind);
                }
            }
            assertEquals(actual, described);
        }
    }
}
