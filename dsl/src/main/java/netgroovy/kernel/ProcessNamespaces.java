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
        Set<String> known = new HashSet<>(named().keySet());
        known.add(inode(Path.of("/proc/self/ns/net")));
        Map<String, Long> firstPid = new TreeMap<>(firstPids());
        firstPid.keySet().removeAll(known);
        List<Held> out = new ArrayList<>();
        firstPid.values().stream().sorted().forEach(pid -> out.add(new Held(pid, command(pid))));
        return out;
    }

    /**
     * The lowest pid in each named namespace that has a process, by the namespace's name: a
     * container's command, found again when the state store is rebuilt.
     */
    public static Map<String, Long> ofNamed() {
        Map<String, String> names = named();
        Map<String, Long> out = new TreeMap<>();
        firstPids().forEach((inode, pid) -> {
            if (names.containsKey(inode)) {
                out.put(names.get(inode), pid);
            }
        });
        return out;
    }

    /** The named namespaces by their inode ("net:[4026532281]"). */
    private static Map<String, String> named() {
        Map<String, String> byInode = new java.util.HashMap<>();
        for (String name : Namespaces.list()) {
            try {
                byInode.put("net:[" + Files.getAttribute(NetNs.RUN_NETNS.resolve(name), "unix:ino") + "]", name);
            } catch (IOException | RuntimeException e) {
                // a namespace deleted meanwhile
            }
        }
        return byInode;
    }

    /** The lowest pid of every network namespace a process is in, by its inode: one pass over /proc. */
    private static Map<String, Long> firstPids() {
        Map<String, Long> firstPid = new java.util.HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                String ns = inode(p.resolve("ns/net"));
                if (ns != null) {
                    firstPid.merge(ns, Long.parseLong(p.getFileName().toString()), Math::min);
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return firstPid;
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
