package netgroovy.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forwarders of one netgroovy session, as Docker keeps one docker-proxy process per
 * published port: opened when a port is published, closed when it is unpublished, its
 * container removed, or the session torn down or ended. They listen in the namespace of the
 * thread that opens them, which is the netgroovy process's own (the Docker host's).
 */
public final class UserlandProxy implements AutoCloseable {
    private final Map<Frontend, Forwarder> open = new LinkedHashMap<>();

    /**
     * Starts serving {@code f}. A host port something else holds fails here with a message
     * naming it, as Docker's "Bind for 0.0.0.0:8080 failed: port is already allocated".
     */
    public synchronized void open(Frontend f) {
        if (open.containsKey(f)) {
            return;
        }
        try {
            open.put(f, Forwarder.open(f));
        } catch (IOException e) {
            throw new IllegalStateException("the userland proxy cannot listen on " + f.mapping().hostSide() + "/" + f.mapping().protocol()
                    + (f.dualStack() ? " (and [::]:" + f.mapping().hostPort() + ")" : "") + " for " + f.container() + ": "
                    + e.getMessage() + " (another program, or another published port, holds that port)", e);
        }
    }

    public synchronized boolean serves(Frontend f) {
        return open.containsKey(f);
    }

    /** Stops serving {@code f} (nothing if it was not served). */
    public synchronized void close(Frontend f) {
        Forwarder fw = open.remove(f);
        if (fw != null) {
            closeQuietly(fw);
        }
    }

    /** The frontends served for a container. */
    public synchronized List<Frontend> of(String container) {
        return open.keySet().stream().filter(f -> f.container().equals(container)).toList();
    }

    public synchronized List<Frontend> all() {
        return new ArrayList<>(open.keySet());
    }

    /** Whether {@code f}'s host port is free to listen on (something else may hold it). */
    public static boolean canListen(Frontend f) {
        return Forwarder.canListen(f);
    }

    /**
     * Whether this process can listen on IPv6, Docker's test ({@code IsV6Listenable}: listen on
     * [::1]:0) for adding the [::]:P binding of every 0.0.0.0:P.
     */
    public static boolean v6Listenable() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        open.values().forEach(UserlandProxy::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(Forwarder f) {
        try {
            f.close();
        } catch (IOException ignored) {
            // a socket that failed already
        }
    }
}
