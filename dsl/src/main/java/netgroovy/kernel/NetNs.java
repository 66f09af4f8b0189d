package netgroovy.kernel;

import java.nio.file.Path;

/**
 * An open network namespace: a file descriptor on its nsfs file, which keeps it alive and
 * lets a thread enter it. Either a named one (/run/netns/NAME, iproute2's convention), the
 * namespace of a process (/proc/PID/ns/net), or the one this process started in ("host",
 * which in the sandbox is the sandbox itself).
 */
public final class NetNs implements AutoCloseable {
    public static final Path RUN_NETNS = Path.of("/run/netns");
    private final String label;
    private final String path;
    private final int fd;

    private NetNs(String label, String path, int fd) {
        this.label = label;
        this.path = path;
        this.fd = fd;
    }

    /** Opens a named namespace. Equivalent to: the NAME in {@code ip netns exec NAME ...}. */
    public static NetNs named(String name) {
        Namespaces.checkName(name);
        String p = RUN_NETNS.resolve(name).toString();
        int fd = LibC.get().open(p, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = LibC.errno();
            if (errno == 2) {
                throw new KernelException("network namespace '" + name + "' does not exist (see: ip netns list)", errno);
            }
            throw KernelException.of("cannot open network namespace '" + name + "'", errno);
        }
        return new NetNs(name, p, fd);
    }

    /** The network namespace of a running process, such as a container's main process. */
    public static NetNs ofPid(long pid) {
        if (pid <= 0) {
            throw new KernelException("'" + pid + "' is not a process id");
        }
        String p = "/proc/" + pid + "/ns/net";
        int fd = LibC.get().open(p, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = LibC.errno();
            if (errno == 2) {
                throw new KernelException("no process with pid " + pid + " (nothing at " + p + ")", errno);
            }
            throw KernelException.of("cannot open the network namespace of pid " + pid, errno);
        }
        return new NetNs("pid " + pid, p, fd);
    }

    /** The namespace of the calling thread. */
    public static NetNs current() {
        String p = "/proc/thread-self/ns/net";
        int fd = LibC.get().open(p, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            throw KernelException.of("cannot open " + p, LibC.errno());
        }
        return new NetNs("host", p, fd);
    }

    /** How errors and views name this namespace: its name, "pid N", or "host". */
    public String label() {
        return label;
    }

    public String path() {
        return path;
    }

    public int fd() {
        return fd;
    }

    @Override
    public void close() {
        LibC.get().close(fd);
    }

    @Override
    public String toString() {
        return label;
    }
}
