package netgroovy.dsl;

import netgroovy.plan.RouteOps;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;

/**
 * {@code route 'default' via '172.17.42.1'}, {@code route '10.1.1.2/32' dev 'A'},
 * {@code route '2001:db8::/64' via 'fe80::1' dev 'eth0'}. Planned at {@code route}, completed
 * by the words after it, built when the statement ends.
 */
public final class RouteSpec {
    private final Cidr destination;
    private final boolean v6Default;
    private IpAddress via;
    private IfName dev;
    private boolean delete;

    RouteSpec(Session session, Where where, String destination, boolean delete) {
        this.delete = delete;
        String d = destination == null ? "" : destination.trim();
        this.v6Default = d.equals("default6") || d.equals("::/0");
        this.destination = d.equals("default") || v6Default ? null : Cidr.parse(d);
        session.add(new Later(() -> {
            if (via == null && dev == null) {
                throw new InvalidValueException("route " + d + " needs a gateway (via ADDRESS) or a device (dev NAME)");
            }
            if (this.destination != null && !this.destination.isNetwork() && !this.destination.isHostRoute()) {
                throw new InvalidValueException("route destination " + d + " has host bits set; did you mean "
                        + this.destination.network() + "?");
            }
            return this.delete ? new RouteOps.Delete(where, this.destination, via, dev)
                    : new RouteOps.Add(where, this.destination, via, dev);
        }));
    }

    /** {@code delete route(...)}: the statement removes the route instead of adding it (as {@code unroute}). */
    RouteSpec removing() {
        this.delete = true;
        return this;
    }

    public RouteSpec via(String gateway) {
        IpAddress g = IpAddress.parse(gateway);
        if (destination != null && destination.family() != g.family()) {
            throw new InvalidValueException("route " + destination + " via " + gateway + ": the gateway is not of the same IP version");
        }
        this.via = g;
        return this;
    }

    public RouteSpec dev(String name) {
        this.dev = IfName.of(name);
        return this;
    }

    @Override
    public String toString() {
        return "route " + (destination == null ? "default" : destination.toString());
    }
}
