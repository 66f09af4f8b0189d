package netgroovy.kernel;

import netgroovy.value.Cidr;

/** An address on a link: {@code 172.17.42.99/16} on {@code eth0} (index 7), scope "global". */
public record Address(Cidr cidr, int linkIndex, String linkName, String scope) {
    /** The same address on the link named {@code name}. */
    Address on(String name) {
        return new Address(cidr, linkIndex, name, scope);
    }
}
