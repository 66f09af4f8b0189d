package netgroovy.plan;

/**
 * Docker's {@code iptables -P FORWARD DROP}: when dockerd turns IPv4 forwarding on (it was
 * off), it also makes the FORWARD chain drop what no rule accepts, so that turning the host
 * into a router does not open every container to whoever has a route to it. Like Docker, it
 * does nothing when forwarding was already on (someone else runs this host as a router).
 * It must run before the sysctl that turns forwarding on.
 */
public final class ForwardPolicyOp implements Op {
    private final Where where;
    private String before;

    public ForwardPolicyOp(Where where) {
        this.where = where;
    }

    public String command() {
        return where.exec() + "iptables -P FORWARD DROP   # as Docker does when it turns ip_forward on";
    }

    // The policy is read from the namespace's rules as the firewall's other ops read them (one
    // iptables-save, shared), and set in a batch of its own: no iptables process of its own.
    public State check(Kernel k) {
        return "1".equals(k.sysctl(where, "net.ipv4.ip_forward")) || "DROP".equals(policy(k)) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        if ("1".equals(k.sysctl(where, "net.ipv4.ip_forward"))) {
            return;
        }
        before = policy(k);
        set(k, "DROP");
    }

    public void undo(Kernel k) {
        if (before != null) {
            set(k, before);
        }
    }

    private String policy(Kernel k) {
        return k.rules(where).fresh().policy("filter", "FORWARD");
    }

    private void set(Kernel k, String policy) {
        k.rules(where).fresh().write(java.util.Map.of("filter", java.util.List.of("-P FORWARD " + policy)));
    }

    public String subject() {
        return "the FORWARD policy" + Ops.in(where);
    }
}
