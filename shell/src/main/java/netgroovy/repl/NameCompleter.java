package netgroovy.repl;

import groovy.lang.Closure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import netgroovy.dsl.Chain;
import netgroovy.dsl.Engine;
import netgroovy.dsl.NetgroovyScript;
import netgroovy.dsl.Recipes;
import netgroovy.dsl.Words;
import netgroovy.kernel.Link;
import netgroovy.kernel.Namespaces;
import netgroovy.plan.Where;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion that knows the grammar ({@link Grammar}): at a statement's start the DSL's
 * words and the words recipes added; after {@code link 'A' } the link's words
 * ({@code master}, {@code up}, {@code into} ...); as an argument the names that fit it,
 * read at the moment Tab is pressed (namespaces after {@code netns(}, links after
 * {@code master}, views after {@code show}, recipes after {@code use}). Inside quotes only
 * names make sense; outside them names come quoted. The :commands complete their arguments
 * ({@code :load} offers only .netgroovy files).
 */
final class NameCompleter implements Completer {
    /** Words whose argument is a namespace (or a container, whose name is its namespace's). */
    private static final Set<String> NAMESPACE_ARGS = Set.of("netns", "into", "peerIn", "in", "from", "expect", "serve",
            "pingall", "inspect", "rm", "port", "publish", "publishAll", "unpublish", "expose", "allowLink");
    /** Words whose argument is a link. */
    private static final Set<String> LINK_ARGS = Set.of("link", "master", "dev", "on", "cidrOf", "firewall", "masquerade", "capture");

    private final Engine engine;
    private final Completer files = new Completers.FileNameCompleter() {
        @Override
        protected boolean accept(Path path) {
            // Folders to walk into, and the files :load runs.
            return super.accept(path) && (Files.isDirectory(path) || path.getFileName().toString().endsWith(".netgroovy"));
        }
    };

    NameCompleter(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        try {
            String first = line.words().isEmpty() ? "" : line.words().get(0);
            if (line.wordIndex() == 0 && line.word().startsWith(":")) {
                Commands.NAMES.forEach(c -> candidates.add(new Candidate(c)));
            } else if (first.startsWith(":")) {
                command(first, reader, line, candidates);
            } else {
                String before = line.line().substring(0, line.cursor() - line.wordCursor());
                boolean quoted = inQuotes(line);
                Grammar.Place place = Grammar.at(before);
                if (place instanceof Grammar.Word w) {
                    words(w.type(), candidates);
                } else if (place instanceof Grammar.Argument a) {
                    argument(a.word(), a.namespace(), quoted, candidates);
                } else {
                    argument(null, null, quoted, candidates); // anything may come
                }
            }
        } catch (RuntimeException e) {
            // Completion must never break the line being edited; it is a convenience.
        }
    }

    /** The words that may come: the DSL's and the recipes' at a statement's start, else the chain's. */
    private void words(Class<?> type, List<Candidate> candidates) {
        if (type == null) {
            return; // the chain ended (sh 'ls' gives a result, not a chain)
        }
        if (type == NetgroovyScript.class) {
            Words.all().forEach(w -> candidates.add(new Candidate(w, w, "words", null, null, null, true)));
            recipeWords().forEach(w -> candidates.add(new Candidate(w, w, "recipe words", null, null, null, true)));
        } else {
            Chain.wordsOf(type).forEach(w -> candidates.add(new Candidate(w, w, Chain.spoken(type) + " words", null, null, null, true)));
        }
    }

    /** What an argument of {@code word} can be (null: an argument of something the grammar does not follow). */
    private void argument(String word, String namespace, boolean quoted, List<Candidate> candidates) {
        if ("show".equals(word) && !quoted) {
            Help.views().forEach(v -> candidates.add(new Candidate(v, v, "views", null, null, null, true)));
        } else if ("use".equals(word)) {
            names(Recipes.names(), quoted, candidates);
        } else if ("stp".equals(word) && !quoted) {
            List.of("on", "off").forEach(v -> candidates.add(new Candidate(v)));
        } else if (word != null && (NAMESPACE_ARGS.contains(word) || LINK_ARGS.contains(word))) {
            names(names(word, namespace), quoted, candidates);
        } else {
            // any expression may be an argument: words and names alike
            if (!quoted) {
                words(NetgroovyScript.class, candidates);
            }
            names(names(null, namespace), quoted, candidates);
        }
    }

    private static void names(List<String> names, boolean quoted, List<Candidate> candidates) {
        names.forEach(n -> candidates.add(new Candidate(quoted ? n : "'" + n + "'", n, "names", null, null, null, true)));
    }

    /** The words recipes made ({@code use 'attach'} makes {@code attach}): closures in the session's binding. */
    private List<String> recipeWords() {
        List<String> words = new ArrayList<>();
        engine.binding().getVariables().forEach((k, v) -> {
            if (v instanceof Closure<?> && k instanceof String name && !name.startsWith("__")) {
                words.add(name);
            }
        });
        return words;
    }

    /** The argument of a :command: words for :help, on/off for :dry-run, files for :load. */
    private void command(String command, LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() != 1) {
            return;
        }
        switch (command) {
            case ":help", ":h" -> {
                Help.WORDS.keySet().forEach(w -> candidates.add(new Candidate(w)));
                Help.recipeWords().keySet().forEach(w -> candidates.add(new Candidate(w)));
            }
            case ":dry-run" -> List.of("on", "off").forEach(w -> candidates.add(new Candidate(w)));
            case ":load" -> files.complete(reader, line, candidates);
            case ":tutorial", ":t" -> {
                List.of("check", "hint", "skip", "stop").forEach(w -> candidates.add(new Candidate(w)));
                Tutorial.all(TutorialMode.defaultFolder()).forEach(t -> candidates.add(new Candidate(t.id().replaceFirst("-.*", ""),
                        t.id().replaceFirst("-.*", ""), null, t.title(), null, null, true)));
            }
            default -> {
            }
        }
    }

    /** Whether the word under the cursor is inside an open quote ({@code link 'br|}). */
    private static boolean inQuotes(ParsedLine line) {
        String before = line.line().substring(0, line.cursor());
        String open = ReplParser.unfinished(before);
        return "'".equals(open) || "\"".equals(open);
    }

    /**
     * Names that exist now, those {@code word} takes: namespaces, links (those in
     * {@code namespace}, inside its block; else the host's), or (null) both; nothing live in a dry run.
     */
    private List<String> names(String word, String namespace) {
        List<String> names = new ArrayList<>();
        if (!engine.session().live()) {
            return names;
        }
        try {
            if (word == null || NAMESPACE_ARGS.contains(word)) {
                names.addAll(Namespaces.list());
            }
            if (word == null || LINK_ARGS.contains(word)) {
                Where here = namespace != null && Namespaces.exists(namespace) ? Where.named(namespace) : Where.HOST;
                for (Link l : engine.session().kernel().links(here).list()) {
                    names.add(l.name());
                }
            }
        } catch (RuntimeException e) {
            // no kernel access (no privileges, a namespace vanishing meanwhile): words still complete
        } finally {
            engine.session().release(); // a handle kept on a namespace would keep it alive
        }
        return names;
    }
}
