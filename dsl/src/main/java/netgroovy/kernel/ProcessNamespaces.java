package netgroovy.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The network namespaces that only processes hold: not named under /run/netns, not the
 * host's. A container's namespace entered by pid ({@code netns(4242)}) is one; the
 * topology names it after its first process ({@code pid 4242 (sleep)}). Read from /proc,
 * as {@code lsns -t net} does.
 */
public final class ProcessNamespaces {
    /** A namespace and the lowest pid in it, with that process's command name. */
    public record Held(long pid, String command) {
        public String label() {
            return "pid " + pid + (command.isEmpty() ? "" : " (" + command + ")");
        }
    }

    private ProcessNamespaces() {
    }

    public static List<Held> list() {
        Set<String> known = new HashSet<>();
        known.add(inode(Path.of("/proc/self/ns/net")));
        for (String name : Namespaces.list()) {
            try {
                known.add("net:[" + Files.getAttribute(NetNs.RUN_NETNS.resolve(name), "unix:ino") + "]");
            } catch (IOException | RuntimeException e) {
                // a namespace deleted meanwhile
            }
        }
        Map<String, Long> firstPid = new TreeMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                String ns = inode(p.resolve("ns/net"));
                long pid = Long.parseLong(p.getFileName().toString());
                if (ns != null && !known.contains(ns)) {
                    firstPid.merge(ns, pid, Math::min);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        List<Held> out = new ArrayList<>();
        firstPid.values().stream().sorted().forEach(pid -> out.add(new Held(pid, command(pid))));
        return out;
    }

    /** "net:[4026532281]", or null for a process gone or not ours to look at. */
    private static String inode(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
