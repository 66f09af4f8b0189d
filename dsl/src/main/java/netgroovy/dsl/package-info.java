/**
 * The Groovy DSL: the script base class that carries the vocabulary ({@code bridge},
 * {@code veth}, {@code netns}, {@code link}, {@code addr}, {@code route}, {@code sysctl},
 * {@code ping}, {@code sh}, the views), the small spec objects that command chains continue
 * ({@code bridge 'b0' cidr '10.0.0.1/24' mtu 1400}), and the session that turns each
 * statement into a plan and applies, prints or explains it. Docker's words check their
 * options and hand them to the daemon of the host they are said on (the docker package),
 * through {@code SessionHost}, the session as that package's port.
 */
package netgroovy.dsl;
