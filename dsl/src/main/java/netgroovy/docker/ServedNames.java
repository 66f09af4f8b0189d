package netgroovy.docker;

import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import netgroovy.model.Ledger;
import netgroovy.model.World;

/**
 * What the embedded DNS server answers, kept in step with the world statement by statement:
 * from the world as each statement left it, for the containers the world has (which a later run
 * found in the store, too); nothing in /etc/hosts mode. After a statement that changed only
 * containers and networks, only their names are put again and only their namespaces served or
 * let go, so a statement costs what it changed, not what the networks hold; a change to the
 * daemon (its resolver, dns, search) or a world read anew makes the table whole again.
 */
public final class ServedNames implements AutoCloseable {
    private final EmbeddedDns server = new EmbeddedDns();
    /** What the server answers now; null: made whole at the next {@link #sync}. */
    private DnsNames names;

    public EmbeddedDns server() {
        return server;
    }

    /** Whether the server is in step with the world the last sync was given. */
    public boolean current() {
        return names != null;
    }

    /** The world was read anew (another run's containers may be in it): the next sync serves it whole. */
    public void invalidate() {
        names = null;
    }

    /** Serves {@code world} as a statement that made {@code changes} left it; what goes wrong is said on {@code out}. */
    public void sync(World world, List<Ledger.Change> changes, PrintStream out) {
        Set<String> containers = new LinkedHashSet<>();
        Set<String> networks = new LinkedHashSet<>();
        boolean whole = names == null;
        for (Ledger.Change c : changes) {
            String key = c.key();
            if (key.startsWith("container ")) {
                containers.add(key.substring("container ".length()));
            } else if (key.startsWith("network ")) {
                networks.add(key.substring("network ".length()));
            } else if (key.equals("daemon")) {
                whole = true; // its resolver, dns or search
            }
        }
        boolean embedded = world.resolver.equals(World.EMBEDDED);
        DnsNames before = names;
        if (!embedded && before == DnsNames.NONE) {
            return; // /etc/hosts mode, and nothing served since the last sync said so: a script of words never starts the server
        }
        try {
            if (!embedded) {
                names = DnsNames.NONE;
            } else if (whole) {
                names = DnsNames.of(world.containers.values(), world.dns, world.dnsSearch);
            } else {
                names = names.changed(containers, networks, world.containers::get, world.containers::values, world.dns, world.dnsSearch);
            }
        } catch (RuntimeException e) {
            names = null; // made whole at the next statement's end
            throw e;
        }
        server.names(names);
        try {
            List<String> problems;
            if (whole || !embedded) {
                problems = server.sync(names.namespaces());
            } else {
                Set<String> namespaces = new LinkedHashSet<>();
                for (String name : containers) {
                    Container c = world.containers.get(name);
                    if (c != null && c.namespace != null) {
                        namespaces.add(c.namespace);
                    }
                    String was = before.namespaceOf(name);
                    if (was != null) {
                        namespaces.add(was);
                    }
                }
                problems = server.sync(namespaces, names);
            }
            problems.forEach(problem -> out.println("# embedded DNS server: " + problem));
        } catch (RuntimeException e) {
            out.println("# embedded DNS server: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
