package netgroovy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One layer per package, and the layers only look down: the kernel layer knows nothing of
 * plans, the plan layer nothing of words, the Docker and model packages nothing of the DSL.
 * Read off the sources' imports and fully qualified names, so a new shortcut fails here.
 */
class LayersTest {
    private static final Path SRC = Path.of("src/main/java/netgroovy");

    /** Package -> the packages of ours it must never use. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "value", List.of("kernel", "firewall", "plan", "model", "docker", "dsl", "render", "trace"),
            "kernel", List.of("firewall", "plan", "model", "docker", "dsl", "render", "trace"),
            "firewall", List.of("plan", "model", "docker", "dsl", "render", "trace"),
            "plan", List.of("model", "docker", "dsl", "render", "trace"),
            "docker", List.of("dsl", "render", "trace"),
            "model", List.of("dsl", "render", "trace", "plan", "kernel"));

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() throws IOException {
        List<String> broken = new ArrayList<>();
        for (var rule : FORBIDDEN.entrySet()) {
            Path dir = SRC.resolve(rule.getKey());
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(f);
                    for (String other : rule.getValue()) {
                        if (text.contains("netgroovy." + other + ".")) {
                            broken.add(SRC.relativize(f) + " uses netgroovy." + other);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), broken);
    }
}
