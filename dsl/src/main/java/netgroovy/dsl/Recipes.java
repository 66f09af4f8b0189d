package netgroovy.dsl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netgroovy.value.InvalidValueException;

/** Finds recipe scripts: {@code use 'p2p'} loads {@code stdlib-scripts/p2p.netgroovy}. */
public final class Recipes {
    private Recipes() {
    }

    /** The stdlib-scripts folder: under NETGROOVY_HOME (set by the launcher), else the working directory's. */
    public static Path folder() {
        String home = System.getenv("NETGROOVY_HOME");
        if (home == null) {
            home = System.getProperty("netgroovy.home", ".");
        }
        return Path.of(home, "stdlib-scripts");
    }

    public static Path find(String name) {
        if (name.endsWith(".netgroovy") && Files.isRegularFile(Path.of(name))) {
            return Path.of(name);
        }
        Path p = folder().resolve(name + ".netgroovy");
        if (!Files.isRegularFile(p)) {
            throw new InvalidValueException("no recipe '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return p;
    }

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        try (var files = Files.list(folder())) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".netgroovy"))
                    .map(f -> f.substring(0, f.length() - ".netgroovy".length())).sorted().forEach(out::add);
        } catch (java.io.IOException e) {
            // no folder: no recipes
        }
        return out;
    }
}
