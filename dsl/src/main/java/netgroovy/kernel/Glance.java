package netgroovy.kernel;

import netgroovy.value.Mac;

/**
 * What a check most often needs of a link, had without the rtnetlink lock: its index, whether
 * it is up (IFF_UP) and its MAC address, from three ioctls (SIOCGIFINDEX, SIOCGIFFLAGS,
 * SIOCGIFHWADDR) that the kernel answers under RCU. A {@code RTM_GETLINK} waits for the lock,
 * which the kernel's own work on a busy bridge holds for long: at a thousand ports a link's
 * look-up waited ~300 µs, a glance a few.
 *
 * @param mac null for a link without an Ethernet address (lo's is all zeros, and is given)
 */
public record Glance(int index, boolean up, Mac mac) {
    /** What the link's full answer says of the same. */
    public static Glance of(Link l) {
        return new Glance(l.index(), l.up(), l.mac());
    }
}
