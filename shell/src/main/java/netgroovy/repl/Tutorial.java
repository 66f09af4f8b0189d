package netgroovy.repl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A tutorial script read as steps, for {@code :tutorial}. The scripts need no markup to be
 * stepped through: a paragraph (lines up to a blank line outside any block) is a step, its
 * leading comments are the step's prose, its statements the step, and the statements with an
 * {@code assert} or {@code expect} in them (with the {@code def}s they read) are its check,
 * which asks the kernel, not what was typed. So the script CI runs is the solution.
 *
 * <p>Comments the script's own run ignores add to it: {@code // hint: ...} is shown when a
 * step's check fails; a "break it" exercise is {@code // break: prose},
 * {@code // break-do: statement} (what breaks it), {@code // break-check: statement} (true
 * once fixed), {@code // break-hint: ...} and {@code // break-fix: statement} (the solution,
 * which a test runs).
 */
final class Tutorial {
    record Step(String title, List<String> prose, List<String> statements, String check, List<String> hints) {
        /** The step as the script has it. */
        String code() {
            return String.join("\n", statements);
        }

        /** The step without what only prints (show, println): to rebuild its state quietly. */
        String quiet() {
            return statements.stream().filter(s -> !s.strip().matches("(?s)(show|println|print)\\b.*|//.*"))
                    .collect(Collectors.joining("\n"));
        }
    }

    record BreakIt(List<String> prose, String breaking, String check, List<String> hints, String fix) {
    }

    private final String id;
    private final String title;
    private final Path file;
    private final List<Step> steps;
    private final BreakIt breakIt;

    private Tutorial(String id, String title, Path file, List<Step> steps, BreakIt breakIt) {
        this.id = id;
        this.title = title;
        this.file = file;
        this.steps = steps;
        this.breakIt = breakIt;
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    Path file() {
        return file;
    }

    List<Step> steps() {
        return steps;
    }

    /** The "break it" exercise, or null when the tutorial has none. */
    BreakIt breakIt() {
        return breakIt;
    }

    /** The tutorials in {@code folder}, in order. */
    static List<Tutorial> all(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".netgroovy")).sorted().map(Tutorial::load).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The tutorial whose file name starts with {@code name} ("05", "05-publishing-ports"), or null. */
    static Tutorial find(Path folder, String name) {
        return all(folder).stream().filter(t -> t.id.equals(name) || t.id.startsWith(name + "-")).findFirst().orElse(null);
    }

    static Tutorial load(Path file) {
        String id = file.getFileName().toString().replaceFirst("\\.netgroovy$", "");
        try {
            return parse(id, Files.readString(file), title(file, id), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tutorial " + file + ": " + e.getMessage(), e);
        }
    }

    /** The prose's heading ("# 05 — Publishing ports"), without the #. */
    private static String title(Path script, String id) {
        Path md = script.resolveSibling(id + ".md");
        try (Stream<String> lines = Files.lines(md)) {
            return lines.filter(l -> l.startsWith("# ")).findFirst().map(l -> l.substring(2).strip()).orElse(id);
        } catch (IOException | UncheckedIOException e) {
            return id;
        }
    }

    static Tutorial parse(String id, String text, String title, Path file) {
        List<Step> steps = new ArrayList<>();
        List<String> breakProse = new ArrayList<>();
        List<String> breakHints = new ArrayList<>();
        String breaking = null;
        String breakCheck = null;
        String breakFix = null;
        List<String> prose = new ArrayList<>();
        List<String> hints = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        StringBuilder statement = null; // a statement still open (a block, a multi-line call)
        boolean header = true; // the file's first paragraph says how to run it: not a step
        for (String line : (text + "\n\n").split("\n", -1)) {
            String t = line.strip();
            if (statement != null) {
                statement.append('\n').append(line);
                if (ReplParser.unfinished(statement.toString()) == null) {
                    statements.add(statement.toString());
                    statement = null;
                }
                continue;
            }
            if (t.startsWith("// break:")) {
                breakProse.add(t.substring("// break:".length()).strip());
            } else if (t.startsWith("// break-do:")) {
                breaking = t.substring("// break-do:".length()).strip();
            } else if (t.startsWith("// break-check:")) {
                breakCheck = t.substring("// break-check:".length()).strip();
            } else if (t.startsWith("// break-hint:")) {
                breakHints.add(t.substring("// break-hint:".length()).strip());
            } else if (t.startsWith("// break-fix:")) {
                breakFix = t.substring("// break-fix:".length()).strip();
            } else if (t.startsWith("// hint:")) {
                hints.add(t.substring("// hint:".length()).strip());
            } else if (t.isEmpty()) {
                if (!statements.isEmpty()) {
                    if (!header) {
                        steps.add(step(prose, statements, hints));
                    }
                    prose = new ArrayList<>();
                    hints = new ArrayList<>();
                    statements = new ArrayList<>();
                } else if (header && !prose.isEmpty()) {
                    prose = new ArrayList<>();
                }
                header = false;
            } else if (t.startsWith("//") && statements.isEmpty()) {
                prose.add(t.replaceFirst("^// ?", ""));
            } else if (t.startsWith("//")) {
                statements.add(line); // a comment among the statements stays with them, as the script shows it
            } else if (t.startsWith("#!")) {
                continue;
            } else {
                header = false;
                statement = new StringBuilder(line);
                if (ReplParser.unfinished(line) == null) {
                    statements.add(line);
                    statement = null;
                }
            }
        }
        BreakIt b = breaking != null && breakCheck != null ? new BreakIt(breakProse, breaking, breakCheck, breakHints, breakFix) : null;
        return new Tutorial(id, title, file, steps, b);
    }

    private static Step step(List<String> prose, List<String> statements, List<String> hints) {
        String title = prose.isEmpty() ? firstLine(statements.get(0)) : prose.get(0);
        String check = statements.stream().filter(s -> isCheck(s) || s.strip().startsWith("def "))
                .collect(Collectors.joining("\n"));
        boolean anyCheck = statements.stream().anyMatch(Tutorial::isCheck);
        return new Step(title, List.copyOf(prose), List.copyOf(statements), anyCheck ? check : "", List.copyOf(hints));
    }

    /** A statement that checks rather than builds: it asserts or expects. */
    private static boolean isCheck(String statement) {
        String s = statement.strip();
        return !s.startsWith("//") && (s.startsWith("expect ") || s.matches("(?s).*\\bassert\\b.*"));
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("");
    }

    /**
     * Statements as the REPL runs them, one entry at a time: a top-level {@code def x = ...}
     * becomes {@code x = ...}, so that the variable outlives the entry (a {@code def} is local
     * to the text it is in), as the next step's check may read it.
     */
    static String forRepl(String code) {
        return code.replaceAll("(?m)^def ([A-Za-z_][A-Za-z0-9_]*) =", "$1 =");
    }
}
