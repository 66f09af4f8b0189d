package netgroovy.kernel;

import netgroovy.value.Mac;

/**
 * A network interface as the kernel reports it.
 *
 * @param kind       "bridge", "veth", "dummy" ... or "" for a plain device such as lo
 * @param master     index of the bridge this link is a port of, 0 when none
 * @param up         administratively up (IFF_UP)
 * @param operState  RFC 2863 state: "UP", "DOWN", "LOWERLAYERDOWN", "UNKNOWN" ...
 * @param peerIndex  for a veth, its peer's index (in the peer's namespace); 0 otherwise
 * @param peerNsId   for a veth whose peer is in another namespace, that namespace's id as
 *                   seen from here; -1 when the peer is in the same namespace
 * @param hairpin    a bridge port in hairpin mode ({@code ip -d link} says "hairpin on")
 */
public record Link(int index, String name, String kind, int master, boolean up, String operState,
                   Mac mac, int mtu, int peerIndex, int peerNsId, boolean hairpin) {

    Link withUp(boolean up) {
        return new Link(index, name, kind, master, up, operState, mac, mtu, peerIndex, peerNsId, hairpin);
    }

    Link withMaster(int master) {
        return new Link(index, name, kind, master, up, operState, mac, mtu, peerIndex, peerNsId, hairpin);
    }

    Link withMac(Mac mac) {
        return new Link(index, name, kind, master, up, operState, mac, mtu, peerIndex, peerNsId, hairpin);
    }

    Link withHairpin(boolean hairpin) {
        return new Link(index, name, kind, master, up, operState, mac, mtu, peerIndex, peerNsId, hairpin);
    }

    Link withMtu(int mtu) {
        return new Link(index, name, kind, master, up, operState, mac, mtu, peerIndex, peerNsId, hairpin);
    }

    public boolean isBridge() {
        return "bridge".equals(kind);
    }

    public boolean isVeth() {
        return "veth".equals(kind);
    }

    /** The kind as a message names it: "veth", "bridge" ..., or "device" for one the kernel gives no kind (lo, eth0). */
    public String kindName() {
        return kind.isEmpty() ? "device" : kind;
    }

    static String operState(int v) {
        return switch (v) {
            case 1 -> "NOTPRESENT";
            case 2 -> "DOWN";
            case 3 -> "LOWERLAYERDOWN";
            case 4 -> "TESTING";
            case 5 -> "DORMANT";
            case 6 -> "UP";
            default -> "UNKNOWN";
        };
    }
}
