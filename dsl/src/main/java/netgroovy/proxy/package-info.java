/**
 * Docker's userland proxy ({@code docker-proxy}), inside netgroovy: with {@code dockerd
 * userlandProxy: true} every published port is also served by a forwarder listening on the
 * host's address and port, which opens its own connection (or datagram exchange) to the
 * container. That is how Docker's default mode reaches a published port from the host's
 * 127.0.0.1 (which DNAT cannot reach without route_localnet) and from containers on the
 * same bridge (whose traffic the rules leave alone). The forwarders are threads of the
 * netgroovy process, listening in the namespace it lives in (the sandbox's, or the host's
 * with --host), so they end when it ends.
 */
package netgroovy.proxy;
