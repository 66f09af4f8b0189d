package netgroovy.plan;

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
        return value.equals(k.sysctl(where, key)) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        before = k.sysctl(where, key);
        k.setSysctl(where, key, value);
    }

    public void undo(Kernel k) {
        if (before != null) {
            k.setSysctl(where, key, before);
        }
    }

    public String subject() {
        return "sysctl " + key + Ops.in(where);
    }
}
