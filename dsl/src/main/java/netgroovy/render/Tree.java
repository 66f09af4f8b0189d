package netgroovy.render;

import java.util.ArrayList;
import java.util.List;

/**
 * A tree printed the way {@code tree(1)} prints one: each child under its parent, {@code ├─}
 * before all but the last, {@code └─} before the last, and {@code │} carrying a parent's line
 * past its children.
 */
final class Tree {
    private final String label;
    private final List<Tree> children = new ArrayList<>();

    Tree(String label) {
        this.label = label;
    }

    Tree add(String child) {
        Tree t = new Tree(child);
        children.add(t);
        return t;
    }

    boolean isEmpty() {
        return children.isEmpty();
    }

    String render() {
        StringBuilder b = new StringBuilder(label).append('\n');
        renderChildren(b, "");
        return b.toString();
    }

    private void renderChildren(StringBuilder b, String indent) {
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            Tree c = children.get(i);
            b.append(indent).append(last ? "└─ " : "├─ ").append(c.label).append('\n');
            c.renderChildren(b, indent + (last ? "   " : "│  "));
        }
    }
}
