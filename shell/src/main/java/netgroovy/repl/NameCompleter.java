package netgroovy.repl;

import java.util.ArrayList;
import java.util.List;
import netgroovy.dsl.Engine;
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
 * Tab completion: the DSL's words, the REPL's :commands, and the names that exist right now
 * (namespaces, the host's links, recipes), read at the moment Tab is pressed. Inside quotes
 * ({@code link 'br}) only names make sense; outside them words do, and names come quoted.
 */
final class NameCompleter implements Completer {
    private final Engine engine;
    private final Completer files = new Completers.FileNameCompleter();

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
            } else if (inQuotes(line)) {
                names(line).forEach(n -> candidates.add(new Candidate(n, n, "names", null, null, null, true)));
            } else {
                Words.all().forEach(w -> candidates.add(new Candidate(w, w, "words", null, null, null, true)));
                names(line).forEach(n -> candidates.add(new Candidate("'" + n + "'", n, "names", null, null, null, true)));
            }
        } catch (RuntimeException e) {
            // Completion must never break the line being edited; it is a convenience.
        }
    }

    /** The argument of a :command: words for :help, on/off for :dry-run, files for :load. */
    private void command(String command, LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() != 1) {
            return;
        }
        switch (command) {
            case ":help", ":h" -> Help.WORDS.keySet().forEach(w -> candidates.add(new Candidate(w)));
            case ":dry-run" -> List.of("on", "off").forEach(w -> candidates.add(new Candidate(w)));
            case ":load" -> files.complete(reader, line, candidates);
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

    /** Names that exist now; after {@code use} the recipes; nothing live in a dry run. */
    private List<String> names(ParsedLine line) {
        List<String> names = new ArrayList<>();
        if (line.wordIndex() > 0 && line.words().get(line.wordIndex() - 1).equals("use")) {
            names.addAll(Recipes.names());
        }
        if (engine.session().live()) {
            try {
                names.addAll(Namespaces.list());
                for (Link l : engine.session().kernel().rtnl(Where.HOST).links().list()) {
                    names.add(l.name());
                }
            } catch (RuntimeException e) {
                // no kernel access (no privileges, a namespace vanishing meanwhile): words still complete
            }
        }
        return names;
    }
}
