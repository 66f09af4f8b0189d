package netgroovy.plantest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Proof that a test class of this tier never reached the real system: after its tests, none
 * of the classes through which netgroovy speaks to the kernel (netlink, libc, setns threads,
 * processes, the live kernel) has even been loaded in this JVM. The unprivileged tier runs
 * outside the sandbox, so this is what keeps it honest. (Asking the class loader needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}, which the pom gives the test JVMs.)
 */
final class NoRealKernel implements AfterAllCallback {
    /**
     * Every way to the kernel passes one of these: rtnetlink handles and sockets, libc (setns,
     * mount, unshare), namespace switches, processes, the live kernel itself. (Not NetNs or Launch:
     * Groovy loads the types of the script class's methods to dispatch, without running them.)
     */
    static final List<String> KERNEL_CLASSES = List.of(
            "netgroovy.plan.LiveKernel", "netgroovy.kernel.Rtnl", "netgroovy.kernel.LibC", "netgroovy.kernel.netlink.NetlinkSocket",
            "netgroovy.kernel.NsSwitch", "netgroovy.kernel.Exec");

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        assertEquals(List.of(), loaded(), "classes that speak to the real kernel were loaded by " + context.getDisplayName());
    }

    static List<String> loaded() throws ReflectiveOperationException {
        Method find = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
        find.setAccessible(true);
        ClassLoader loader = NoRealKernel.class.getClassLoader();
        return KERNEL_CLASSES.stream().filter(c -> {
            try {
                return find.invoke(loader, c) != null;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
