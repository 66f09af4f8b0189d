package netgroovy.kernel;

import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/** An entry of the neighbour (ARP / NDP) table: who has which address on which link. */
public record Neighbour(IpAddress address, Mac mac, String device, String state) {
}
