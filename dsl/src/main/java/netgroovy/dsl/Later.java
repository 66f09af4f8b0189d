package netgroovy.dsl;

import java.util.function.Supplier;
import netgroovy.plan.Kernel;
import netgroovy.plan.Op;

/**
 * An operation whose details the rest of the statement may still change: in
 * {@code route 'default' via '10.0.0.1' dev 'eth0'} the route is planned at {@code route}
 * but only complete after {@code dev}. It is built when the statement ends.
 */
final class Later implements Op {
    private final Supplier<Op> make;
    private Op op;

    Later(Supplier<Op> make) {
        this.make = make;
    }

    /** The operation this stands for (made now if it was not yet). */
    Op op() {
        if (op == null) {
            op = make.get();
        }
        return op;
    }

    public String command() {
        return op().command();
    }

    public State check(Kernel k) {
        return op().check(k);
    }

    public void apply(Kernel k) {
        op().apply(k);
    }

    public void lookups(java.util.function.BiConsumer<netgroovy.plan.Where, netgroovy.value.IfName> link) {
        op().lookups(link);
    }

    public boolean checkedByKernel() {
        return op().checkedByKernel();
    }

    public void undo(Kernel k) {
        op().undo(k);
    }

    public String subject() {
        return op().subject();
    }

    public java.util.List<String> leftovers() {
        return op().leftovers();
    }

    public boolean isRemoval() {
        return op().isRemoval();
    }

    public String takesAlong() {
        return op().takesAlong();
    }

    public boolean gone(Kernel k) {
        return op().gone(k);
    }

    public java.util.List<String> diesWith() {
        return op().diesWith();
    }
}
