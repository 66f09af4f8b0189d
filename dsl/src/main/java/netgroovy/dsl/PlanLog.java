package netgroovy.dsl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Every statement's plan as commands, appended to the file NETGROOVY_PLAN_LOG names, the same
 * way in a live run and a dry run: so a test can hold the two side by side and prove that
 * {@code --dry-run} shows what a live run does. Off (and free) unless the variable is set.
 */
final class PlanLog {
    private static final Path FILE = file();

    private PlanLog() {
    }

    private static Path file() {
        String f = System.getenv("NETGROOVY_PLAN_LOG");
        return f == null || f.isBlank() ? null : Path.of(f);
    }

    static boolean on() {
        return FILE != null;
    }

    static void planned(List<String> commands) {
        if (FILE == null || commands.isEmpty()) {
            return;
        }
        try {
            Files.writeString(FILE, String.join("\n", commands) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the plan log " + FILE + ": " + e.getMessage(), e);
        }
    }
}
