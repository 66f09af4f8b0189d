package netgroovy.proxy;

import netgroovy.firewall.PortMapping;
import netgroovy.value.IpAddress;

/**
 * One published port as the proxy serves it: the container it belongs to, the mapping
 * (host address, host port, container port, protocol) and the container's address.
 * {@code dualStack}: the 0.0.0.0 of the mapping is served on [::] too, as Docker's second
 * docker-proxy ({@code -host-ip ::}) does when the host can listen on IPv6; what comes in by
 * IPv6 goes to the container's IPv6 address ({@code containerIpV6}) when it has one, else
 * to its IPv4 one, as Docker's.
 */
public record Frontend(String container, PortMapping mapping, IpAddress containerIp, IpAddress containerIpV6, boolean dualStack) {

    public Frontend(String container, PortMapping mapping, IpAddress containerIp, boolean dualStack) {
        this(container, mapping, containerIp, null, dualStack);
    }

    /** {@code tcp 0.0.0.0:8080 -> 172.17.0.2:80}, as errors and listings name it. */
    @Override
    public String toString() {
        return mapping.protocol() + " " + mapping.hostSide() + (dualStack ? " and [::]:" + mapping.hostPort() : "")
                + " -> " + containerIp + ":" + mapping.containerPort();
    }

    /** The docker-proxy command Docker runs for this (one; a dual-stack frontend is two of them). */
    public String dockerProxyCommand(String hostIp) {
        IpAddress to = hostIp.contains(":") && containerIpV6 != null ? containerIpV6 : containerIp;
        return "docker-proxy -proto " + mapping.protocol() + " -host-ip " + hostIp + " -host-port " + mapping.hostPort()
                + " -container-ip " + to + " -container-port " + mapping.containerPort();
    }
}
