package netgroovy.value;

/**
 * An address with a prefix length, as in {@code 172.17.42.1/16}: both the address given to an
 * interface (the host part matters) and the network it sits in ({@link #network()}).
 * Without "/N" the prefix is the full length (/32 or /128), a host route's shape.
 */
public record Cidr(IpAddress address, int prefix) {

    public Cidr {
        if (prefix < 0 || prefix > address.bits()) {
            throw new InvalidValueException("prefix length /" + prefix + " is out of range for "
                    + address + " (0-" + address.bits() + ")");
        }
    }

    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidValueException("CIDR is empty (expected an address like 10.0.0.1/24)");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        try {
            if (slash < 0) {
                IpAddress a = IpAddress.parse(t);
                return new Cidr(a, a.bits());
            }
            IpAddress a = IpAddress.parse(t.substring(0, slash));
            String p = t.substring(slash + 1);
            if (!IpAddress.isSmallNumber(p)) {
                throw new InvalidValueException("prefix length '" + p + "' is not a number");
            }
            return new Cidr(a, Integer.parseInt(p));
        } catch (InvalidValueException e) {
            throw new InvalidValueException("'" + t + "' is not a CIDR: " + e.getMessage());
        }
    }

    public boolean isV4() {
        return address.isV4();
    }

    public int family() {
        return address.family();
    }

    /** The network this address belongs to: {@code 172.17.42.1/16} gives {@code 172.17.0.0/16}. */
    public Cidr network() {
        return new Cidr(address.masked(prefix), prefix);
    }

    /** True when the address is the network itself (all host bits zero), as in a route's destination. */
    public boolean isNetwork() {
        return address.equals(address.masked(prefix));
    }

    public boolean isHostRoute() {
        return prefix == address.bits();
    }

    public boolean contains(IpAddress a) {
        return a.bits() == address.bits() && a.masked(prefix).equals(address.masked(prefix));
    }

    public boolean contains(Cidr other) {
        return other.prefix >= prefix && contains(other.address);
    }

    /** Number of addresses in the network (capped at Long.MAX_VALUE for large IPv6 ones). */
    public long size() {
        int hostBits = address.bits() - prefix;
        return hostBits >= 63 ? Long.MAX_VALUE : 1L << hostBits;
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }

    // Written out, as IfName's are (the record's own values: 31 * address + prefix).
    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && prefix == other.prefix && address.equals(other.address);
    }

    @Override
    public int hashCode() {
        return 31 * address.hashCode() + prefix;
    }
}
