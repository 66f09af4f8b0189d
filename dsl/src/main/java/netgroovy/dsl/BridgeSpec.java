package netgroovy.dsl;

import netgroovy.plan.AddressOps;
import netgroovy.plan.LinkOps;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.Mac;

/**
 * {@code bridge 'bridge0' cidr '192.168.5.1/24' mtu 1400 stp off}: a bridge, created and up,
 * continued by the words that set it up further.
 */
public final class BridgeSpec {
    private final Session session;
    private final Where where;
    private final IfName name;

    BridgeSpec(Session session, Where where, IfName name) {
        this.session = session;
        this.where = where;
        this.name = name;
        session.add(new LinkOps.CreateBridge(where, name));
        session.add(new LinkOps.SetUp(where, name, true));
    }

    public IfName name() {
        return name;
    }

    /** The bridge's own address, which is also its subnet (the containers' gateway). */
    public BridgeSpec cidr(String cidr) {
        Cidr c = Cidr.parse(cidr);
        if (c.isHostRoute()) {
            throw new InvalidValueException("bridge " + name + " needs an address with its subnet, like 192.168.5.1/24, not " + cidr);
        }
        if (c.isNetwork()) {
            throw new InvalidValueException(cidr + " is the network itself; give the bridge an address in it, like "
                    + c.address().plus(1) + "/" + c.prefix());
        }
        session.add(new AddressOps.Add(where, name, c, true));
        if (where.isHost() && c.isV4()) {
            session.rememberCidr(name.name(), c.toString());
        }
        return this;
    }

    public BridgeSpec mtu(int mtu) {
        LinkSpec.checkMtu(mtu);
        session.add(new LinkOps.SetMtu(where, name, mtu));
        return this;
    }

    /** {@code stp on} / {@code stp off} (also true/false). */
    public BridgeSpec stp(boolean on) {
        session.add(new LinkOps.SetStp(where, name, on));
        return this;
    }

    /** {@code bridge 'b0' up}, as {@code link 'A' up} (a new bridge is up already; this brings up one that was downed). */
    public BridgeSpec getUp() {
        session.add(new LinkOps.SetUp(where, name, true));
        return this;
    }

    public BridgeSpec getDown() {
        session.add(new LinkOps.SetUp(where, name, false));
        return this;
    }

    public BridgeSpec up() {
        return getUp();
    }

    public BridgeSpec down() {
        return getDown();
    }

    public BridgeSpec mac(String mac) {
        session.add(new LinkOps.SetMac(where, name, Mac.parse(mac)));
        return this;
    }

    @Override
    public String toString() {
        return "bridge " + name;
    }
}
