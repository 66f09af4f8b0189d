package netgroovy.repl;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How far each tutorial got, kept in {@code ~/.netgroovy/progress} ({@code 05-publishing-ports=3}:
 * three steps done; {@code 05-publishing-ports.break=done}: its "break it" solved), so that
 * {@code :tutorial 05} goes on where it stopped, in this shell or the next.
 */
final class TutorialProgress {
    private final Path file;
    private final Properties done = new Properties();

    TutorialProgress(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                done.load(r);
            } catch (IOException | IllegalArgumentException e) {
                // an unreadable file: start from nothing rather than refuse the tutorials
            }
        }
    }

    static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".netgroovy", "progress");
    }

    int stepsDone(Tutorial t) {
        try {
            return Math.min(Integer.parseInt(done.getProperty(t.id(), "0")), t.steps().size());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    boolean brokenAndFixed(Tutorial t) {
        return "done".equals(done.getProperty(t.id() + ".break"));
    }

    void stepsDone(Tutorial t, int steps) {
        done.setProperty(t.id(), String.valueOf(steps));
        save();
    }

    void fixed(Tutorial t) {
        done.setProperty(t.id() + ".break", "done");
        save();
    }

    /** A line for :tutorial's list: "3/9", "done", "done, broken and fixed". */
    String summary(Tutorial t) {
        int n = stepsDone(t);
        String steps = n == 0 ? "" : n >= t.steps().size() ? "done" : n + "/" + t.steps().size();
        return brokenAndFixed(t) ? steps + ", broken and fixed" : steps;
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(file)) {
                done.store(w, "netgroovy tutorials: steps done");
            }
        } catch (IOException e) {
            // progress is a convenience; the tutorial goes on
        }
    }
}
