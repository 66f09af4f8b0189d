package netgroovy.dsl;

import netgroovy.plan.AddressOps;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;

/** {@code addr '172.17.42.99/16' dev 'eth0'}: an address, and the link it goes on. */
public final class AddrSpec {
    private final Session session;
    private final Where where;
    private final Cidr cidr;

    AddrSpec(Session session, Where where, String cidr) {
        this.session = session;
        this.where = where;
        this.cidr = Cidr.parse(cidr);
    }

    public AddrSpec dev(String dev) {
        session.add(new AddressOps.Add(where, IfName.of(dev), cidr, false));
        return this;
    }

    @Override
    public String toString() {
        return cidr.toString();
    }
}
