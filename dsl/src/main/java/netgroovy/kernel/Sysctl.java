package netgroovy.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Kernel parameters under /proc/sys. The net.* ones belong to a network namespace: a file
 * opened by a thread inside a namespace shows that namespace's value, so reads and writes go
 * through {@link Namespaces#inside}.
 */
public final class Sysctl {
    private Sysctl() {
    }

    /** Equivalent to: {@code sysctl -n KEY} (in {@code ns}; null means the host). */
    public static String read(NetNs ns, String key) {
        Path p = path(key);
        return Namespaces.inside(ns, () -> {
            try {
                // One read() call: the kernel answers a read of a sysctl file at a later offset with
                // EOF, and Files.readString reads the first byte on its own (the file's size is 0),
                // so "32768\t60999" would come back as "3".
                try (var in = Files.newInputStream(p)) {
                    byte[] buf = new byte[4096];
                    int n = in.read(buf);
                    return n <= 0 ? "" : new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
                }
            } catch (NoSuchFileException e) {
                throw new KernelException("sysctl " + key + " does not exist" + where(ns));
            } catch (IOException e) {
                throw new KernelException("cannot read sysctl " + key + where(ns) + ": " + e.getMessage());
            }
        });
    }

    /** Equivalent to: {@code sysctl -w KEY=VALUE}. */
    public static void write(NetNs ns, String key, String value) {
        Path p = path(key);
        Namespaces.inside(ns, () -> {
            try {
                Files.writeString(p, value);
                return null;
            } catch (NoSuchFileException e) {
                throw new KernelException("sysctl " + key + " does not exist" + where(ns));
            } catch (IOException e) {
                throw new KernelException("cannot set sysctl " + key + "=" + value + where(ns) + ": " + e.getMessage());
            }
        });
    }

    private static final Path ALL_IPV6 = Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6");

    /**
     * Switches IPv6 off in the namespace the calling thread is in, on every interface there and
     * on those to come ("all" sets the default too). Nothing to do, as Docker shrugs, when the
     * kernel has no IPv6.
     */
    static void disableIpv6Here() {
        // Written without asking first whether the file is there: each walk down
        // /proc/sys/net/ipv6/conf/all compares "all" with the one of every namespace on the
        // machine (the kernel's dentry cache holds them all under one name), so an exists()
        // before the write made a thousandth container's switch cost twice as much.
        try {
            Files.write(ALL_IPV6, ONE, java.nio.file.StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            // no IPv6 in this kernel: nothing to switch off
        } catch (IOException e) {
            throw new KernelException("cannot set sysctl net.ipv6.conf.all.disable_ipv6=1: " + e.getMessage());
        }
    }

    private static final byte[] ONE = {'1'};

    /**
     * "net.ipv4.ip_forward" and "net/ipv4/ip_forward" both name /proc/sys/net/ipv4/ip_forward.
     * With slashes, dots stay literal, so an interface such as eth0.100 can be named.
     */
    static Path path(String key) {
        if (key == null || key.isBlank() || key.contains("..") || key.startsWith("/") || key.contains(" ")) {
            throw new KernelException("'" + key + "' is not a sysctl key (like net.ipv4.ip_forward)");
        }
        String rel = key.contains("/") ? key : key.replace('.', '/');
        return Path.of("/proc/sys").resolve(rel);
    }

    private static String where(NetNs ns) {
        return ns == null ? "" : " in " + ns.label();
    }

}
