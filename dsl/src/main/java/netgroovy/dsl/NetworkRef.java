package netgroovy.dsl;

import java.util.List;
import netgroovy.docker.Daemon;
import netgroovy.docker.DockerViews;
import netgroovy.docker.Network;

/**
 * What {@code network 'my-net'} returns: the network as Docker shows it — {@code .name},
 * {@code .id}, {@code .bridge}, {@code .subnet}, {@code .gateway} (fixed when it is made) and
 * {@code .containers} (read from the model when asked) — printed as {@code docker network
 * create} prints it, by its ID.
 * Words that name a network take {@code n.name}; {@code delete n} removes it (as {@code networkRm}).
 */
public final class NetworkRef {
    private final Daemon daemon;
    private final Network network;

    NetworkRef(Daemon daemon, Network network) {
        this.daemon = daemon;
        this.network = network;
    }

    public String getName() {
        return network.name();
    }

    /** The full 64-hex-digit ID, as {@code docker network create} prints it. */
    public String getId() {
        return DockerViews.networkId(network);
    }

    /** The host bridge: br- and the ID's first 12 digits, or the one given with bridge:. */
    public String getBridge() {
        return network.bridge();
    }

    public String getSubnet() {
        return network.ipam().subnet().toString();
    }

    public String getGateway() {
        return network.ipam().gateway().toString();
    }

    /** The containers on it, by name. */
    public List<String> getContainers() {
        return daemon.members(daemon.network(network.name()));
    }

    @Override
    public String toString() {
        return getId();
    }
}
