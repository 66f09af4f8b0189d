/**
 * Seeing why a packet goes where it goes: {@code trace} follows one flow hop by hop through the
 * kernel's own answers — each namespace's route lookup ({@code RTM_GETROUTE}, what
 * {@code ip route get} answers), the bridge it crosses, and every firewall rule a real packet
 * meets (nf_tables tracing, read with {@code xtables-monitor --trace}) — and leads each rule
 * back, through its ownership comment, to the netgroovy statement that wrote it.
 * {@code pingall}/{@code expect} build reachability on it; {@code capture} watches links.
 */
package netgroovy.trace;
