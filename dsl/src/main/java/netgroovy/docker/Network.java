package netgroovy.docker;

/**
 * A Docker network as netgroovy keeps it: a name ("bridge" for docker0), its bridge and its
 * addresses. On a user-defined network members find each other by name; on the default
 * bridge only links do that.
 */
public record Network(String name, String bridge, Ipam ipam, boolean icc, boolean userDefined, netgroovy.value.Cidr v6) {

    /** Docker's IPv6 gateway on every bridge: the link-local fe80::1. */
    public static final netgroovy.value.IpAddress V6_GATEWAY = netgroovy.value.IpAddress.parse("fe80::1");

    /**
     * The IPv6 default gateway Docker 20.10 gives containers: the bridge's global address, the
     * subnet's first (the seeds' Docker 1.x used the link-local fe80::1, which the bridge also has).
     */
    public netgroovy.value.IpAddress v6Gateway() {
        return v6.network().address().plus(1);
    }

    /** A container's IPv6 address: the subnet's prefix with the 48-bit MAC as the host part. */
    public netgroovy.value.IpAddress v6Address(netgroovy.value.Mac mac) {
        byte[] a = v6.network().address().bytes();
        byte[] m = mac.bytes();
        System.arraycopy(m, 0, a, 10, 6);
        return netgroovy.value.IpAddress.of(a);
    }
}
