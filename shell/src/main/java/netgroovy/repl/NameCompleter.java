package netgroovy.repl;

import java.util.List;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Words;
import netgroovy.kernel.Link;
import netgroovy.kernel.Namespaces;
import netgroovy.plan.Where;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion: the DSL's words, the REPL's :commands, and the names that exist right now
 * (namespaces, the host's links), read at the moment Tab is pressed.
 */
final class NameCompleter implements Completer {
    private final Engine engine;

    NameCompleter(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() == 0 && line.word().startsWith(":")) {
            Commands.NAMES.forEach(c -> candidates.add(new Candidate(c)));
            return;
        }
        if (line.wordIndex() > 0 && line.words().get(0).equals(":help")) {
            Help.WORDS.keySet().forEach(w -> candidates.add(new Candidate(w)));
            return;
        }
        Words.all().forEach(w -> candidates.add(new Candidate(w, w, "words", null, null, null, true)));
        try {
            if (engine.session().live()) {
                for (String ns : Namespaces.list()) {
                    candidates.add(new Candidate(ns, ns, "namespaces", null, null, null, true));
                }
                for (Link l : engine.session().kernel().rtnl(Where.HOST).links().list()) {
                    candidates.add(new Candidate(l.name(), l.name(), "links", null, null, null, true));
                }
            }
        } catch (RuntimeException e) {
            // Completion must never break the line being edited; live names are a bonus.
        }
    }
}
