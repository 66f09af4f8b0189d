package netgroovy.cni;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code netgroovy cni-server}: a resident netgroovy that does the CNI calls the thin plugin
 * ({@link CniClient}) hands it, so a call costs a JVM start and the work, not Groovy's start-up
 * and a recipe's compilation. It serves the network namespace it was started in, one call at a
 * time (the calls then need no lock between threads of one process; the attachment store's
 * file lock still orders them against plugins running without the server). The socket is the
 * owner's only (mode 0600): whoever can write to it can change this namespace's network.
 */
final class CniServer implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel channel;
    private final long netns = CniWire.networkNamespace();
    private final PrintStream log;

    private CniServer(Path socket, ServerSocketChannel channel, PrintStream log) {
        this.socket = socket;
        this.channel = channel;
        this.log = log;
    }

    /** Binds the socket (replacing a stale one; refusing when a live server has it). */
    static CniServer listen(Path socket, PrintStream log) throws IOException {
        Path parent = socket.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (Files.exists(socket)) {
            if (answers(socket)) {
                throw new IOException("a netgroovy cni-server already listens on " + socket);
            }
            Files.delete(socket); // left behind by a server that was killed
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new CniServer(socket, ch, log);
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Serves until the process is stopped (or the socket is closed). */
    void serve() {
        while (channel.isOpen()) {
            try (SocketChannel client = channel.accept()) {
                serveOne(client);
            } catch (IOException e) {
                if (channel.isOpen()) {
                    log.println("netgroovy cni-server: " + e.getMessage());
                }
            }
        }
    }

    private void serveOne(SocketChannel client) throws IOException {
        CniWire.Request request = CniWire.Request.read(new DataInputStream(Channels.newInputStream(client)));
        var out = new DataOutputStream(Channels.newOutputStream(client));
        if (request.netns() != netns) {
            new CniWire.Reply(CniWire.OTHER_NAMESPACE, 0, new byte[0], new byte[0]).write(out);
            return;
        }
        long start = System.nanoTime();
        ByteArrayOutputStream callLog = new ByteArrayOutputStream();
        CniPlugin.Answer a;
        try (PrintStream p = new PrintStream(callLog, true, StandardCharsets.UTF_8)) {
            a = CniPlugin.handle(request.env(), new String(request.stdin(), StandardCharsets.UTF_8), p);
        }
        byte[] json = a.json() == null ? new byte[0] : (a.json() + "\n").getBytes(StandardCharsets.UTF_8);
        new CniWire.Reply(CniWire.DONE, a.exitCode(), json, callLog.toByteArray()).write(out);
        log.printf("netgroovy cni-server: %s %s %s: exit %d, %d ms%n", request.env().getOrDefault("CNI_COMMAND", "?"),
                request.env().getOrDefault("CNI_CONTAINERID", ""), request.env().getOrDefault("CNI_IFNAME", ""),
                a.exitCode(), (System.nanoTime() - start) / 1_000_000);
    }

    /** One dry run through the engine and a recipe, so the first real call is as fast as the rest. */
    static void warmUp() {
        netgroovy.dsl.Engine.reuseCompiledScripts(); // every ADD runs the same generated script and recipe
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        PrintStream out = System.out;
        try {
            System.setOut(nowhere);
            CniTraining.main(new String[0]);
        } catch (RuntimeException e) {
            // A cold first call is all this costs.
        } finally {
            System.setOut(out);
        }
    }

    Path socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(socket);
    }
}
