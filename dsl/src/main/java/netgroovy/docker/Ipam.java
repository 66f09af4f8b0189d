package netgroovy.docker;

import java.util.TreeSet;
import netgroovy.value.Cidr;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;

/**
 * Address management for one network: hands out addresses from the pool (Docker's
 * --fixed-cidr, or the whole subnet), never the network address, the gateway or the
 * broadcast address, never one twice; takes them back when a container goes.
 */
public final class Ipam {
    private final Cidr subnet;
    private final Cidr pool;
    private final IpAddress gateway;
    private final TreeSet<IpAddress> taken = new TreeSet<>();
    /**
     * How far into the pool every address is known taken or reserved: the next search starts
     * there, not at the pool's first address (searching from there made the thousandth
     * container's address cost a thousand look-ups). A released address below it starts the
     * search from the first again.
     */
    private long searched;

    public Ipam(Cidr subnet, Cidr pool, IpAddress gateway) {
        this.subnet = subnet.network();
        this.pool = pool == null ? this.subnet : pool.network();
        this.gateway = gateway;
        if (!this.subnet.contains(this.pool)) {
            throw new InvalidValueException("the pool " + pool + " is not inside the subnet " + this.subnet);
        }
        if (!this.subnet.contains(gateway)) {
            throw new InvalidValueException("the gateway " + gateway + " is not inside the subnet " + this.subnet);
        }
    }

    public Cidr subnet() {
        return subnet;
    }

    public IpAddress gateway() {
        return gateway;
    }

    /** Where addresses are handed out from: --fixed-cidr, or the whole subnet. */
    public Cidr pool() {
        return pool;
    }

    /** The addresses in use, lowest first. */
    public java.util.List<IpAddress> taken() {
        return java.util.List.copyOf(taken);
    }

    /** Marks an address as in use without the checks of {@link #allocate(IpAddress)} (loading a saved world). */
    public void restore(IpAddress a) {
        taken.add(a);
    }

    /** The lowest free address of the pool. */
    public IpAddress allocate() {
        long size = pool.size();
        IpAddress first = pool.address();
        for (long i = searched; i < size && i < 1 << 20; i++) {
            IpAddress a = first.plus(i);
            if (usable(a) && !taken.contains(a)) {
                taken.add(a);
                searched = i + 1;
                return a;
            }
        }
        throw new InvalidValueException("no free address left in " + pool + " (" + taken.size() + " in use)");
    }

    /** A requested address: inside the subnet, not reserved, not taken. */
    public IpAddress allocate(IpAddress wanted) {
        if (!subnet.contains(wanted)) {
            throw new InvalidValueException(wanted + " is outside the network's subnet " + subnet);
        }
        if (!usable(wanted)) {
            throw new InvalidValueException(wanted + " is reserved in " + subnet + " (network, gateway or broadcast address)");
        }
        if (!taken.add(wanted)) {
            throw new InvalidValueException(wanted + " is already in use in " + subnet);
        }
        return wanted;
    }

    public void release(IpAddress a) {
        if (taken.remove(a) && a.compareTo(pool.address().plus(searched)) < 0) {
            searched = 0;
        }
    }

    private boolean usable(IpAddress a) {
        if (a.equals(subnet.address()) || a.equals(gateway)) {
            return false;
        }
        // The broadcast address of an IPv4 subnet is all ones in the host part.
        return !(a.isV4() && a.equals(subnet.address().plus(subnet.size() - 1)) && subnet.prefix() < 31);
    }
}
