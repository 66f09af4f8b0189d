package netgroovy.plan;

import netgroovy.kernel.KernelException;

/** Helpers shared by the operations. */
final class Ops {
    private static final int ENOENT = 2, ESRCH = 3, ENODEV = 19, EADDRNOTAVAIL = 99;

    private Ops() {
    }

    /** True when an undo failed only because its object is already gone. */
    static boolean isGone(RuntimeException e) {
        if (e instanceof KernelException k) {
            int n = k.errno();
            if (n == ENOENT || n == ESRCH || n == ENODEV || n == EADDRNOTAVAIL) {
                return true;
            }
        }
        String m = e.getMessage();
        return m != null && m.contains("does not exist");
    }

    /** The named namespace {@code w} is, whose deletion takes what was made in it along; none otherwise. */
    static java.util.List<String> diesWith(Where w) {
        return w != null && w.kind() == Where.Kind.NAMED ? java.util.List.of(w.name()) : java.util.List.of();
    }

    /** " in c1" for subjects in a namespace, nothing on the host. */
    static String in(Where w) {
        return w.isHost() ? "" : " in " + w.label();
    }

    /** A link as {@link Op#links} names it: "host/veth0", "c1/eth0". */
    static String link(Where where, netgroovy.value.IfName name) {
        return (where == null ? Where.HOST : where).label() + "/" + name.name();
    }
}
