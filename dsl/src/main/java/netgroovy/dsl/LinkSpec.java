package netgroovy.dsl;

import netgroovy.plan.LinkOps;
import netgroovy.plan.Where;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.Mac;

/**
 * {@code link 'A' master 'docker0' up}, {@code link 'B' into 'c1'},
 * {@code link 'B' rename 'eth0' mac '12:34:56:78:9a:bc' up}: changes to one link. Each word
 * returns the link as it is afterwards, so the chain goes on (after {@code rename}, under
 * its new name; after {@code into}, in its new namespace).
 */
public final class LinkSpec {
    private final Session session;
    // A link keeps its identity through the chain (and a block): after into or rename these follow it.
    private Where where;
    private IfName name;
    /** What this chain planned last: {@code up} right after {@code master} or {@code mac} joins its request. */
    private netgroovy.plan.Op last;

    LinkSpec(Session session, Where where, IfName name) {
        this.session = session;
        this.where = where;
        this.name = name;
    }

    public IfName name() {
        return name;
    }

    public LinkSpec master(Object bridge) {
        return plan(new LinkOps.SetMaster(where, name, Names.ifName(bridge)));
    }

    public LinkSpec getNomaster() {
        return plan(new LinkOps.SetNoMaster(where, name));
    }

    /** {@code link 'A' up}: a chain of odd length ends in a property, hence getUp(). */
    public LinkSpec getUp() {
        // `master 'br0' up` and `mac M up` are one request each, as `ip link set` sends them.
        netgroovy.plan.Op joined = last instanceof LinkOps.SetMaster m ? m.up() : last instanceof LinkOps.SetMac m ? m.up() : null;
        if (joined != null && session.replaceLast(last, joined)) {
            last = joined;
            return this;
        }
        return plan(new LinkOps.SetUp(where, name, true));
    }

    private LinkSpec plan(netgroovy.plan.Op op) {
        session.add(op);
        last = op;
        return this;
    }

    public LinkSpec getDown() {
        return plan(new LinkOps.SetUp(where, name, false));
    }

    public LinkSpec up() {
        return getUp();
    }

    public LinkSpec down() {
        return getDown();
    }

    /** Moves the link into a namespace (a name, a pid, or {@code netns(...)}); the chain continues there. */
    public LinkSpec into(Object namespace) {
        Where target = Names.where(namespace);
        plan(new LinkOps.MoveTo(where, name, target));
        where = target;
        return this;
    }

    public LinkSpec rename(String newName) {
        IfName n = IfName.of(newName);
        plan(new LinkOps.Rename(where, name, n));
        name = n;
        return this;
    }

    public LinkSpec mac(String mac) {
        return plan(new LinkOps.SetMac(where, name, Mac.parse(mac)));
    }

    public LinkSpec mtu(int mtu) {
        checkMtu(mtu);
        return plan(new LinkOps.SetMtu(where, name, mtu));
    }

    /** The MTUs an Ethernet-like link can take (IPv4's minimum to the largest the kernel allows). */
    static void checkMtu(int mtu) {
        if (mtu < 68 || mtu > 65535) {
            throw new InvalidValueException("MTU " + mtu + " is out of range (68-65535)");
        }
    }

    /** {@code link 'A' addr '10.0.0.1/24'}: an address on this link. */
    public LinkSpec addr(String cidr) {
        new AddrSpec(session, where, cidr).dev(name.name());
        return this;
    }

    public void delete() {
        session.add(new LinkOps.Delete(where, name));
        if (where.isHost()) {
            session.world().bridgeCidrs.remove(name.name()); // a bridge's address goes with it (a later run would find the record stale)
        }
    }

    public void getDelete() {
        delete();
    }

    @Override
    public String toString() {
        return name + (where.isHost() ? "" : " in " + where.label());
    }
}
