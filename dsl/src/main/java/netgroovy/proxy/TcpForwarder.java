package netgroovy.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * docker-proxy's TCP half: accepts on the host side, connects to the container for each
 * client, and copies both ways; when one side stops sending, the other is told so
 * (half-close), and the pair is closed when both directions are done.
 */
final class TcpForwarder implements Forwarder {
    private final Frontend frontend;
    private final ServerSocket server;
    private final Forwarder.Backends backends;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    TcpForwarder(Frontend frontend, InetSocketAddress listen, Forwarder.Backends backends) throws IOException {
        this.frontend = frontend;
        this.backends = backends;
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true); // as Go's listeners: a port in TIME_WAIT may be taken again
            s.bind(listen);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        this.server = s;
        Forwarder.start("netgroovy-proxy " + frontend, this::acceptLoop);
    }

    public Frontend frontend() {
        return frontend;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(client);
            Forwarder.start("netgroovy-proxy client", () -> serve(client));
        }
    }

    private void serve(Socket client) {
        Socket up = new Socket();
        open.add(up);
        try {
            up.connect(backends.forClient(client.getInetAddress()), 5000);
        } catch (IOException e) {
            // As docker-proxy: the client's connection is closed, nothing else.
            closeQuietly(client);
            closeQuietly(up);
            return;
        }
        Thread back = new Thread(() -> pump(up, client), "netgroovy-proxy reply");
        back.setDaemon(true);
        back.start();
        pump(client, up);
        try {
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(client);
        closeQuietly(up);
    }

    /** Copies from one socket to the other until the sender stops, then half-closes. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : Set.copyOf(open)) {
            closeQuietly(s);
        }
    }
}
