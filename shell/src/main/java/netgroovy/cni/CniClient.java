package netgroovy.cni;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The installed {@code netgroovy-cni}'s entry point. When a resident {@code netgroovy
 * cni-server} listens on the socket (NETGROOVY_CNI_SOCKET, else /run/netgroovy/cni.sock) in
 * this process's network namespace, the call is handed to it: a JVM start and one round trip,
 * instead of loading Groovy and compiling the recipe on every call. Otherwise (no server, a
 * stale socket, a server in another namespace) the call runs here, exactly as before.
 *
 * <p>Only JDK classes are touched on the fast path; {@link CniPlugin} and with it Groovy are
 * loaded only when the call runs here.
 */
public final class CniClient {
    private CniClient() {
    }

    public static void main(String[] argv) {
        byte[] stdin;
        try {
            stdin = System.in.readAllBytes();
        } catch (IOException e) {
            CniPlugin.runHere(null);
            return;
        }
        Map<String, String> env = System.getenv();
        Path socket = CniWire.socket(env);
        if (Files.exists(socket)) {
            CniWire.Reply reply = ask(socket, new CniWire.Request(CniWire.networkNamespace(), env, stdin));
            if (reply != null && reply.status() == CniWire.DONE) {
                System.err.write(reply.log(), 0, reply.log().length);
                System.err.flush();
                System.out.write(reply.stdout(), 0, reply.stdout().length);
                System.out.flush();
                System.exit(reply.exitCode());
                return;
            }
        }
        CniPlugin.runHere(stdin);
    }

    /** The server's answer, or null when no server took the call (the caller then runs it). */
    static CniWire.Reply ask(Path socket, CniWire.Request request) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            request.write(new DataOutputStream(Channels.newOutputStream(ch)));
            return CniWire.Reply.read(new DataInputStream(Channels.newInputStream(ch)));
        } catch (IOException e) {
            // Refused, reset or cut short: a server that is gone or died mid-call. A call that
            // died mid-way may have done part of an ADD; running it here repeats it, which ADD
            // and DEL tolerate (the attachment store knows what was made).
            return null;
        }
    }
}
