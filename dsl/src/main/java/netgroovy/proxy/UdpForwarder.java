package netgroovy.proxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * docker-proxy's UDP half: each client (address and port) gets its own socket towards the
 * container, so the answers can be told apart and sent back to the client from the host
 * port; a client silent for 90 seconds is forgotten (docker-proxy's UDPConnTrackTimeout).
 */
final class UdpForwarder implements Forwarder {
    static final int IDLE_MILLIS = 90_000;
    private final Frontend frontend;
    private final DatagramSocket server;
    private final Forwarder.Backends backends;
    private final Map<SocketAddress, DatagramSocket> clients = new ConcurrentHashMap<>();

    UdpForwarder(Frontend frontend, InetSocketAddress listen, Forwarder.Backends backends) throws IOException {
        this.frontend = frontend;
        this.backends = backends;
        DatagramSocket s = new DatagramSocket(null);
        try {
            s.bind(listen);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        this.server = s;
        Forwarder.start("netgroovy-proxy " + frontend, this::receiveLoop);
    }

    public Frontend frontend() {
        return frontend;
    }

    private void receiveLoop() {
        byte[] buf = new byte[65535];
        while (!server.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                server.receive(p);
                SocketAddress from = p.getSocketAddress();
                DatagramSocket up = clients.get(from);
                if (up == null) {
                    up = new DatagramSocket();
                    up.connect(backends.forClient(p.getAddress()));
                    up.setSoTimeout(IDLE_MILLIS);
                    clients.put(from, up);
                    DatagramSocket u = up;
                    Forwarder.start("netgroovy-proxy udp reply", () -> replies(from, u));
                }
                up.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength()));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                // One client's trouble (the container unreachable) does not stop the others.
            }
        }
    }

    /** The container's answers to one client, sent back from the host port. */
    private void replies(SocketAddress client, DatagramSocket up) {
        byte[] buf = new byte[65535];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                up.receive(p);
                server.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), client));
            }
        } catch (SocketTimeoutException e) {
            // idle: forgotten
        } catch (IOException e) {
            // closed
        } finally {
            clients.remove(client, up);
            up.close();
        }
    }

    @Override
    public void close() {
        server.close();
        clients.values().forEach(DatagramSocket::close);
        clients.clear();
    }
}
