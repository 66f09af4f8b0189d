package netgroovy.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import netgroovy.firewall.Iptables;
import netgroovy.kernel.ExecResult;
import netgroovy.kernel.KernelException;
import netgroovy.value.Mac;

/**
 * A system in memory that answers what operations ask as the kernel would, so plans can be
 * applied, checked and undone without root or namespaces: network namespaces
 * ({@link MemoryNamespace}: links, addresses, routes, sysctls, iptables), UTS namespaces and
 * files. It refuses what the kernel refuses where a plan could get it wrong (a name taken, a
 * link missing, renaming a link that is up, a gateway out of reach, a route through a link
 * that is down), with the errno the kernel gives. {@link #state()} prints all of it, so a
 * test can compare two moments.
 */
public final class MemoryKernel implements Kernel {
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    /** Values a fresh namespace has; any other key reads as "0" until written. */
    private static final Map<String, String> SYSCTL_DEFAULTS = Map.of(
            "net.ipv4.ip_local_port_range", "32768\t60999",
            "net.ipv4.conf.all.forwarding", "0",
            "net.ipv4.ip_forward", "0");
    private static final String HOST = "host";

    /** Network namespaces by label ("host", "c1", "pid 42"); the host's always exists. */
    private final Map<String, MemoryNamespace> spaces = new TreeMap<>();
    private final Map<String, String> uts = new TreeMap<>();
    private final Map<Path, String> files = new TreeMap<>();
    private final Set<Path> directories = new TreeSet<>();
    private final Set<String> settled = new HashSet<>();
    private int nextNsId;
    private int nextMac;

    public MemoryKernel() {
        MemoryNamespace host = newNamespace(HOST);
        host.bootLoopback();
    }

    private MemoryNamespace newNamespace(String label) {
        MemoryNamespace s = new MemoryNamespace(label, nextNsId++, this::space, this::newMac);
        spaces.put(label, s);
        return s;
    }

    /** Everything this system holds, one fact a line, in a fixed order: equal strings, equal systems. */
    public String state() {
        StringBuilder b = new StringBuilder();
        List<MemoryNamespace> ordered = new ArrayList<>(spaces.values());
        ordered.sort(Comparator.comparing((MemoryNamespace s) -> !s.label.equals(HOST)).thenComparing(s -> s.label));
        ordered.forEach(s -> s.describe(b, SYSCTL_DEFAULTS));
        uts.forEach((name, host) -> b.append("uts ").append(name).append(" hostname ").append(host).append('\n'));
        directories.forEach(d -> b.append("dir ").append(d).append('\n'));
        files.forEach((f, text) -> b.append("file ").append(f).append(": ").append(text.replace("\n", "\\n")).append('\n'));
        return b.toString();
    }

    private MemoryNamespace space(Where w) {
        MemoryNamespace s = spaces.get(w.label());
        if (s == null) {
            if (w.kind() == Where.Kind.PID) { // a process's namespace: there as long as we look at it
                return newNamespace(w.label());
            }
            throw new KernelException("network namespace '" + w.name() + "' does not exist (see: ip netns list)", ENOENT);
        }
        return s;
    }

    @Override
    public Kernel.Links links(Where where) {
        return space(where).linkTable;
    }

    @Override
    public Kernel.Addresses addresses(Where where) {
        return space(where).addressTable;
    }

    @Override
    public Kernel.Routes routes(Where where) {
        return space(where).routeTable;
    }

    @Override
    public Kernel.Namespaces namespaces() {
        return new Kernel.Namespaces() {
            public boolean exists(String name) {
                return spaces.containsKey(name) && !name.equals(HOST);
            }

            public List<String> list() {
                return spaces.keySet().stream().filter(n -> !n.equals(HOST) && !n.startsWith("pid ")).toList();
            }

            public void create(String name, boolean ipv6) {
                if (spaces.containsKey(name)) {
                    throw new KernelException("network namespace '" + name + "' already exists", EEXIST);
                }
                newNamespace(name);
                if (!ipv6) {
                    setSysctl(Where.named(name), "net.ipv6.conf.all.disable_ipv6", "1");
                    setSysctl(Where.named(name), "net.ipv6.conf.default.disable_ipv6", "1");
                }
            }

            public void delete(String name) {
                MemoryNamespace s = spaces.get(name);
                if (s == null || name.equals(HOST)) {
                    throw new KernelException("network namespace '" + name + "' does not exist (see: ip netns list)", ENOENT);
                }
                s.destroy();
                spaces.remove(name);
            }

            public boolean hasUts(String name) {
                return uts.containsKey(name);
            }

            public void createUts(String name, String hostname) {
                if (uts.containsKey(name)) {
                    throw new KernelException("a UTS namespace for '" + name + "' exists already", EEXIST);
                }
                uts.put(name, hostname);
            }

            public void deleteUts(String name) {
                uts.remove(name);
            }
        };
    }

    @Override
    public String sysctl(Where where, String key) {
        Map<String, String> set = space(where).sysctls;
        String k = sysctlKey(key);
        if (!set.containsKey(k) && k.matches("net\\.ipv[46]\\.conf\\.(?!all\\.|default\\.)[^.]+\\.[^.]+")) {
            // An interface's parameter it was never given: what the namespace's default was (close
            // enough to the kernel, which copies the default when the interface is made).
            k = k.replaceFirst("^(net\\.ipv[46]\\.conf)\\.[^.]+", "$1.default");
        }
        return set.getOrDefault(k, SYSCTL_DEFAULTS.getOrDefault(k, "0"));
    }

    /** "net/ipv4/ip_forward" and "net.ipv4.ip_forward" are the same file. */
    private static String sysctlKey(String key) {
        return key.replace('/', '.');
    }

    @Override
    public void setSysctl(Where where, String key, String value) {
        space(where).sysctls.put(sysctlKey(key), value.strip());
    }

    @Override
    public Kernel.Firewall firewall(Where where) {
        return new Kernel.Firewall() {
            public Iptables.Saved save() {
                return space(where).firewall.save();
            }

            public void restore(Map<String, List<String>> linesByTable, java.util.function.Function<List<String>, String> before) {
                space(where).firewall.restore(linesByTable); // all or nothing by itself
            }
        };
    }

    /** Read from the model each time it is asked (no generation to trust): cheap here. */
    @Override
    public netgroovy.firewall.Ruleset rules(Where where) {
        return rulesets.computeIfAbsent(where, w -> new netgroovy.firewall.Ruleset(firewall(w), () -> -1));
    }

    private final Map<Where, netgroovy.firewall.Ruleset> rulesets = new java.util.HashMap<>();

    @Override
    public Kernel.Files files() {
        return new Kernel.Files() {
            public String read(Path file) {
                return files.get(file);
            }

            public void write(Path file, String text) {
                createDirectories(file.getParent());
                files.put(file, text);
            }

            public void append(Path file, String text) {
                if (!files.containsKey(file)) {
                    throw new KernelException("cannot append to " + file + ": NoSuchFileException");
                }
                files.put(file, files.get(file) + text);
            }

            public boolean isDirectory(Path dir) {
                return directories.contains(dir);
            }

            public void createDirectories(Path dir) {
                for (Path d = dir; d != null && d.getParent() != null; d = d.getParent()) {
                    directories.add(d);
                }
            }

            public List<Path> list(Path dir) {
                List<Path> out = new ArrayList<>();
                files.keySet().stream().filter(f -> dir.equals(f.getParent())).forEach(out::add);
                directories.stream().filter(d -> dir.equals(d.getParent())).forEach(out::add);
                out.sort(null);
                return out;
            }

            public void delete(Path path) {
                if (directories.contains(path) && !list(path).isEmpty()) {
                    throw new KernelException("cannot remove " + path + ": directory not empty");
                }
                files.remove(path);
                directories.remove(path);
            }
        };
    }

    /** There are no processes here: only {@code iptables-save} answers (the firewall views use it). */
    @Override
    public ExecResult exec(Where where, List<String> argv, Duration timeout) {
        if (argv.equals(List.of("iptables-save"))) {
            return new ExecResult(0, space(where).firewall.text(), "", false);
        }
        return new ExecResult(127, "", "the in-memory kernel runs no processes (" + String.join(" ", argv) + ")\n", false);
    }

    @Override
    public void inside(Where where, Runnable work) {
        space(where);
        work.run();
    }

    @Override
    public void settle(String where, String name) {
        settled.add(where + "/" + name);
    }

    @Override
    public boolean isSettled(String where, String name) {
        return settled.contains(where + "/" + name);
    }

    @Override
    public void forget(Where where) {
    }

    @Override
    public void releaseNamespaces() {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "an in-memory kernel";
    }

    private Mac newMac() {
        int n = ++nextMac;
        return Mac.of(new byte[] {2, 0, 0, 0, (byte) (n >> 8), (byte) n});
    }
}
