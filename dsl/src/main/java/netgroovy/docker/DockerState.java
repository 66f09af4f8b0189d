package netgroovy.docker;

import java.util.LinkedHashMap;
import java.util.Map;

/** The networks and containers of one session, by name. */
public final class DockerState {
    public final Map<String, Network> networks = new LinkedHashMap<>();
    public final Map<String, Container> containers = new LinkedHashMap<>();
}
