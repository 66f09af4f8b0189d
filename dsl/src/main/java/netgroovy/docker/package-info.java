/**
 * Docker's vocabulary on top of the DSL: the daemon's bridge (docker0 and its options),
 * containers wired in Docker's five steps, address management, the files Docker writes into
 * a container (/etc/hosts, /etc/hostname, /etc/resolv.conf) and the environment of links.
 */
package netgroovy.docker;
