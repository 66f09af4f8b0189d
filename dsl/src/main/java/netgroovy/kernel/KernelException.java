package netgroovy.kernel;

import jnr.constants.platform.Errno;

/**
 * The kernel refused something. The message says what was attempted, on which object,
 * and why, in words: "cannot add 10.0.0.1/24 to eth0 in c1: File exists (EEXIST)".
 */
public class KernelException extends RuntimeException {
    private final int errno;

    public KernelException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public KernelException(String message) {
        this(message, 0);
    }

    /** "what: Reason (ENAME)" for a failed system call or netlink request. */
    public static KernelException of(String what, int errno) {
        return new KernelException(what + ": " + describe(errno), errno);
    }

    public static KernelException of(String what, int errno, String kernelSays) {
        if (kernelSays == null || kernelSays.isBlank()) {
            return of(what, errno);
        }
        return new KernelException(what + ": " + kernelSays + " (" + name(errno) + ")", errno);
    }

    public int errno() {
        return errno;
    }

    public boolean is(Errno e) {
        return errno == e.intValue();
    }

    public static String describe(int errno) {
        Errno e = Errno.valueOf(errno);
        if (e == null || !e.defined()) {
            return "error " + errno;
        }
        return e.description() + " (" + e.name() + ")";
    }

    public static String name(int errno) {
        Errno e = Errno.valueOf(errno);
        return e == null || !e.defined() ? "errno " + errno : e.name();
    }
}
