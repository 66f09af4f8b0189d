package netgroovy.plan;

/** Operations on named network namespaces. */
public final class NamespaceOps {
    private NamespaceOps() {
    }

    /**
     * {@code ip netns add NAME}; with {@code ipv6} false, IPv6 switched off in it first thing
     * (see {@link Kernel.Namespaces#create}), as Docker makes a container's namespace.
     */
    public record Create(String name, boolean ipv6) implements Op {
        public Create(String name) {
            this(name, true);
        }

        public String command() {
            return "ip netns add " + name
                    + (ipv6 ? "" : "\nip netns exec " + name + " sysctl -w net.ipv6.conf.all.disable_ipv6=1");
        }

        public State check(Kernel k) {
            return k.namespaces().exists(name) ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            k.namespaces().create(name, ipv6);
        }

        public void undo(Kernel k) {
            k.forget(Where.named(name));
            k.namespaces().delete(name);
        }

        public java.util.List<String> leftovers() {
            return java.util.List.of("netns " + name);
        }

        public String takesAlong() {
            return name;
        }

        public String subject() {
            return "namespace " + name;
        }
    }

    /** {@code ip netns delete NAME}: the namespace goes, and its veths with it. */
    public record Delete(String name) implements Op {
        public boolean isRemoval() {
            return true;
        }

        public String command() {
            return "ip netns delete " + name;
        }

        public State check(Kernel k) {
            return k.namespaces().exists(name) ? State.TODO : State.DONE;
        }

        public void apply(Kernel k) {
            k.forget(Where.named(name));
            k.namespaces().delete(name);
        }

        public void undo(Kernel k) {
            // What lived inside is gone with the namespace; an empty one is all that can come back.
            k.namespaces().create(name, true);
        }

        public String subject() {
            return "namespace " + name;
        }
    }
}
