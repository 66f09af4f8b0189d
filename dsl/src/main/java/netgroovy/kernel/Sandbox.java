package netgroovy.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this process runs inside netgroovy's sandbox. The sandbox's first process
 * ({@code sandbox/run-in-sandbox}) checks that it is in namespaces of its own and exports the
 * identity of its network namespace as NETGROOVY_SANDBOX_NET; we compare it with our own. An
 * inherited or hand-set NETGROOVY_SANDBOX=1 proves nothing, so it is not what is trusted.
 */
public final class Sandbox {
    static final String VARIABLE = "NETGROOVY_SANDBOX_NET";

    private Sandbox() {
    }

    /** True when this process's network namespace is the one the sandbox made. */
    public static boolean inside() {
        String sandbox = System.getenv(VARIABLE);
        return sandbox != null && !sandbox.isEmpty() && sandbox.equals(currentNetNamespace());
    }

    /** "net:[4026532251]": the identity of this process's network namespace, or "" if unreadable. */
    public static String currentNetNamespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
