package netgroovy.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process to start and the place to start it in: its arguments, the network namespace
 * (null: here), optionally a UTS namespace (a container's hostname), and its environment
 * (added to ours, or instead of ours, as Docker gives a container only its own).
 * Equivalent to: {@code nsenter --net=NS [--uts=UTS] -- [env -i VARS] COMMAND...}.
 */
public record Launch(List<String> argv, NetNs net, String uts, Map<String, String> env, boolean ownEnvOnly) {
    public Launch {
        if (argv == null || argv.isEmpty()) {
            throw new KernelException("no command given");
        }
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    public static Launch of(NetNs net, List<String> argv) {
        return new Launch(argv, net, null, Map.of(), false);
    }

    /** The same, with these variables added to the environment. */
    public Launch withEnv(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(more);
        return new Launch(argv, net, uts, all, ownEnvOnly);
    }

    /** The same, with exactly this environment and nothing inherited from netgroovy's. */
    public Launch withOnlyEnv(Map<String, String> only) {
        return new Launch(argv, net, uts, only, true);
    }

    /** The same, in the UTS namespace bound at {@code path} (see {@link Namespaces#createUts}). */
    public Launch inUts(String path) {
        return new Launch(argv, net, path, env, ownEnvOnly);
    }

    /**
     * What is actually executed: the namespaces are entered by {@code nsenter} in the child,
     * never by the thread that spawns it. (A JVM thread that spawns a process while inside a
     * namespace leaves the JDK's process-reaper thread born there, and that thread would keep
     * the namespace, and its veths, alive after it is deleted.)
     */
    List<String> command() {
        List<String> full = new ArrayList<>();
        if (net != null || uts != null) {
            full.add("nsenter");
            if (net != null) {
                full.add("--net=" + net.path());
            }
            if (uts != null) {
                full.add("--uts=" + uts);
            }
            full.add("--");
        }
        full.addAll(argv);
        return full;
    }
}
