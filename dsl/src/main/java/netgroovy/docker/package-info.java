/**
 * Docker's vocabulary on top of the DSL: the daemon's bridge (docker0 and its options),
 * containers wired in Docker's five steps, address management, the files Docker writes into
 * a container (/etc/hosts, /etc/hostname, /etc/resolv.conf), the environment of links, and
 * the daemon's embedded DNS server for user networks ({@link netgroovy.docker.EmbeddedDns}).
 */
package netgroovy.docker;
