package netgroovy.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The operations one statement (or one {@code apply} block) compiles to, in order. */
public final class Plan {
    private final List<Op> ops = new ArrayList<>();

    public Plan add(Op op) {
        ops.add(op);
        return this;
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    public void clear() {
        ops.clear();
    }

    /** The plan as the shell commands that would do the same, one a line. */
    public List<String> commands() {
        return ops.stream().map(Op::command).toList();
    }
}
