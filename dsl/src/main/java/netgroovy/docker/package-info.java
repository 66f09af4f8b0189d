/**
 * Docker's vocabulary, as logic of its own under the DSL: a {@link netgroovy.docker.Daemon}
 * on one host (its bridge, docker0 and its options; containers wired in Docker's five steps;
 * user networks and their address management; the files Docker writes into a container,
 * /etc/hosts, /etc/hostname, /etc/resolv.conf; the environment of links), its rules
 * ({@link netgroovy.docker.DockerFirewall}: bridges, published ports, links, DOCKER-USER),
 * Docker's CLI views ({@link netgroovy.docker.DockerViews}), and the daemon's embedded DNS
 * server for user networks ({@link netgroovy.docker.EmbeddedDns}).
 *
 * <p>It never imports the DSL. What it needs of whoever runs it (the statement being planned,
 * the world, the kernel, the host's namespace) is the port {@link netgroovy.docker.Host},
 * which the DSL's session implements; so a daemon runs the same in the sandbox's own
 * namespace and in a lab host's, and errors are {@link netgroovy.value.InvalidValueException}s
 * to which the caller adds the script line.
 */
package netgroovy.docker;
