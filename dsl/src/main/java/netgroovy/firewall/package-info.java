/**
 * The firewall layer: rules as data, written with {@code iptables-restore --noflush} — one
 * process per change, whatever the number of rules — and read back with
 * {@code iptables-save}. Every rule netgroovy writes carries a comment naming its owner, so
 * netgroovy can list, check and remove exactly its own rules and nothing else.
 */
package netgroovy.firewall;
