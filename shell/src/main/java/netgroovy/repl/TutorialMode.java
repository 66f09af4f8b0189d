package netgroovy.repl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Recipes;

/**
 * {@code :tutorial 05}: a tutorial, step by step, in the REPL. Each step shows its prose and
 * its statements; the user types them (or others that do the same) or presses Enter to run
 * them. After each statement the step's check runs, and it asks the kernel: the step is done
 * when the state is there, however it got there. A failed check, on {@code :tutorial check},
 * gives what failed and the step's hint. Progress is saved; a tutorial taken up again first
 * rebuilds the steps already done. At the end, a "break it" exercise, where the tutorial has
 * one, breaks something for the user to find (with trace) and fix.
 */
final class TutorialMode {
    static final String USAGE = ":tutorial lists them; :tutorial NN starts or goes on with one; "
            + ":tutorial check | hint | skip | stop";

    private final Engine engine;
    private final Evaluator evaluator;
    private final PrintWriter out;
    private final TutorialProgress progress;
    private final Path folder;
    private Tutorial current;
    private int step; // index of the step under way; steps().size() when in the "break it" part
    private int hintsGiven;

    TutorialMode(Engine engine, Evaluator evaluator, PrintWriter out, TutorialProgress progress, Path folder) {
        this.engine = engine;
        this.evaluator = evaluator;
        this.out = out;
        this.progress = progress;
        this.folder = folder;
    }

    static Path defaultFolder() {
        return Recipes.folder().resolveSibling("tutorials");
    }

    boolean active() {
        return current != null;
    }

    /** "05 3/9" for the prompt, "05 break it" at the end, null outside a tutorial. */
    String tag() {
        if (current == null) {
            return null;
        }
        String n = current.id().replaceFirst("-.*", "");
        return step < current.steps().size() ? n + " " + (step + 1) + "/" + current.steps().size() : n + " break it";
    }

    /** The :tutorial command. */
    void command(String arg) {
        switch (arg) {
            case "" -> list();
            case "check" -> check(true);
            case "hint" -> hint();
            case "skip" -> skip();
            case "stop" -> stop();
            default -> start(arg);
        }
    }

    private void list() {
        out.println("Tutorials (:tutorial NN runs one step by step):");
        for (Tutorial t : Tutorial.all(folder)) {
            String done = progress.summary(t);
            out.printf("  %-40s %2d steps%s%s%n", t.title(), t.steps().size(), t.breakIt() != null ? ", break it" : "",
                    done.isEmpty() ? "" : "  [" + done + "]");
        }
        out.println(USAGE);
    }

    private void start(String name) {
        Tutorial t = Tutorial.find(folder, name);
        if (t == null) {
            out.println("no tutorial '" + name + "'; " + USAGE);
            return;
        }
        current = t;
        step = progress.stepsDone(t);
        hintsGiven = 0;
        out.println("── " + t.title() + " ── (read along: tutorials/" + t.id() + ".md)");
        if (step > 0) {
            rebuild();
        }
        if (step < t.steps().size()) {
            show();
        } else {
            out.println("(all " + t.steps().size() + " steps done before)");
            breakIt();
        }
    }

    /** Taken up again: the steps done before are run again, quietly, so that the next one finds their state. */
    private void rebuild() {
        out.println("(steps 1-" + step + " were done before; building their state again)");
        for (int i = 0; i < step; i++) {
            try {
                engine.run(Tutorial.forRepl(current.steps().get(i).quiet()), current.id());
            } catch (DslException e) {
                out.println("error: rebuilding step " + (i + 1) + ": " + e.getMessage());
            }
        }
    }

    private void show() {
        Tutorial.Step s = current.steps().get(step);
        out.println();
        out.println("Step " + (step + 1) + "/" + current.steps().size() + ": " + s.title());
        s.prose().stream().skip(1).forEach(l -> out.println("  " + l));
        out.println();
        out.println(s.code().stripIndent().indent(4).stripTrailing());
        out.println();
        out.println("Type these (Tab completes) or your own, or press Enter to run them.");
        out.flush();
    }

    /** An empty line: run the step's statements (what is already there is skipped), or a hint in "break it". */
    void enter() {
        if (step >= current.steps().size()) {
            hint();
            return;
        }
        Tutorial.Step s = current.steps().get(step);
        if (evaluator.evaluate(Tutorial.forRepl(s.code()), current.id())) {
            passed();
        } else {
            s.hints().forEach(h -> out.println("  hint: " + h));
        }
    }

    /** After a statement the user typed: the check, quietly; a step whose check holds is done. */
    void afterStatement() {
        if (step >= current.steps().size()) {
            if (current.breakIt() != null && holds(current.breakIt().check()) == null) {
                out.println("✓ fixed: " + current.title() + " works again");
                progress.fixed(current);
                current = null;
            }
            return;
        }
        Tutorial.Step s = current.steps().get(step);
        if (s.check().isEmpty()) {
            return; // nothing to ask the kernel: Enter runs what is left of the step
        }
        String failure = holds(s.check());
        if (failure == null) {
            passed();
        } else {
            out.println("  (step " + (step + 1) + " not done yet: " + failure + "; Enter runs it, :tutorial hint helps)");
        }
    }

    private void check(boolean verbose) {
        if (current == null) {
            out.println("no tutorial under way; " + USAGE);
            return;
        }
        String check = step < current.steps().size() ? current.steps().get(step).check() : current.breakIt().check();
        String failure = check.isEmpty() ? null : holds(check);
        if (failure == null) {
            if (step < current.steps().size()) {
                passed();
            } else {
                afterStatement();
            }
        } else if (verbose) {
            out.println("not yet: " + failure);
            hint();
        }
    }

    private void hint() {
        if (current == null) {
            out.println("no tutorial under way; " + USAGE);
            return;
        }
        List<String> hints = step < current.steps().size() ? current.steps().get(step).hints() : current.breakIt().hints();
        if (hintsGiven < hints.size()) {
            out.println("hint: " + hints.get(hintsGiven++));
        } else if (step < current.steps().size()) {
            out.println("hint: the step's own statements do it; Enter runs them:");
            out.println(current.steps().get(step).code().stripIndent().indent(4).stripTrailing());
        } else if (current.breakIt().fix() != null) {
            out.println("the fix: " + current.breakIt().fix());
        }
    }

    private void skip() {
        if (current == null) {
            out.println("no tutorial under way; " + USAGE);
        } else if (step < current.steps().size()) {
            out.println("(skipping a step can leave later ones without what they need; Enter runs it instead)");
            step++;
            next();
        } else {
            stop();
        }
    }

    private void stop() {
        if (current != null) {
            out.println("tutorial stopped at " + tag() + "; :tutorial " + current.id().replaceFirst("-.*", "") + " goes on from there");
        }
        current = null;
    }

    private void passed() {
        out.println("✓ step " + (step + 1) + " done");
        step++;
        progress.stepsDone(current, step);
        hintsGiven = 0;
        next();
    }

    private void next() {
        if (step < current.steps().size()) {
            show();
            return;
        }
        out.println();
        out.println("✓ " + current.title() + ": all " + current.steps().size() + " steps done");
        breakIt();
    }

    /** The exercise at the end: something breaks, the user finds it and fixes it. */
    private void breakIt() {
        Tutorial.BreakIt b = current.breakIt();
        if (b == null || !engine.session().live()) {
            current = null;
            return;
        }
        try {
            engine.run(b.breaking(), current.id() + " (break it)");
        } catch (DslException e) {
            out.println("error: could not break it: " + e.getMessage());
            current = null;
            return;
        }
        out.println();
        out.println("Break it: something was just broken.");
        b.prose().forEach(l -> out.println("  " + l));
        out.println("Find it (trace, show, expect), fix it; Enter or :tutorial hint for a hint, :tutorial stop to leave.");
        out.flush();
    }

    /** Null when the check holds, else what failed. */
    private String holds(String check) {
        try {
            engine.run(Tutorial.forRepl(check), current.id() + " (check)");
            return null;
        } catch (DslException e) {
            return e.getMessage();
        }
    }
}
