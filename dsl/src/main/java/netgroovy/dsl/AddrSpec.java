package netgroovy.dsl;

import netgroovy.plan.AddressOps;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;

/**
 * {@code addr '172.17.42.99/16' dev 'eth0'}: an address, and the link it goes on. Planned at
 * {@code addr}, built when the statement ends: without {@code dev} it is an error, not nothing.
 * {@code delete addr('172.17.42.99/16') dev 'eth0'} takes it away instead.
 */
public final class AddrSpec {
    private final Cidr cidr;
    private IfName dev;
    private boolean delete;

    AddrSpec(Session session, Where where, String cidr) {
        this.cidr = Cidr.parse(cidr);
        session.add(new Later(() -> {
            if (dev == null) {
                throw new InvalidValueException("addr " + cidr + " needs the link it goes on: addr '" + cidr + "' dev 'eth0'"
                        + " (or link 'eth0' addr '" + cidr + "')");
            }
            return delete ? new AddressOps.Delete(where, dev, this.cidr) : new AddressOps.Add(where, dev, this.cidr, false);
        }));
    }

    /** {@code delete addr(...)}: the statement removes the address instead of adding it. */
    AddrSpec removing() {
        this.delete = true;
        return this;
    }

    public AddrSpec dev(String dev) {
        this.dev = IfName.of(dev);
        return this;
    }

    @Override
    public String toString() {
        return cidr.toString();
    }
}
