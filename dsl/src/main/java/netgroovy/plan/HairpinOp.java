package netgroovy.plan;

import netgroovy.value.IfName;

/**
 * A bridge port in hairpin mode ({@code ip link set dev X type bridge_slave hairpin on}), as
 * Docker sets its veths without the userland proxy: a frame may leave by the port it came
 * in, which is how a container reaches itself through its own published port (the DNAT
 * turns the frame round on the bridge).
 */
public final class HairpinOp implements Op {
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
        return k.links(where).hairpin(port) ? State.DONE : State.TODO;
    }

    public void apply(Kernel k) {
        k.links(where).setHairpin(port, true);
    }

    public void undo(Kernel k) {
        if (k.links(where).get(port).isPresent()) { // the port may have gone with its container already
            k.links(where).setHairpin(port, false);
        }
    }

    public java.util.List<String> onLinks() {
        return java.util.List.of(Ops.link(where, port));
    }

    public String subject() {
        return "hairpin mode of " + port + Ops.in(where);
    }
}
