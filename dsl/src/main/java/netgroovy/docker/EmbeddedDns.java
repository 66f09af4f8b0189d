package netgroovy.docker;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.NetNs;

/**
 * Docker's embedded DNS server (≥1.10), living in netgroovy's JVM: a UDP socket on
 * 127.0.0.11:53 in each served container's namespace, all read by one daemon thread. It answers
 * A and AAAA (and PTR) for the names {@link DnsNames} gives that container, and forwards every
 * other question to the container's upstream servers — from inside the container, as Docker
 * does, or from the host for a loopback server — answering SERVFAIL when none replies.
 *
 * <p>A socket made by a thread that has entered a namespace stays in that namespace, so the
 * sockets are made inside it by the statement's thread ({@link Namespaces#inside}), and no
 * thread of this server ever enters one. An open socket keeps its namespace alive:
 * {@link #stop} closes it before the namespace goes.
 * The server dies with the JVM. TCP is served too (a client retries over TCP when a UDP
 * answer comes truncated); questions are forwarded over UDP either way.
 */
public final class EmbeddedDns implements AutoCloseable {
    public static final String ADDRESS = "127.0.0.11";
    static final int PORT = 53;
    /** Docker's respTTL. */
    private static final int TTL = 600;
    /** Per upstream server: three of them still answer within glibc's five-second wait. */
    private static final int UPSTREAM_TIMEOUT_MS = 1500;

    private volatile DnsNames names = DnsNames.NONE;
    private final Map<String, Sockets> listening = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Runnable> onLoop = new ConcurrentLinkedQueue<>();
    /** Namespaces {@link #sync} could not serve. */
    private final Set<String> refused = new java.util.HashSet<>();
    private Selector selector;
    private Thread thread;
    private ExecutorService forwarders;

    /** The names to answer from now on (the world as the last statement left it). */
    public void names(DnsNames table) {
        names = table;
    }

    public boolean serving(String namespace) {
        return listening.containsKey(namespace);
    }

    /** The server's two sockets in one namespace: UDP, and TCP for answers too long for a datagram. */
    private record Sockets(DatagramChannel udp, ServerSocketChannel tcp) {
        void close() {
            for (java.nio.channels.Channel c : new java.nio.channels.Channel[] {udp, tcp}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (IOException ignored) {
                    // closing for good: nothing more to do
                }
            }
        }
    }

    /** Opens 127.0.0.11:53 (UDP and TCP) in the namespace and serves it; nothing happens when it is served already. */
    public synchronized void serve(String namespace) {
        if (listening.containsKey(namespace)) {
            return;
        }
        Sockets sockets;
        try (NetNs ns = NetNs.named(namespace)) {
            sockets = Namespaces.inside(ns, () -> {
                InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(ADDRESS), PORT);
                DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET);
                ServerSocketChannel tcp = null;
                try {
                    udp.bind(at);
                    udp.configureBlocking(false);
                    tcp = ServerSocketChannel.open(StandardProtocolFamily.INET);
                    tcp.bind(at);
                    tcp.configureBlocking(false);
                } catch (IOException e) {
                    new Sockets(udp, tcp).close();
                    throw new KernelException("cannot serve DNS at " + ADDRESS + ":" + PORT + " in " + namespace + ": " + e.getMessage());
                }
                return new Sockets(udp, tcp);
            });
        }
        try {
            start();
            // Registered from here: a channel may be registered while the loop selects (Java 11
            // and later); the wake-up makes its select take them in. Waiting for the loop to do it
            // cost two thread wake-ups per container.
            sockets.udp().register(selector, SelectionKey.OP_READ, namespace);
            sockets.tcp().register(selector, SelectionKey.OP_ACCEPT, namespace);
            selector.wakeup();
        } catch (java.nio.channels.ClosedChannelException e) {
            sockets.close();
            throw new KernelException("embedded DNS server: " + e);
        } catch (RuntimeException e) {
            sockets.close(); // it was never served
            throw e;
        }
        listening.put(namespace, sockets);
    }

    /** Stops serving the namespace and closes its socket for good (so the namespace can go). */
    public synchronized void stop(String namespace) {
        Sockets sockets = listening.remove(namespace);
        if (sockets == null) {
            return;
        }
        // A registered channel's descriptor is really closed only when its selector deregisters it.
        onLoopAndWait(() -> {
            sockets.close();
            selector.selectNow();
        });
    }

    /**
     * Serves exactly {@code wanted} (those whose namespace still exists), as a run that finds
     * containers in the store needs. Returns why some could not be served (another netgroovy
     * process serving them already holds 127.0.0.11:53 there); each is said once, not retried.
     */
    public synchronized List<String> sync(Set<String> wanted) {
        for (String ns : List.copyOf(listening.keySet())) {
            if (!wanted.contains(ns)) {
                stop(ns);
            }
        }
        refused.retainAll(wanted);
        List<String> problems = new java.util.ArrayList<>();
        for (String ns : wanted) {
            serveOnce(ns, problems);
        }
        return problems;
    }

    /**
     * As {@link #sync(Set)}, for the namespaces a statement changed only: those {@code table}
     * serves are served, the others let go; the rest stay as they are.
     */
    public synchronized List<String> sync(Set<String> changed, DnsNames table) {
        List<String> problems = new java.util.ArrayList<>();
        for (String ns : changed) {
            if (!table.serves(ns)) {
                stop(ns);
                refused.remove(ns);
            } else {
                serveOnce(ns, problems);
            }
        }
        return problems;
    }

    /** Serves a namespace not served yet that exists; why not (said once: not tried again) goes to problems. */
    private void serveOnce(String ns, List<String> problems) {
        if (!listening.containsKey(ns) && !refused.contains(ns) && Namespaces.exists(ns)) {
            try {
                serve(ns);
            } catch (RuntimeException e) {
                refused.add(ns);
                problems.add(e.getMessage());
            }
        }
    }

    private void start() {
        if (thread != null) {
            return;
        }
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new KernelException("cannot start the embedded DNS server: " + e.getMessage());
        }
        forwarders = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "netgroovy-dns-forward");
            t.setDaemon(true);
            return t;
        });
        thread = new Thread(this::loop, "netgroovy-dns");
        thread.setDaemon(true);
        thread.start();
    }

    private interface Step {
        void run() throws IOException;
    }

    /** Runs {@code step} on the server's thread (the only one touching the selector) and waits for it. */
    private void onLoopAndWait(Step step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop.add(() -> {
            try {
                step.run();
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new KernelException("embedded DNS server: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException("embedded DNS server: interrupted");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KernelException("embedded DNS server: its thread does not respond");
        }
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (selector.isOpen()) {
            try {
                selector.select();
                for (Runnable r; (r = onLoop.poll()) != null; ) {
                    r.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel conn = ((ServerSocketChannel) key.channel()).accept();
                        if (conn != null) {
                            forwarders.submit(() -> overTcp((String) key.attachment(), conn));
                        }
                        continue;
                    }
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    for (SocketAddress from; (from = receive(ch, buf.clear())) != null; ) {
                        byte[] query = new byte[buf.flip().remaining()];
                        buf.get(query);
                        answer((String) key.attachment(), ch, query, from);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (!selector.isOpen()) {
                    return;
                }
                // One bad datagram or a socket closed under us must not end the server.
            }
        }
    }

    private static SocketAddress receive(DatagramChannel ch, ByteBuffer buf) throws IOException {
        return ch.isOpen() ? ch.receive(buf) : null;
    }

    private void answer(String namespace, DatagramChannel ch, byte[] bytes, SocketAddress from) throws IOException {
        DnsMessage q;
        try {
            q = DnsMessage.parse(bytes, bytes.length);
        } catch (IllegalArgumentException e) {
            return; // not a question this server can answer in any form: dropped, as a malformed packet is
        }
        DnsNames table = names; // one table for the whole answer
        DnsNames.Asker asker = table.asker(namespace);
        byte[] reply = known(table, asker, q);
        if (reply != null) {
            ch.send(ByteBuffer.wrap(reply), from);
            return;
        }
        List<String> upstream = asker.upstream();
        forwarders.submit(() -> {
            try {
                ch.send(ByteBuffer.wrap(forward(namespace, q, bytes, upstream)), from);
            } catch (IOException e) {
                // the container went meanwhile
            }
        });
    }

    /** The reply this server gives itself (a member's name, an error), or null when the question is for upstream. */
    private static byte[] known(DnsNames table, DnsNames.Asker asker, DnsMessage q) {
        if (q.opcode() != 0) {
            return q.error(DnsMessage.NOTIMP);
        }
        if (asker == null) {
            return q.error(DnsMessage.REFUSED); // served a moment before the table knows it
        }
        String name = q.name().endsWith(".") ? q.name().substring(0, q.name().length() - 1) : q.name();
        List<InetAddress> addresses = table.addresses(asker, name);
        if (addresses != null) {
            return q.type() == DnsMessage.A || q.type() == DnsMessage.AAAA ? q.addresses(addresses, TTL) : q.addresses(List.of(), TTL);
        }
        String pointer = q.type() == DnsMessage.PTR ? table.pointer(asker, name) : null;
        if (pointer != null) {
            return q.pointer(pointer, TTL);
        }
        return null;
    }

    /**
     * One TCP connection (RFC 1035 4.2.2: each message after its two-byte length), on a
     * forwarding thread: questions answered one after another until the client closes or idles.
     */
    private void overTcp(String namespace, SocketChannel conn) {
        try (conn) {
            conn.configureBlocking(true);
            conn.socket().setSoTimeout(UPSTREAM_TIMEOUT_MS * 4);
            var in = new java.io.DataInputStream(conn.socket().getInputStream());
            var out = new java.io.DataOutputStream(conn.socket().getOutputStream());
            while (true) {
                byte[] bytes = new byte[in.readUnsignedShort()];
                in.readFully(bytes);
                DnsMessage q = DnsMessage.parse(bytes, bytes.length);
                DnsNames table = names;
                DnsNames.Asker asker = table.asker(namespace);
                byte[] reply = known(table, asker, q);
                if (reply == null) {
                    reply = forward(namespace, q, bytes, asker.upstream());
                }
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the client closed, idled, or sent what is not DNS: the connection ends
        }
    }

    /** Asks the upstream servers in turn (over UDP); the first reply, or SERVFAIL. */
    private static byte[] forward(String namespace, DnsMessage q, byte[] query, List<String> upstream) {
        for (String server : upstream) {
            byte[] reply = ask(namespace, server, query);
            if (reply != null) {
                return reply;
            }
        }
        return q.error(DnsMessage.SERVFAIL);
    }

    /** One exchange with one upstream server; null when it does not answer in time. */
    private static byte[] ask(String namespace, String server, byte[] query) {
        try {
            InetAddress address = InetAddress.getByName(server); // a literal from resolv.conf: no lookup
            // Docker's HostLoopback: a loopback server is the host's, asked from the host.
            try (DatagramSocket s = address.isLoopbackAddress() ? new DatagramSocket() : socketIn(namespace)) {
                s.setSoTimeout(UPSTREAM_TIMEOUT_MS);
                s.connect(address, PORT); // so that a refusal (ICMP) ends the wait at once
                s.send(new DatagramPacket(query, query.length));
                long deadline = System.currentTimeMillis() + UPSTREAM_TIMEOUT_MS;
                while (System.currentTimeMillis() < deadline) {
                    DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
                    s.receive(p);
                    if (p.getLength() >= 12 && DnsMessage.id(p.getData()) == DnsMessage.id(query)) {
                        return java.util.Arrays.copyOf(p.getData(), p.getLength());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // timed out, refused, or the container's namespace is gone: the next server
        }
        return null;
    }

    private static DatagramSocket socketIn(String namespace) {
        try (NetNs ns = NetNs.named(namespace)) {
            return Namespaces.inside(ns, () -> new DatagramSocket());
        }
    }

    @Override
    public synchronized void close() {
        for (String ns : List.copyOf(listening.keySet())) {
            try {
                stop(ns);
            } catch (RuntimeException e) {
                // closing what is left at the end of the session
            }
        }
        if (thread != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // the thread ends anyway
            }
            forwarders.shutdownNow();
            thread = null;
        }
    }
}
