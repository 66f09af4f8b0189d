package netgroovy.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netgroovy.docker.Container;
import netgroovy.docker.Daemon;
import netgroovy.docker.Network;
import netgroovy.model.World;
import netgroovy.plan.Where;

/**
 * Docker's words as the script says them: their options checked by name, then handed to the
 * daemon of the host they are said on ({@link Daemon}, in the docker package, does the rest).
 * At the top level that is the sandbox's own host; inside {@code netns('h1') { }} it is h1, a
 * namespace standing for a machine of a lab. A word that names a container goes to the
 * daemon that made it, wherever it is said.
 */
final class DockerWords {
    private final NetgroovyScript script;

    DockerWords(NetgroovyScript script) {
        this.script = script;
    }

    private Session session() {
        return script.session();
    }

    /**
     * The daemon of the block the word is said in: a plain named namespace is a lab host; the
     * top level, a container's block and a process's namespace are the host itself.
     */
    Daemon here() {
        Where w = session().here();
        if (w.kind() == Where.Kind.NAMED && session().hereContainer() == null && find(w.name()) == null
                && !isContainerNamespace(w.name())) {
            return at(w);
        }
        return at(Where.HOST);
    }

    /**
     * The daemon whose rules a removal here may concern: the host's at the top level, a lab
     * host's inside its block; none in a plain namespace, where no daemon ever wrote rules.
     */
    Daemon hereIfAny() {
        Where w = session().here();
        if (w.isHost()) {
            return at(Where.HOST);
        }
        return w.kind() == Where.Kind.NAMED && session().world().hosts.containsKey(w.name()) ? at(w) : null;
    }

    Daemon at(Where host) {
        return new Daemon(new SessionHost(script, host));
    }

    /**
     * The daemon that made the container {@code name}; when none did (a namespace wired by
     * hand), the block's lab host if it is one already, else the host's, as before lab hosts.
     */
    Daemon of(String container) {
        World root = session().world();
        if (root.containers.containsKey(container)) {
            return at(Where.HOST);
        }
        for (var e : root.hosts.entrySet()) {
            if (e.getValue().containers.containsKey(container)) {
                return at(Where.named(e.getKey()));
            }
        }
        Daemon d = hereIfAny();
        return d != null ? d : at(Where.HOST);
    }

    /** Every daemon that has a world: the host's, then each lab host's. */
    List<Daemon> all() {
        List<Daemon> all = new ArrayList<>(List.of(at(Where.HOST)));
        session().world().hosts.keySet().forEach(h -> all.add(at(Where.named(h))));
        return all;
    }

    /** The container of that name on any host, or null. */
    Container find(String name) {
        World root = session().world();
        Container c = root.containers.get(name);
        for (var it = root.hosts.values().iterator(); c == null && it.hasNext(); ) {
            c = it.next().containers.get(name);
        }
        return c;
    }

    /** Every container's name, on every host. */
    List<String> containerNames() {
        List<String> names = new ArrayList<>(session().world().containers.keySet());
        session().world().hosts.values().forEach(w -> names.addAll(w.containers.keySet()));
        return names;
    }

    /** Whether {@code ns} is where a container lives (a net: 'host' container lives in its host's, which stays a host). */
    private boolean isContainerNamespace(String ns) {
        World root = session().world();
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.hosts.values().stream())
                .flatMap(w -> w.containers.values().stream()).anyMatch(c -> !c.mode.equals("host") && ns.equals(c.namespace));
    }

    void dockerd(Map<String, Object> o) {
        Options.check("dockerd", o, "bridge", "bip", "fixedCidr", "mtu", "icc", "ipForward", "iptables", "ip", "dns", "dnsSearch",
                "ipv6", "fixedCidrV6", "portRange", "userlandProxy", "resolver");
        here().dockerd(o);
    }

    Container container(Map<String, Object> o, String name) {
        Options.check("container", o, "net", "ip", "mac", "hostname", "dns", "dnsSearch", "link", "publish", "publishAll", "expose",
                "cmd", "env", "alias");
        Daemon d = here();
        Container elsewhere = find(name);
        if (elsewhere != null && !d.host().world().containers.containsKey(name)) {
            // Containers are named namespaces, one set for the whole machine: a name is taken on every host.
            throw new netgroovy.value.InvalidValueException("container " + name + " exists already on another host; give another name");
        }
        return d.container(o, name);
    }

    Network network(Map<String, Object> o, String name) {
        Options.check("network", o, "subnet", "gateway", "bridge", "driver", "icc");
        return here().createNetwork(o, name);
    }

    void connect(Map<String, Object> o, String network, String container) {
        Options.check("networkConnect", o, "alias");
        of(container).connect(o, network, container);
    }
}
