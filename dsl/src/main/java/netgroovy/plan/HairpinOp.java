package netgroovy.plan;

import java.time.Duration;
import java.util.List;
import netgroovy.kernel.Exec;
import netgroovy.kernel.ExecResult;
import netgroovy.value.IfName;

/**
 * A bridge port in hairpin mode ({@code ip link set dev X type bridge_slave hairpin on}), as
 * Docker sets its veths without the userland proxy: a frame may leave by the port it came
 * in, which is how a container reaches itself through its own published port (the DNAT
 * turns the frame round on the bridge).
 */
public final class HairpinOp implements Op {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Where where;
    private final IfName port;

    public HairpinOp(Where where, IfName port) {
        this.where = where;
        this.port = port;
    }

    public String command() {
        return where.ip() + "link set dev " + port + " type bridge_slave hairpin on";
    }

    public State check(Kernel k) {
        ExecResult r = Exec.run(k.nsOrNull(where), List.of("ip", "-d", "link", "show", "dev", port.name()), TIMEOUT);
        return r.ok() && r.stdout().contains("hairpin on") ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        set(k, "on");
    }

    public void undo(Kernel k) {
        ExecResult r = Exec.run(k.nsOrNull(where), List.of("ip", "link", "show", "dev", port.name()), TIMEOUT);
        if (r.ok()) { // the port may have gone with its container already
            set(k, "off");
        }
    }

    private void set(Kernel k, String on) {
        ExecResult r = Exec.run(k.nsOrNull(where), List.of("ip", "link", "set", "dev", port.name(), "type", "bridge_slave", "hairpin", on),
                TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("ip link set dev " + port + " type bridge_slave hairpin " + on + " failed: " + r.stderr().strip());
        }
    }

    public String subject() {
        return "hairpin mode of " + port + Ops.in(where);
    }
}
