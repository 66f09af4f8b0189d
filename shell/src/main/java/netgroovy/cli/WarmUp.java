package netgroovy.cli;

/**
 * Start-up work that does not depend on the command line, begun on a second thread while the
 * first one reads the arguments, opens the session and starts Groovy's runtime (the machine
 * has two cores or more; either thread that needs a class first initialises it and the other
 * waits, so nothing runs twice):
 * <ul>
 *   <li>Groovy's compiler looks for its default imports ({@code java.lang.*}, {@code groovy.util.*}
 *       ...) by listing the JDK's modules and the Groovy jar, once per process, the first time
 *       a text is compiled: about a tenth of a second. A text kept compiled from an earlier
 *       run (CompiledScripts) needs it all the same: Groovy's runtime starts the scan the
 *       first time a GString becomes a String ({@code FormatHelper} initialises
 *       {@code ResolveVisitor}), which nearly every script does.
 *   <li>The C library through jnr-ffi (the kernel layer's way to unshare, setns, mount), whose
 *       binding classes are generated at run time and so cannot come from the class-data
 *       archive: about as long again. Not in dry-run, which never talks to the kernel.
 * </ul>
 * A failure here is no failure: the same work happens again where it is needed, and reports there.
 */
final class WarmUp {
    private WarmUp() {
    }

    static void start(boolean kernel) {
        Thread t = new Thread(() -> {
            // The C library first: a text kept compiled (the usual case of a script run again)
            // needs it at its first statement, and the scan only at its first GString, if any; a
            // new text, whose compile needs the scan at once, waits a little longer for it.
            // Interleaved runs, in the sandbox: a kept one-liner 880 -> 769 ms, the 200-endpoint
            // script 1628 -> 1542 ms, a new one-liner 1076 -> 1103 ms (bench/README.md, endpoints,
            // "Fewer processes before Java").
            if (kernel) {
                load("netgroovy.kernel.LibC$Holder");
            }
            load("org.codehaus.groovy.control.ResolveVisitor");
        }, "netgroovy-warm-up");
        t.setDaemon(true); // never keeps the JVM alive
        t.start();
    }

    private static void load(String name) {
        try {
            Class.forName(name, true, WarmUp.class.getClassLoader());
        } catch (Throwable ignored) {
            // see the class comment
        }
    }
}
