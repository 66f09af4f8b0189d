package netgroovy.bench;

import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * The names and addresses of one benchmark round, shared by both tools so they build exactly
 * the same thing: bridge {@code nbbr0} with 10.200.0.1/16, and endpoint k = namespace
 * {@code nb<k>}, host veth end {@code nbv<k>} on the bridge, {@code eth0} inside with
 * 10.200.0.(k+2)/16, MAC 02:42 followed by that address (Docker's rule, so {@code container}
 * makes the same endpoint) and a default route via 10.200.0.1.
 */
record Plan(int n) {
    static final String BRIDGE = "nbbr0";
    static final IpAddress GATEWAY = IpAddress.parse("10.200.0.1");
    static final int PREFIX = 16;
    static final String INNER = "eth0";
    /** Namespaces and host veth ends start with this, so checks can tell ours from anything else. */
    static final String PREFIX_NAME = "nb";

    String namespace(int k) {
        return PREFIX_NAME + k;
    }

    String hostVeth(int k) {
        return PREFIX_NAME + "v" + k;
    }

    IfName hostVethName(int k) {
        return IfName.of(hostVeth(k));
    }

    /** .2, .3, ... : .1 is the bridge; 1000 endpoints end at 10.200.3.234. */
    IpAddress address(int k) {
        return GATEWAY.plus(k + 1);
    }

    /** Docker's MAC for the address: 02:42 and the four bytes of the IPv4 address. */
    Mac mac(int k) {
        return netgroovy.docker.Macs.fromIp(address(k));
    }

    Cidr cidr(int k) {
        return new Cidr(address(k), PREFIX);
    }

    static Cidr bridgeCidr() {
        return new Cidr(GATEWAY, PREFIX);
    }
}
