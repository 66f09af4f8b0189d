package netgroovy.trace;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where statements come from: every rule netgroovy writes carries, after its owner, the script
 * and line that made it ("@05-publishing-ports.netgroovy:35"); this keeps the text of the
 * scripts run in this process so {@code trace} can quote that line. REPL entries are numbered
 * ("repl#3:1"), each its own little script.
 */
public final class Origins {
    private static final int KEEP = 200;
    private static final Map<String, List<String>> TEXTS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
            return size() > KEEP;
        }
    };
    private static final Map<String, String> CURRENT = new java.util.HashMap<>();
    private static int entries;

    private Origins() {
    }

    /** Called when source text named {@code name} starts to run. */
    public static synchronized void remember(String name, String text) {
        String key = key(name);
        if (name != null && name.equals("repl")) {
            key = "repl#" + (++entries);
        }
        CURRENT.put(String.valueOf(name), key);
        TEXTS.put(key, List.of(text.split("\n", -1)));
    }

    /** The origin mark for a statement: "FILE:LINE" (the file's base name, short and without quotes). */
    public static synchronized String of(String name, int line) {
        String key = CURRENT.getOrDefault(String.valueOf(name), key(name));
        return key + ":" + line;
    }

    /** The source line an origin names, trimmed, or null when this process did not run it. */
    public static synchronized String text(String origin) {
        if (origin == null) {
            return null;
        }
        int colon = origin.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        List<String> lines = TEXTS.get(origin.substring(0, colon));
        try {
            int n = Integer.parseInt(origin.substring(colon + 1));
            return lines == null || n < 1 || n > lines.size() ? null : lines.get(n - 1).strip();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String key(String name) {
        String base = String.valueOf(name).replaceAll("^.*/", "").replaceAll("[\"\\s]", "_");
        return base.length() > 60 ? base.substring(base.length() - 60) : base;
    }
}
