package netgroovy.kernel;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/** Exactly the C library calls netgroovy uses, and nothing else native anywhere. */
public interface LibC {
    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_SNDBUF = 7;
    int SOL_NETLINK = 270;
    int NETLINK_EXT_ACK = 11;
    int NETLINK_GET_STRICT_CHK = 12;
    int CLONE_NEWNET = 0x40000000;
    int CLONE_NEWUTS = 0x04000000;
    int O_RDONLY = 0;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_CLOEXEC = 02000000;
    long MS_BIND = 4096;
    int MNT_DETACH = 2;

    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] addr, int addrlen);

    int getsockname(int fd, @Out byte[] addr, @In @Out int[] addrlen);

    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrlen);

    /** Into native memory (a direct buffer): a Java array would be copied whole, both ways, by every call. */
    long recv(int fd, @Out java.nio.ByteBuffer buf, long len, int flags);

    int setsockopt(int fd, int level, int name, @In int[] value, int len);

    int open(String path, int flags, int mode);

    int close(int fd);

    int unshare(int flags);

    int setns(int fd, int nstype);

    int mount(String source, String target, String fstype, long flags, Pointer data);

    int umount2(String target, int flags);

    int unlink(String path);

    int sethostname(@In byte[] name, long len);

    /** SIOCGIFINDEX: a link's index by name, in the namespace of the socket {@code fd} (if_nametoindex(3)). */
    long SIOCGIFINDEX = 0x8933;
    /** SIOCGIFFLAGS: a link's flags (IFF_UP ...), as a short after the name. */
    long SIOCGIFFLAGS = 0x8913;
    /** SIOCGIFHWADDR: a link's hardware address, as a struct sockaddr after the name (family, then the bytes). */
    long SIOCGIFHWADDR = 0x8927;

    /** {@code ioctl(fd, request, struct ifreq *)}: 16 bytes of name, then the answer (40 bytes in all). */
    int ioctl(int fd, long request, @In @Out byte[] ifreq);

    /** Loaded once, on first use. */
    final class Holder {
        static final LibC INSTANCE = bind();
        static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(INSTANCE);

        private Holder() {
        }

        /**
         * jnr-ffi binds the library on a thread of its own, which nothing interrupts, and the
         * caller waits for it without being interruptible. jnr unpacks its native stub through
         * a file channel, which an interrupt closes (Ctrl-C on the REPL's first statement that
         * reached the kernel): its classes then failed to initialise, for good, and every later
         * statement of the session said "Could not initialize class". The caller's interrupt
         * is kept for it to see afterwards.
         */
        private static LibC bind() {
            // (not a lambda: its body would be a method of this class, which the binding thread
            // could not call before this initialiser ends)
            java.util.concurrent.FutureTask<LibC> binding = new java.util.concurrent.FutureTask<>(LibC::load);
            Thread t = new Thread(binding, "netgroovy-libc");
            t.setDaemon(true);
            t.start();
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return binding.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (e.getCause() instanceof RuntimeException r) {
                            throw r;
                        }
                        if (e.getCause() instanceof Error err) {
                            throw err;
                        }
                        throw new IllegalStateException(e.getCause());
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** What the binding thread runs (see {@link Holder#bind}). */
    private static LibC load() {
        return LibraryLoader.create(LibC.class).load("c");
    }

    static LibC get() {
        return Holder.INSTANCE;
    }

    /** errno of the last call made on this thread. */
    static int errno() {
        return jnr.ffi.LastError.getLastError(Holder.RUNTIME);
    }
}
