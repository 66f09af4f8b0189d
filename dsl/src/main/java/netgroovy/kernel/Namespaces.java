package netgroovy.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Named network namespaces the way iproute2 keeps them: a file in /run/netns bind-mounted
 * on a namespace's nsfs file, so {@code ip netns list} and {@code ip netns exec} see ours and
 * we see theirs. Also the one way into a namespace: the calling thread enters it, does the
 * work, and returns to where it was ({@link NsSwitch}; setns changes only the calling thread).
 */
public final class Namespaces {
    private static final long MS_REC = 16384, MS_SHARED = 1 << 20;
    private static final int EINVAL = 22, EEXIST = 17, ENOENT = 2;

    private Namespaces() {
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || hasBlank(name)) {
            throw new KernelException("'" + name + "' is not a valid namespace name (no '/', no spaces)");
        }
        if (name.length() > 200) {
            throw new KernelException("namespace name '" + name.substring(0, 20) + "...' is too long");
        }
    }

    private static boolean hasBlank(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return true;
            }
        }
        return false;
    }

    /** Creates a named namespace. Equivalent to: {@code ip netns add NAME}. */
    public static void create(String name) {
        create(name, () -> null);
    }

    /**
     * Creates a named namespace and runs {@code thenInside} in it right away, on the same
     * thread: opening the new namespace's netlink socket this way saves entering it again.
     */
    public static <T> T create(String name, Callable<T> thenInside) {
        checkName(name);
        String path = NetNs.RUN_NETNS.resolve(name).toString();
        LibC libc = LibC.get();
        int fd = mountPoint(path);
        if (fd < 0) {
            int errno = LibC.errno();
            if (errno == EEXIST) {
                throw new KernelException("network namespace '" + name + "' already exists", errno);
            }
            throw KernelException.of("cannot create " + path, errno);
        }
        libc.close(fd);
        try {
            return NsSwitch.run(null, () -> {
                if (libc.unshare(LibC.CLONE_NEWNET) < 0) {
                    throw KernelException.of("cannot create network namespace '" + name + "'", LibC.errno());
                }
                if (libc.mount("/proc/thread-self/ns/net", path, "none", LibC.MS_BIND, null) < 0) {
                    throw KernelException.of("cannot bind network namespace '" + name + "' to " + path, LibC.errno());
                }
                return thenInside.call();
            });
        } catch (RuntimeException e) {
            libc.umount2(path, LibC.MNT_DETACH);
            libc.unlink(path);
            throw e;
        }
    }

    /**
     * Gives a process's namespace a name, so that it can be used like any named one.
     * Equivalent to the seeds' {@code ln -s /proc/PID/ns/net /var/run/netns/NAME}, but a
     * bind mount, which cannot dangle once the process is gone.
     */
    public static void attachPid(long pid, String name) {
        checkName(name);
        try (NetNs ns = NetNs.ofPid(pid)) {
            String path = NetNs.RUN_NETNS.resolve(name).toString();
            LibC libc = LibC.get();
            int fd = mountPoint(path);
            if (fd < 0) {
                int errno = LibC.errno();
                throw errno == EEXIST
                        ? new KernelException("network namespace '" + name + "' already exists", errno)
                        : KernelException.of("cannot create " + path, errno);
            }
            libc.close(fd);
            if (libc.mount(ns.path(), path, "none", LibC.MS_BIND, null) < 0) {
                int errno = LibC.errno();
                libc.unlink(path);
                throw KernelException.of("cannot bind the namespace of pid " + pid + " to " + path, errno);
            }
        }
    }

    /**
     * Removes a named namespace. Equivalent to: {@code ip netns delete NAME}. The kernel
     * destroys the namespace, and with it its veth ends (so their peers vanish too), once
     * nothing holds it open any more.
     */
    public static void delete(String name) {
        checkName(name);
        String path = NetNs.RUN_NETNS.resolve(name).toString();
        LibC libc = LibC.get();
        if (!Files.exists(Path.of(path))) {
            throw new KernelException("network namespace '" + name + "' does not exist (see: ip netns list)", ENOENT);
        }
        if (libc.umount2(path, LibC.MNT_DETACH) < 0 && LibC.errno() != EINVAL) {
            throw KernelException.of("cannot unmount " + path, LibC.errno());
        }
        if (libc.unlink(path) < 0) {
            throw KernelException.of("cannot remove " + path, LibC.errno());
        }
    }

    public static boolean exists(String name) {
        checkName(name);
        return Files.exists(NetNs.RUN_NETNS.resolve(name));
    }

    /**
     * The identity of the namespace named NAME now (its nsfs file's key: device and inode), or
     * "none" when there is none: a handle kept on a namespace is still on the one of that name
     * if this has not changed.
     */
    public static Object identity(String name) {
        try {
            return Files.readAttributes(NetNs.RUN_NETNS.resolve(name), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (java.io.IOException e) {
            return "none";
        }
    }

    /** Names in /run/netns, sorted. Equivalent to: {@code ip netns list}. */
    public static List<String> list() {
        if (!Files.isDirectory(NetNs.RUN_NETNS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(NetNs.RUN_NETNS)) {
            List<String> names = new ArrayList<>();
            files.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw new KernelException("cannot list " + NetNs.RUN_NETNS + ": " + e.getMessage());
        }
    }

    /**
     * Runs {@code work} inside {@code ns} on the calling thread, which returns to its own
     * namespace after, and returns its result. A null namespace means "here": no switch.
     */
    public static <T> T inside(NetNs ns, Callable<T> work) {
        if (ns != null) {
            return NsSwitch.run(ns, work);
        }
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new KernelException(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Where containers' UTS namespaces are kept, one bind-mounted nsfs file each. */
    public static final Path UTS_DIR = Path.of("/run/netgroovy/uts");

    /**
     * A UTS namespace of its own for {@code name} (a container), with {@code hostname}, kept
     * alive by a bind mount on {@link #UTS_DIR}/NAME so processes can enter it later
     * ({@code nsenter --uts=...}). What a script does to the hostname in there stays there.
     * Equivalent to: {@code unshare --uts=/run/netgroovy/uts/NAME hostname HOSTNAME}.
     */
    public static String createUts(String name, String hostname) {
        checkName(name);
        byte[] host = hostname.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (host.length == 0 || host.length > 64) {
            throw new KernelException("hostname '" + hostname + "' must be 1 to 64 characters");
        }
        Path file = UTS_DIR.resolve(name);
        try {
            if (!Files.isDirectory(UTS_DIR)) { // (createDirectories on one that is there throws and catches an exception: ~40 µs a container)
                Files.createDirectories(UTS_DIR);
            }
        } catch (IOException e) {
            throw new KernelException("cannot create " + UTS_DIR + ": " + e.getMessage());
        }
        LibC libc = LibC.get();
        String path = file.toString();
        int fd = libc.open(path, LibC.O_RDONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = LibC.errno();
            throw errno == EEXIST
                    ? new KernelException("a UTS namespace for '" + name + "' exists already (" + path + ")", errno)
                    : KernelException.of("cannot create " + path, errno);
        }
        libc.close(fd);
        try {
            NsSwitch.run(null, () -> {
                int home = libc.open("/proc/thread-self/ns/uts", LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
                if (home < 0) {
                    throw KernelException.of("cannot open this thread's UTS namespace", LibC.errno());
                }
                try {
                    if (libc.unshare(LibC.CLONE_NEWUTS) < 0) {
                        throw KernelException.of("cannot create a UTS namespace for '" + name + "'", LibC.errno());
                    }
                    if (libc.sethostname(host, host.length) < 0) {
                        throw KernelException.of("cannot set hostname '" + hostname + "'", LibC.errno());
                    }
                    if (libc.mount("/proc/thread-self/ns/uts", path, "none", LibC.MS_BIND, null) < 0) {
                        throw KernelException.of("cannot bind the UTS namespace of '" + name + "' to " + path, LibC.errno());
                    }
                    return null;
                } finally {
                    if (libc.setns(home, LibC.CLONE_NEWUTS) < 0) {
                        throw new IllegalStateException("cannot return to the home UTS namespace: errno " + LibC.errno());
                    }
                    libc.close(home);
                }
            });
        } catch (RuntimeException e) {
            libc.umount2(path, LibC.MNT_DETACH);
            libc.unlink(path);
            throw e;
        }
        return path;
    }

    /** Removes a UTS namespace made by {@link #createUts}; nothing happens when there is none. */
    public static void deleteUts(String name) {
        checkName(name);
        String path = UTS_DIR.resolve(name).toString();
        if (!Files.exists(Path.of(path))) {
            return;
        }
        LibC libc = LibC.get();
        if (libc.umount2(path, LibC.MNT_DETACH) < 0 && LibC.errno() != EINVAL) {
            throw KernelException.of("cannot unmount " + path, LibC.errno());
        }
        if (libc.unlink(path) < 0) {
            throw KernelException.of("cannot remove " + path, LibC.errno());
        }
    }

    /** The file of {@code name}'s UTS namespace, or null when it has none. */
    public static String utsOf(String name) {
        Path file = UTS_DIR.resolve(name);
        return Files.exists(file) ? file.toString() : null;
    }

    /**
     * Whether this process made /run/netns a shared mount point already. Making it shared
     * again for each namespace (as each `ip netns add` does) walks every namespace mounted
     * under it (MS_REC): a cost that grew with the namespaces already there.
     */
    private static volatile boolean runNetnsReady;

    /**
     * Creates the empty file a namespace is bound onto, in /run/netns made ready first; its
     * descriptor, or -1 with errno set.
     */
    private static int mountPoint(String path) {
        LibC libc = LibC.get();
        if (!runNetnsReady) {
            prepareRunNetns();
            runNetnsReady = true;
        }
        int fd = libc.open(path, LibC.O_RDONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0);
        if (fd < 0 && LibC.errno() == ENOENT) { // /run/netns went since this process made it ready
            prepareRunNetns();
            fd = libc.open(path, LibC.O_RDONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0);
        }
        return fd;
    }

    /** Makes /run/netns exist and be a shared mount point, as {@code ip netns add} does. */
    private static void prepareRunNetns() {
        String dir = NetNs.RUN_NETNS.toString();
        try {
            Files.createDirectories(NetNs.RUN_NETNS);
        } catch (IOException e) {
            throw new KernelException("cannot create " + dir + ": " + e.getMessage());
        }
        LibC libc = LibC.get();
        if (libc.mount("", dir, "none", MS_SHARED | MS_REC, null) == 0) {
            return;
        }
        if (LibC.errno() == EINVAL) {
            // Not a mount point yet: bind it onto itself first, then share it.
            if (libc.mount(dir, dir, "none", LibC.MS_BIND | MS_REC, null) < 0
                    || libc.mount("", dir, "none", MS_SHARED | MS_REC, null) < 0) {
                throw KernelException.of("cannot make " + dir + " a shared mount point", LibC.errno());
            }
        }
    }
}
