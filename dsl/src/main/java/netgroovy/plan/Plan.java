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

    /** Puts {@code replacement} in the place of {@code previous} if that is the last operation; says whether it was. */
    public boolean replaceLast(Op previous, Op replacement) {
        if (ops.isEmpty() || ops.get(ops.size() - 1) != previous) {
            return false;
        }
        ops.set(ops.size() - 1, replacement);
        return true;
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
