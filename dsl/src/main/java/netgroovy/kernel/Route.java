package netgroovy.kernel;

import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;

/**
 * A route. {@code destination} null means the default route; {@code gateway} null means the
 * destination is on the link itself ({@code dev X scope link}).
 *
 * @param protocol who made it: "kernel", "boot", "static" ... as {@code ip route} prints it
 * @param source   preferred source address (RTA_PREFSRC), as {@code ip route get} shows it
 */
public record Route(Cidr destination, IpAddress gateway, String device, int deviceIndex,
                    String scope, String protocol, int table, String type, IpAddress source, int metric) {

    /** The same route through the link named {@code name}. */
    Route via(String name) {
        return new Route(destination, gateway, name, deviceIndex, scope, protocol, table, type, source, metric);
    }

    /** The route as {@code ip route} prints it, e.g. "default via 172.17.42.1 dev eth0". */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (!"unicast".equals(type)) {
            b.append(type).append(' ');
        }
        b.append(destination == null ? "default" : destination.isHostRoute() ? destination.address().toString() : destination.toString());
        if (gateway != null) {
            b.append(" via ").append(gateway);
        }
        if (device != null) {
            b.append(" dev ").append(device);
        }
        if (!"boot".equals(protocol)) {
            b.append(" proto ").append(protocol);
        }
        if (!"global".equals(scope)) {
            b.append(" scope ").append(scope);
        }
        if (source != null) {
            b.append(" src ").append(source);
        }
        if (metric != 0) {
            b.append(" metric ").append(metric);
        }
        return b.toString();
    }
}
