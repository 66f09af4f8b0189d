package netgroovy.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A listening forwarder for one {@link Frontend}; closing it stops listening and ends its connections. */
interface Forwarder extends Closeable {

    Frontend frontend();

    /** Opens one: TCP or UDP, listening at once (a port that is taken fails here, before anything else is done). */
    static Forwarder open(Frontend f) throws IOException {
        InetSocketAddress listen = listenAddress(f);
        Backends backends = new Backends(backend(f.containerIp(), f), backend(f.containerIpV6() != null ? f.containerIpV6() : f.containerIp(), f));
        return switch (f.mapping().protocol()) {
            case "tcp" -> new TcpForwarder(f, listen, backends);
            case "udp" -> new UdpForwarder(f, listen, backends);
            default -> throw new IOException("the userland proxy forwards tcp and udp, not " + f.mapping().protocol());
        };
    }

    private static InetSocketAddress backend(netgroovy.value.IpAddress ip, Frontend f) throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(ip.bytes()), f.mapping().containerPort());
    }

    /**
     * Where a client's traffic goes: an IPv4 client (a dual-stack socket shows it as an
     * Inet4Address) to the container's IPv4 address, an IPv6 one to its IPv6 address if it has
     * one — Docker's two docker-proxy processes, in one socket.
     */
    record Backends(InetSocketAddress v4, InetSocketAddress v6) {
        InetSocketAddress forClient(InetAddress client) {
            return client instanceof java.net.Inet4Address ? v4 : v6;
        }
    }

    /** Whether {@code f}'s host side can be listened on now (a socket is bound and closed again). */
    static boolean canListen(Frontend f) {
        try {
            InetSocketAddress listen = listenAddress(f);
            if (f.mapping().protocol().equals("udp")) {
                try (java.net.DatagramSocket s = new java.net.DatagramSocket(null)) {
                    s.bind(listen);
                }
            } else {
                try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                    s.setReuseAddress(true);
                    s.bind(listen);
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Where to listen: the mapping's host address, or for 0.0.0.0 either 0.0.0.0 or, when the
     * frontend is dual-stack, [::] — a Java socket on [::] takes IPv4 too (v4-mapped), so
     * one socket serves what Docker's two docker-proxy processes serve.
     */
    private static InetSocketAddress listenAddress(Frontend f) throws IOException {
        String ip = f.mapping().hostIp() != null ? f.mapping().hostIp().toString() : f.dualStack() ? "::" : "0.0.0.0";
        return new InetSocketAddress(InetAddress.getByName(ip), f.mapping().hostPort());
    }

    /** A thread of the proxy: a daemon, so it never keeps netgroovy alive. */
    static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
