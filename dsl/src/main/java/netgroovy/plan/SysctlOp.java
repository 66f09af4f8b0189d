package netgroovy.plan;

import netgroovy.kernel.Sysctl;

/** {@code sysctl -w KEY=VALUE} in a namespace; undo puts the old value back. */
public final class SysctlOp implements Op {
    private final Where where;
    private final String key;
    private final String value;
    private String before;

    public SysctlOp(Where where, String key, String value) {
        this.where = where;
        this.key = key;
        this.value = value;
    }

    public String command() {
        return where.exec() + "sysctl -w " + key + "=" + value;
    }

    public State check(Kernel k) {
        return value.equals(Sysctl.read(k.nsOrNull(where), key)) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        before = Sysctl.read(k.nsOrNull(where), key);
        Sysctl.write(k.nsOrNull(where), key, value);
    }

    public void undo(Kernel k) {
        if (before != null) {
            Sysctl.write(k.nsOrNull(where), key, before);
        }
    }

    public String subject() {
        return "sysctl " + key + Ops.in(where);
    }
}
