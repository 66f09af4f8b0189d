package netgroovy.dsl;

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
 * Tiny servers for tutorials and labs: each answers a TCP connection or a UDP datagram with
 * "NAME saw ADDRESS", the address it was reached from. That is how a tutorial shows what NAT
 * did. A socket belongs to the namespace of the thread that made it, so servers are made
 * (and clients connect) inside their namespace. They live until the session ends.
 */
final class EchoServers implements AutoCloseable {
    private final List<AutoCloseable> open = new ArrayList<>();

    void tcp(NetNs ns, String name, int port) {
        ServerSocket server = Namespaces.inside(ns, () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return s;
        });
        open.add(server);
        daemon(() -> {
            while (!server.isClosed()) {
                try (Socket c = server.accept();
                     PrintWriter w = new PrintWriter(c.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    w.println(name + " saw " + c.getInetAddress().getHostAddress());
                } catch (Exception e) {
                    return;
                }
            }
        });
    }

    void udp(NetNs ns, String name, int port) {
        DatagramSocket server = Namespaces.inside(ns, () -> new DatagramSocket(port));
        open.add(server);
        daemon(() -> {
            byte[] buf = new byte[512];
            while (!server.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    server.receive(p);
                    byte[] reply = (name + " saw " + p.getAddress().getHostAddress()).getBytes(StandardCharsets.UTF_8);
                    server.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
    }

    /** Connects from {@code ns} (null: the host); the server's answer, or null when nothing answered. */
    static String connectTcp(NetNs ns, String address, int port) {
        // Java makes a TCP socket's descriptor only at connect time, so the whole exchange runs inside.
        return Namespaces.inside(ns, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 2000);
                s.setSoTimeout(3000);
                return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        });
    }

    static String connectUdp(NetNs ns, String address, int port) {
        return Namespaces.inside(ns, () -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(2000);
                byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(msg, msg.length, new InetSocketAddress(address, port)));
                DatagramPacket p = new DatagramPacket(new byte[512], 512);
                s.receive(p);
                return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return null;
            }
        });
    }


    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "netgroovy-echo");
        t.setDaemon(true);
        t.start();
    }

    /** A process that ends with the session (a container's cmd:). */
    void own(Process p) {
        open.add(() -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    @Override
    public void close() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a server that already failed
            }
        }
        open.clear();
    }
}
