package netgroovy.kernel;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one platform thread that enters namespaces. setns (and unshare) change only the calling
 * thread, so namespace work runs here: switch in, do the work, switch back to where the
 * thread was. Keeping one thread saves starting a thread per namespace visit (a few hundred
 * microseconds each). Work that itself enters a namespace runs inline on this thread.
 */
final class NsWorker {
    private static volatile Thread thread;
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "netgroovy-ns");
        t.setDaemon(true);
        thread = t;
        return t;
    });

    private NsWorker() {
    }

    /** True on the namespace thread itself, which may be inside any namespace at the moment. */
    static boolean isWorker() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code work} inside {@code ns} (null: wherever the worker is, the host). */
    static <T> T run(NetNs ns, Callable<T> work) {
        if (Thread.currentThread() == thread) {
            try {
                return switched(ns, work);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new KernelException(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        Future<T> f = EXECUTOR.submit(() -> switched(ns, work));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    // Namespace work is short and must not be abandoned half-way; finish, then re-flag.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new KernelException(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Enters ns, runs work, and returns to the namespace the thread was in (also after unshare). */
    private static <T> T switched(NetNs ns, Callable<T> work) throws Exception {
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
                // A worker stuck in the wrong namespace would do later work in the wrong place.
                throw new IllegalStateException("cannot return to the home network namespace: errno " + LibC.errno());
            }
            libc.close(home);
        }
    }
}
