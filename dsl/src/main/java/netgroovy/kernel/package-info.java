/**
 * The kernel layer: everything netgroovy asks of Linux, spoken directly. Links, addresses,
 * routes and neighbours go over rtnetlink ({@link netgroovy.kernel.netlink}); namespaces are
 * made with unshare/setns and iproute2's bind mounts, by the thread that asks, which enters and
 * comes home again ({@link netgroovy.kernel.NsSwitch}); sysctls are files under /proc/sys;
 * nf_tables rules are appended over nfnetlink ({@link netgroovy.kernel.NfRules}).
 * No {@code ip} or {@code brctl} process is ever started. Each verb's comment names the
 * {@code ip} command it is equivalent to.
 */
package netgroovy.kernel;
