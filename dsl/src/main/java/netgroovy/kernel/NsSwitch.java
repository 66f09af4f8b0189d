package netgroovy.kernel;

import java.util.concurrent.Callable;

/**
 * The one way into a namespace: the calling thread enters it (setns, or unshare for a new one),
 * does the work, and returns to the namespace it was in. setns changes only the calling thread,
 * so the work needs no other thread. It used to be handed to one long-lived worker thread, and
 * each visit then cost two wake-ups (the worker's, then the caller's): 70–110 µs each on this
 * project's 2-vCPU machines, per namespace made, hostname set or socket opened in one
 * (bench/README.md, "Containers as Docker makes them, and namespace work without a second thread").
 *
 * <p>While a thread is switched it must not start a process or a thread (both would inherit
 * its namespace): {@link #switched()} lets {@link Exec} refuse. An interrupt pending when the
 * work begins is held back until the thread is home again: an interruptible channel opened
 * inside (the embedded DNS server's) would otherwise be closed at once.
 */
final class NsSwitch {
    /** How deep the current thread is in switched sections (work that enters a namespace may enter another). */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private NsSwitch() {
    }

    /** True while the calling thread is inside {@link #run}: it may be in any namespace at the moment. */
    static boolean switched() {
        return DEPTH.get()[0] > 0;
    }

    /** Runs {@code work} inside {@code ns} (null: where the thread is) and comes back. */
    static <T> T run(NetNs ns, Callable<T> work) {
        int[] depth = DEPTH.get();
        boolean interrupted = Thread.interrupted();
        depth[0]++;
        try {
            return enterAndReturn(ns, work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new KernelException(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            depth[0]--;
            if (interrupted || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Enters ns, runs work, and returns to the namespace the thread was in (also after unshare). */
    private static <T> T enterAndReturn(NetNs ns, Callable<T> work) throws Exception {
        LibC libc = LibC.get();
        int home = libc.open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (home < 0) {
            throw KernelException.of("cannot open this thread's network namespace", LibC.errno());
        }
        try {
            if (ns != null && libc.setns(ns.fd(), LibC.CLONE_NEWNET) < 0) {
                throw KernelException.of("cannot enter network namespace " + ns.label(), LibC.errno());
            }
            return work.call();
        } finally {
            if (libc.setns(home, LibC.CLONE_NEWNET) < 0) {
                // A thread stuck in the wrong namespace would do all its later work in the wrong place.
                throw new IllegalStateException("cannot return to the home network namespace: errno " + LibC.errno());
            }
            libc.close(home);
        }
    }
}
