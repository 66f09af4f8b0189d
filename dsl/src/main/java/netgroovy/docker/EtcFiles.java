package netgroovy.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The files Docker writes for a container, kept where iproute2 looks for them:
 * /etc/netns/NAME/{hosts,hostname,resolv.conf}. A process started inside the container gets
 * them bind-mounted over /etc, as {@code ip netns exec} does (see {@link #wrap}).
 */
public final class EtcFiles {
    static final Path ROOT = Path.of("/etc/netns");

    private EtcFiles() {
    }

    /** /etc/hosts as Docker writes it: localhost lines, then the container itself, then its links. */
    public static String hosts(String ip, String hostname, String name, Map<String, String> others) {
        StringBuilder b = new StringBuilder();
        b.append("127.0.0.1\tlocalhost\n");
        b.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        b.append("fe00::0\tip6-localnet\n");
        b.append("ff00::0\tip6-mcastprefix\n");
        b.append("ff02::1\tip6-allnodes\n");
        b.append("ff02::2\tip6-allrouters\n");
        if (ip != null) {
            b.append(ip).append('\t').append(hostname).append(name.equals(hostname) ? "" : " " + name).append('\n');
        }
        others.forEach((names, address) -> b.append(address).append('\t').append(names).append('\n'));
        return b.toString();
    }

    /** resolv.conf: the given servers and search domains, or the host's own file. */
    public static String resolvConf(List<String> dns, List<String> search) {
        if (dns.isEmpty() && search.isEmpty()) {
            try {
                return Files.readString(Path.of("/etc/resolv.conf"));
            } catch (IOException e) {
                return "";
            }
        }
        StringBuilder b = new StringBuilder();
        if (!search.isEmpty()) {
            b.append("search ").append(String.join(" ", search)).append('\n');
        }
        dns.forEach(d -> b.append("nameserver ").append(d).append('\n'));
        return b.toString();
    }

    public static void write(String container, String hosts, String hostname, String resolv) {
        Path dir = ROOT.resolve(container);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("hosts"), hosts);
            Files.writeString(dir.resolve("hostname"), hostname + "\n");
            Files.writeString(dir.resolve("resolv.conf"), resolv);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + dir + ": " + e.getMessage()
                    + " (in the sandbox /etc is a private overlay; with --host this needs root)");
        }
    }

    public static void remove(String container) {
        Path dir = ROOT.resolve(container);
        try {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + dir + ": " + e.getMessage());
        }
    }

    /** The files of a container's folder, name to content; null when there is no folder. */
    public static Map<String, String> read(String container) {
        Path dir = ROOT.resolve(container);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Map<String, String> files = new java.util.TreeMap<>();
        try (var list = Files.list(dir)) {
            for (Path f : list.toList()) {
                files.put(f.getFileName().toString(), Files.readString(f));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dir + ": " + e.getMessage());
        }
        return files;
    }

    /** Puts a container's folder back as {@link #read} found it (null: no folder). */
    public static void restore(String container, Map<String, String> files) {
        remove(container);
        if (files == null) {
            return;
        }
        Path dir = ROOT.resolve(container);
        try {
            Files.createDirectories(dir);
            for (var f : files.entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + dir + ": " + e.getMessage());
        }
    }

    public static boolean exist(String container) {
        return Files.isDirectory(ROOT.resolve(container));
    }

    /**
     * The command wrapped so that it runs in a mount namespace of its own, with each file of
     * /etc/netns/NAME bound over its namesake in /etc — what {@code ip netns exec} does.
     */
    public static List<String> wrap(String container, List<String> argv) {
        return wrap(container, argv, "");
    }

    /**
     * As {@link #wrap(String, List)}, for a process Docker starts: in the container's working
     * directory, /, and without the PWD the wrapping shell would add to its environment.
     */
    public static List<String> wrapForContainer(String container, List<String> argv) {
        return wrap(container, argv, "cd / && unset PWD OLDPWD; ");
    }

    private static List<String> wrap(String container, List<String> argv, String before) {
        if (!exist(container)) {
            return argv;
        }
        List<String> out = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "for f in /etc/netns/\"$0\"/*; do [ -e \"$f\" ] && mount --bind \"$f\" \"/etc/${f##*/}\"; done; "
                        + before + "exec \"$@\"",
                container));
        out.addAll(argv);
        return out;
    }
}
