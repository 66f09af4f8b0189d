/**
 * Small immutable values checked when they are made: interface names, MAC addresses,
 * IP addresses and CIDRs. Bad input from a user stops here, with a message that names
 * what was wrong, long before anything reaches the kernel.
 */
package netgroovy.value;
