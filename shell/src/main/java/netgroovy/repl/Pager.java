package netgroovy.repl;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;

/**
 * Prints long text a screen at a time, like more(1): on a terminal too small for it, it
 * stops before the screen scrolls away and waits for a key (space: the next screen, Enter:
 * one line more, q: enough). A dumb terminal or piped input gets the whole text at once.
 */
final class Pager {
    static final String MORE = "-- more: space next page, Enter next line, q stop --";

    private final Terminal terminal;
    private final PrintWriter out;

    Pager(Terminal terminal, PrintWriter out) {
        this.terminal = terminal;
        this.out = out;
    }

    void print(String text) {
        List<String> lines = text.lines().toList();
        int page = terminal.getHeight() - 1; // the last row holds the "more" line
        if (page < 2 || lines.size() <= page || Terminal.TYPE_DUMB.equals(terminal.getType())
                || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
            out.println(text);
            return;
        }
        int shown = 0;
        int until = page;
        while (shown < lines.size()) {
            for (; shown < Math.min(until, lines.size()); shown++) {
                out.println(lines.get(shown));
            }
            if (shown >= lines.size()) {
                break;
            }
            int key = ask();
            if (key == 'q' || key == 'Q' || key < 0 || key == 3) { // 3: Ctrl-C
                break;
            }
            until = shown + (key == '\r' || key == '\n' ? 1 : page);
        }
        out.flush();
    }

    /** Shows the "more" line, reads one key in raw mode, and wipes the line again. */
    private int ask() {
        out.print(MORE);
        out.flush();
        Attributes saved = terminal.enterRawMode();
        try {
            return terminal.reader().read();
        } catch (IOException e) {
            return -1;
        } finally {
            terminal.setAttributes(saved);
            out.print("\r" + " ".repeat(MORE.length()) + "\r");
            out.flush();
        }
    }
}
