package netgroovy.docker;

import netgroovy.kernel.Namespaces;
import netgroovy.plan.Kernel;
import netgroovy.plan.Op;

/**
 * A container's own UTS namespace, so that its hostname is its own: what a process inside
 * sets with {@code hostname} stays inside, as in Docker.
 */
public final class UtsOps {
    private UtsOps() {
    }

    /** {@code unshare --uts=/run/netgroovy/uts/NAME hostname HOSTNAME}. */
    public record Create(String name, String hostname) implements Op {
        public String command() {
            return "unshare --uts=" + Namespaces.UTS_DIR.resolve(name) + " hostname " + hostname;
        }

        public State check(Kernel k) {
            return k.namespaces().hasUts(name) ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            k.namespaces().createUts(name, hostname);
        }

        public void undo(Kernel k) {
            k.namespaces().deleteUts(name);
        }

        public java.util.List<String> leftovers() {
            return java.util.List.of("uts " + name);
        }

        public String subject() {
            return "the hostname of " + name;
        }
    }

    /** {@code umount /run/netgroovy/uts/NAME; rm it}: the container's UTS namespace goes. */
    public record Delete(String name, String hostname) implements Op {
        public boolean isRemoval() {
            return true;
        }

        public String command() {
            return "umount " + Namespaces.UTS_DIR.resolve(name) + " && rm " + Namespaces.UTS_DIR.resolve(name);
        }

        public State check(Kernel k) {
            return !k.namespaces().hasUts(name) ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            k.namespaces().deleteUts(name);
        }

        public void undo(Kernel k) {
            k.namespaces().createUts(name, hostname);
        }

        public String subject() {
            return "the hostname of " + name;
        }
    }
}
