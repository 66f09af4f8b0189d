package netgroovy.firewall;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.NetNs;

/**
 * Servers and clients that live in a namespace: a socket belongs to the namespace of the
 * thread that made it, so they are made inside and then used from any thread. TCP servers
 * answer each connection with "NAME saw PEER-ADDRESS"; UDP servers echo the same per datagram.
 */
final class World implements AutoCloseable {
    private final List<AutoCloseable> open = new ArrayList<>();

    void tcpServer(String ns, int port) {
        ServerSocket server = inside(ns, () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return s;
        });
        open.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket c = server.accept(); PrintWriter w = new PrintWriter(c.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    w.println(ns + " saw " + c.getInetAddress().getHostAddress());
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    void udpServer(String ns, int port) {
        DatagramSocket server = inside(ns, () -> new DatagramSocket(port));
        open.add(server);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[512];
            while (!server.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    server.receive(p);
                    byte[] reply = (ns + " saw " + p.getAddress().getHostAddress()).getBytes(StandardCharsets.UTF_8);
                    server.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** Connects from {@code ns} (null: the host) and returns the server's line, or null when it fails. */
    static String tcp(String ns, String address, int port) {
        // Java makes a TCP socket's descriptor only at connect, so the connect happens inside.
        java.util.concurrent.Callable<String> exchange = () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 2000);
                s.setSoTimeout(3000);
                return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        };
        try {
            return ns == null ? exchange.call() : inside(ns, exchange);
        } catch (Exception e) {
            return null;
        }
    }

    static String udp(String ns, String address, int port) {
        DatagramSocket s = inside(ns, DatagramSocket::new);
        try (s) {
            s.setSoTimeout(2000);
            byte[] msg = "hi".getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(msg, msg.length, new InetSocketAddress(address, port)));
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            s.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return null;
        }
    }

    private static <T> T inside(String ns, java.util.concurrent.Callable<T> make) {
        try (NetNs n = NetNs.named(ns)) {
            return Namespaces.inside(n, make);
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }
}
