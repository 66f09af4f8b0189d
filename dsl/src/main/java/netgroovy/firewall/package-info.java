/**
 * The firewall layer: rules as data, written with {@code iptables-restore --noflush} — one
 * process per change, whatever the number of rules — or, for a change that only appends rules,
 * as nf_tables netlink messages in iptables-nft's own encoding ({@link netgroovy.firewall.NftEncoding},
 * one transaction, no process at all); read back with
 * {@code iptables-save} once per run: after that {@link netgroovy.firewall.Ruleset} keeps what
 * is known of the rules in step with every batch, and the kernel's nf_tables generation says
 * when someone else changed them. Every rule netgroovy writes carries a comment naming its
 * owner, so netgroovy can list, check and remove exactly its own rules and nothing else.
 */
package netgroovy.firewall;
