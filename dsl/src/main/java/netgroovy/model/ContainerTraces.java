package netgroovy.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.docker.Container;
import netgroovy.docker.EtcFiles;

/**
 * What a container leaves outside the marks, read back when the world is rebuilt: its links
 * (the lines of its /etc/netns/NAME/hosts before its own), its own dns options (its
 * resolv.conf, when that is not the one the daemon's options give), the pid of its command
 * (the lowest pid in its namespace) and that process's environment (/proc/PID/environ, less
 * what Docker adds: PATH, HOSTNAME, HOME and the links' variables).
 */
final class ContainerTraces {
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** The localhost lines every hosts file starts with ({@link EtcFiles#hosts}). */
    private static final int LOCALHOST_LINES = 6;

    private ContainerTraces() {
    }

    /** Reads what it can for every container of {@code w} with a namespace of its own; one look at /proc for all. */
    static void read(World w, Marks.Links kernel) {
        List<Container> own = w.containers.values().stream().filter(c -> c.name.equals(c.namespace)).toList();
        if (own.isEmpty()) {
            return;
        }
        Map<String, Long> pids = kernel.firstPids();
        for (Container c : own) {
            Map<String, String> files = EtcFiles.read(c.name);
            if (files == null) {
                continue;
            }
            links(w, c, files.get("hosts"));
            dns(w, c, files.getOrDefault("written:resolv.conf", files.get("resolv.conf")));
        }
        for (Container c : own) {
            Long pid = pids.get(c.namespace);
            if (pid != null) {
                c.pid = pid;
                environment(c, kernel.environment(pid));
            }
        }
    }

    /**
     * Links are the lines between the localhost lines and the container's own address:
     * {@code IP<TAB>ALIAS HOSTNAME [NAME]} (NAME only when it is not the alias), each naming
     * a container that is there, at that address.
     */
    private static void links(World w, Container c, String hosts) {
        if (hosts == null) {
            return;
        }
        List<String> own = c.attachments.stream().map(a -> a.ip().toString()).toList();
        List<String> lines = hosts.lines().toList();
        for (String line : lines.subList(Math.min(LOCALHOST_LINES, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || own.contains(f[0])) {
                break; // its own line: the links are before it
            }
            String target = f.length > 3 ? f[3] : f[1];
            Container t = w.containers.get(target);
            if (f.length <= 4 && t != null && t.ip != null && t.ip.toString().equals(f[0]) && f[2].equals(t.hostname)) {
                c.links.put(f[1], target);
            }
        }
    }

    /** Its own dns:/dnsSearch: are what its resolv.conf says unlike the file the daemon's options give. */
    private static void dns(World w, Container c, String resolv) {
        if (resolv == null) {
            return;
        }
        String byDaemon = EtcFiles.resolvConf(w.dns, w.dnsSearch);
        if (resolv.equals(byDaemon) || resolv.equals(EtcFiles.embeddedResolvConf(byDaemon))) {
            return;
        }
        List<String> servers = EtcFiles.nameservers(resolv);
        if (!servers.equals(EtcFiles.nameservers(byDaemon)) && !servers.equals(List.of(netgroovy.docker.EmbeddedDns.ADDRESS))) {
            c.dns = servers; // (behind the embedded server, 127.0.0.11, its own servers are not written anywhere)
        }
        List<String> search = search(resolv);
        if (!search.equals(search(byDaemon))) {
            c.dnsSearch = search;
        }
    }

    private static List<String> search(String resolv) {
        List<String> domains = new ArrayList<>();
        for (String line : resolv.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 1 && (f[0].equals("search") || f[0].equals("domain"))) {
                domains = new ArrayList<>(List.of(f).subList(1, f.length));
            }
        }
        return domains;
    }

    /** Its own environment: the process's, less what Docker gives every container and its links' variables. */
    private static void environment(Container c, Map<String, String> env) {
        if (env.isEmpty()) {
            return;
        }
        List<String> prefixes = c.links.keySet().stream().map(a -> a.toUpperCase().replaceAll("[^A-Z0-9]", "_") + "_").toList();
        Map<String, String> own = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            boolean docker = k.equals("PATH") && v.equals(PATH) || k.equals("HOSTNAME") && v.equals(c.hostname) || k.equals("HOME") && v.equals("/");
            boolean link = prefixes.stream().anyMatch(p -> k.startsWith(p) && (k.equals(p + "NAME") || k.startsWith(p + "PORT") || k.startsWith(p + "ENV_")));
            if (!docker && !link) {
                own.put(k, v);
            }
        });
        c.env.clear();
        c.env.putAll(own);
    }

    /** The hostname a net: 'host' container sees: the (sandbox's or machine's) own. */
    static String hostHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
