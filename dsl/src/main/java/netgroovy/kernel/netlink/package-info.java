/**
 * Raw netlink: a socket, messages as bytes, attributes (nested ones too). Knows nothing of
 * links or routes; the typed verbs in {@link netgroovy.kernel} are built on it.
 */
package netgroovy.kernel.netlink;
