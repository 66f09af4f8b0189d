package netgroovy.plan;

import java.time.Duration;
import java.util.List;
import netgroovy.kernel.Exec;
import netgroovy.kernel.ExecResult;
import netgroovy.kernel.Sysctl;

/**
 * Docker's {@code iptables -P FORWARD DROP}: when dockerd turns IPv4 forwarding on (it was
 * off), it also makes the FORWARD chain drop what no rule accepts, so that turning the host
 * into a router does not open every container to whoever has a route to it. Like Docker, it
 * does nothing when forwarding was already on (someone else runs this host as a router).
 * It must run before the sysctl that turns forwarding on.
 */
public final class ForwardPolicyOp implements Op {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Where where;
    private String before;

    public ForwardPolicyOp(Where where) {
        this.where = where;
    }

    public String command() {
        return where.exec() + "iptables -P FORWARD DROP   # as Docker does when it turns ip_forward on";
    }

    public State check(Kernel k) {
        return "1".equals(Sysctl.read(k.nsOrNull(where), "net.ipv4.ip_forward")) || "DROP".equals(policy(k)) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        if ("1".equals(Sysctl.read(k.nsOrNull(where), "net.ipv4.ip_forward"))) {
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
        ExecResult r = Exec.run(k.nsOrNull(where), List.of("iptables", "-S", "FORWARD"), TIMEOUT);
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("-P FORWARD ")) {
                return line.substring("-P FORWARD ".length()).trim();
            }
        }
        return "ACCEPT";
    }

    private void set(Kernel k, String policy) {
        ExecResult r = Exec.run(k.nsOrNull(where), List.of("iptables", "-P", "FORWARD", policy), TIMEOUT);
        if (!r.ok()) {
            throw new netgroovy.firewall.FirewallException("iptables -P FORWARD " + policy + " failed: " + r.stderr().strip());
        }
    }

    public String subject() {
        return "the FORWARD policy" + Ops.in(where);
    }
}
