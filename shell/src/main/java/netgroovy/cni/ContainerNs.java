package netgroovy.cni;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netgroovy.kernel.LibC;
import netgroovy.kernel.NetNs;

/**
 * The container's namespace as CNI_NETNS gives it (a path), turned into what netgroovy's words
 * take: a name under /run/netns (podman, containerd, CRI-O and cnitool put them there), a pid
 * for /proc/PID/ns/net, or, for any other nsfs file, a name bound to it for the length of
 * the call (as {@code ip netns attach} does) and removed on {@link #close}.
 */
final class ContainerNs implements AutoCloseable {
    private static final Pattern PROC = Pattern.compile("/proc/(\\d+)/ns/net");
    private final Object ref;
    private final Path bound;

    private ContainerNs(Object ref, Path bound) {
        this.ref = ref;
        this.bound = bound;
    }

    /** Whether the path names a namespace that is still there (DEL may come after it went). */
    static boolean exists(String path) {
        return !path.isEmpty() && Files.exists(Path.of(path));
    }

    static ContainerNs open(String path, String containerId) {
        if (!exists(path)) {
            throw new CniException(CniException.UNKNOWN_CONTAINER, "no network namespace at CNI_NETNS=" + path, "");
        }
        Path real;
        try {
            real = Path.of(path).toRealPath();
        } catch (java.io.IOException e) {
            throw new CniException(CniException.IO_FAILURE, "cannot resolve CNI_NETNS=" + path, e.getMessage(), e);
        }
        if (real.getParent() != null && real.getParent().equals(NetNs.RUN_NETNS)) {
            return new ContainerNs(real.getFileName().toString(), null);
        }
        Matcher m = PROC.matcher(real.toString());
        if (m.matches()) {
            return new ContainerNs(Long.parseLong(m.group(1)), null);
        }
        String name = "ngcni-" + Integer.toHexString(containerId.hashCode());
        Path target = NetNs.RUN_NETNS.resolve(name);
        LibC libc = LibC.get();
        try {
            Files.createDirectories(NetNs.RUN_NETNS);
            Files.deleteIfExists(target);
            Files.createFile(target);
        } catch (java.io.IOException e) {
            throw new CniException(CniException.IO_FAILURE, "cannot name the namespace at " + path, e.getMessage(), e);
        }
        if (libc.mount(real.toString(), target.toString(), "none", LibC.MS_BIND, null) < 0) {
            int errno = LibC.errno();
            libc.unlink(target.toString());
            throw new CniException(CniException.IO_FAILURE, "cannot bind the namespace at " + path + " to " + target, "errno " + errno);
        }
        return new ContainerNs(name, target);
    }

    /** A name ("cni-1234") or a pid (Long): what {@code netns(...)} and the recipes take. */
    Object ref() {
        return ref;
    }

    /** Groovy source for {@link #ref()}. */
    String literal() {
        return ref instanceof Long pid ? pid + "L" : "'" + ref + "'";
    }

    NetNs open() {
        return ref instanceof Long pid ? NetNs.ofPid(pid) : NetNs.named((String) ref);
    }

    @Override
    public void close() {
        if (bound != null) {
            LibC.get().umount2(bound.toString(), LibC.MNT_DETACH);
            LibC.get().unlink(bound.toString());
        }
    }
}
