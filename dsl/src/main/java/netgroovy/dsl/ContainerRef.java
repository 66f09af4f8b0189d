package netgroovy.dsl;

import java.util.List;
import netgroovy.docker.Container;

/**
 * What {@code container 'web'} returns: the container as Docker shows it, read from the model
 * when asked — {@code .name}, {@code .id}, {@code .ip}, {@code .mac}, {@code .network},
 * {@code .ports} (as {@code docker port} lists them) — and printed as {@code docker ps} prints
 * it. Words that name a container take {@code c.name}; {@code delete c} removes it (as {@code rm}).
 */
public final class ContainerRef {
    private final NetgroovyScript script;
    private final String name;

    ContainerRef(NetgroovyScript script, String name) {
        this.script = script;
        this.name = name;
    }

    private Container model() {
        return script.dockerWordsFor().of(name).require(name);
    }

    public String getName() {
        return name;
    }

    /** The full 64-hex-digit ID, as {@code docker run -d} prints it. */
    public String getId() {
        return model().id;
    }

    /** The address on its first network, or null (net: 'none', 'host'). */
    public String getIp() {
        Container c = model();
        return c.ip == null ? null : c.ip.toString();
    }

    public String getMac() {
        Container c = model();
        return c.mac == null ? null : c.mac.toString();
    }

    /** The network it was started on: bridge, a user network, none, host or container:NAME. */
    public String getNetwork() {
        Container c = model();
        return c.mode.equals("bridge") && c.network != null ? c.network.name() : c.mode.equals("container") ? "container:" + c.namespace : c.mode;
    }

    /** Its published ports, like {@code docker port web}: "80/tcp -> 0.0.0.0:8080". */
    public List<String> getPorts() {
        return script.port(name);
    }

    @Override
    public String toString() {
        return script.dockerWordsFor().of(name).views().ps(List.of(model()));
    }
}
