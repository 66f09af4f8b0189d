package netgroovy.cni;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the thin plugin ({@link CniClient}) and the resident server ({@link CniServer}) say to
 * each other over the unix socket: one call per connection. The client sends its network
 * namespace, its whole environment and its stdin; the server answers with what the plugin
 * would have printed and its exit code. Plain length-prefixed frames, JDK only, because the
 * client must start without Groovy to be fast.
 */
final class CniWire {
    static final int MAGIC = 0x4e474331; // "NGC1"
    /** The server did the call; what follows is the plugin's answer. */
    static final int DONE = 0;
    /** The server is in another network namespace than the caller: the caller runs the call itself. */
    static final int OTHER_NAMESPACE = 1;
    /** Where the server listens unless NETGROOVY_CNI_SOCKET says otherwise. */
    static final Path DEFAULT_SOCKET = Path.of("/run/netgroovy/cni.sock");
    private static final int MAX_FRAME = 16 << 20;

    private CniWire() {
    }

    static Path socket(Map<String, String> env) {
        String s = env.get("NETGROOVY_CNI_SOCKET");
        return s == null || s.isBlank() ? DEFAULT_SOCKET : Path.of(s);
    }

    /**
     * The inode of this process's network namespace: the server serves only callers in its
     * own namespace, since a CNI plugin works where the runtime that started it is.
     */
    static long networkNamespace() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    record Request(long netns, Map<String, String> env, byte[] stdin) {
        void write(DataOutputStream out) throws IOException {
            out.writeInt(MAGIC);
            out.writeLong(netns);
            out.writeInt(env.size());
            for (var e : env.entrySet()) {
                bytes(out, e.getKey().getBytes(StandardCharsets.UTF_8));
                bytes(out, e.getValue().getBytes(StandardCharsets.UTF_8));
            }
            bytes(out, stdin);
            out.flush();
        }

        static Request read(DataInputStream in) throws IOException {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a netgroovy-cni request");
            }
            long netns = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > 100_000) {
                throw new IOException("bad environment size " + n);
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                env.put(new String(bytes(in), StandardCharsets.UTF_8), new String(bytes(in), StandardCharsets.UTF_8));
            }
            return new Request(netns, env, bytes(in));
        }
    }

    record Reply(int status, int exitCode, byte[] stdout, byte[] log) {
        void write(DataOutputStream out) throws IOException {
            out.writeInt(status);
            out.writeInt(exitCode);
            bytes(out, stdout);
            bytes(out, log);
            out.flush();
        }

        static Reply read(DataInputStream in) throws IOException {
            int status = in.readInt();
            int code = in.readInt();
            return new Reply(status, code, bytes(in), bytes(in));
        }
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_FRAME) {
            throw new IOException("bad frame length " + n);
        }
        return in.readNBytes(n);
    }
}
