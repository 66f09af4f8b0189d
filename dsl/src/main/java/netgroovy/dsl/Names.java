package netgroovy.dsl;

import netgroovy.plan.Where;
import netgroovy.value.IfName;

/** Turns what a user wrote (a name, a pid, a namespace reference) into values. */
final class Names {
    private Names() {
    }

    static IfName ifName(Object o) {
        if (o instanceof LinkSpec l) {
            return l.name();
        }
        if (o instanceof BridgeSpec b) {
            return b.name();
        }
        if (o == null) {
            throw new netgroovy.value.InvalidValueException("an interface name is missing");
        }
        return IfName.of(o.toString());
    }

    /** 'c1' names a namespace, a number is a pid, a {@link NsRef} is itself. */
    static Where where(Object o) {
        if (o instanceof NsRef ns) {
            return ns.where();
        }
        if (o instanceof Number n) {
            return Where.pid(n.longValue());
        }
        if (o instanceof CharSequence s && !s.isEmpty()) {
            String t = s.toString();
            if (t.equals("host")) {
                return Where.HOST;
            }
            return Where.named(t);
        }
        throw new netgroovy.value.InvalidValueException("'" + o + "' is not a namespace (give a name like 'c1' or a pid)");
    }
}
