package netgroovy.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netgroovy.kernel.KernelException;
import netgroovy.plan.Kernel;
import netgroovy.plan.LiveKernel;

/**
 * The files Docker writes for a container, kept where iproute2 looks for them:
 * /etc/netns/NAME/{hosts,hostname,resolv.conf}. A process started inside the container gets
 * them bind-mounted over /etc, as {@code ip netns exec} does (see {@link #wrap}).
 */
public final class EtcFiles {
    /** Blanks between a line's words (compiled once: String.split compiles a pattern each call, and resolv.conf is read per container). */
    private static final java.util.regex.Pattern BLANKS = java.util.regex.Pattern.compile("\\s+");
    private static final java.util.regex.Pattern TRAILING_NEWLINES = java.util.regex.Pattern.compile("\n+$");

    static final Path ROOT = Path.of("/etc/netns");
    /**
     * What netgroovy wrote last for each container, to tell its lines from someone else's: one
     * folder for all, a file per container and file ({@code NAME.hosts}, {@code
     * NAME.resolv.conf}: as each ends in its file's name, two containers' copies never share a
     * name), so that a new container's copies cost no folder of their own (a mkdir and, when it
     * goes, an rmdir).
     */
    static final Path WRITTEN = Path.of("/run/netgroovy/etc-written");
    /** The files netgroovy keeps a copy of. */
    private static final List<String> COPIED = List.of("hosts", "resolv.conf");
    /** In {@link #read}'s map, the copies in {@link #WRITTEN} carry this prefix. */
    private static final String WRITTEN_KEY = "written:";

    /** netgroovy's copy of what it last wrote to {@code file} of {@code container}'s folder. */
    private static Path written(String container, String file) {
        return WRITTEN.resolve(container + "." + file);
    }

    private EtcFiles() {
    }

    /**
     * /etc/hosts as Docker 20.10 writes it: the localhost lines; a line per link,
     * {@code IP<TAB>alias hostname name}; the container's own line on each network,
     * {@code IP<TAB>hostname}. Then (netgroovy's /etc/hosts mode, the seeds' era, where Docker
     * ≥1.10 answers by its embedded DNS server instead) a line per other member of its user
     * networks, {@code IP<TAB>name}.
     *
     * @param links names ("db 27198ab1696a redis") to address
     * @param peers names to address
     */
    public static String hosts(Map<String, String> links, List<String> ownIps, String hostname, Map<String, String> peers) {
        StringBuilder b = new StringBuilder();
        b.append("127.0.0.1\tlocalhost\n");
        b.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        b.append("fe00::0\tip6-localnet\n");
        b.append("ff00::0\tip6-mcastprefix\n");
        b.append("ff02::1\tip6-allnodes\n");
        b.append("ff02::2\tip6-allrouters\n");
        links.forEach((names, address) -> b.append(address).append('\t').append(names).append('\n'));
        ownIps.forEach(ip -> b.append(ip).append('\t').append(hostname).append('\n'));
        peers.forEach((names, address) -> b.append(address).append('\t').append(names).append('\n'));
        return b.toString();
    }

    /** A line's words, as {@code line.trim().split("\\s+")} gives them. */
    private static String[] words(String line) {
        return BLANKS.split(line.trim());
    }

    /** resolv.conf from the host's own /etc/resolv.conf, as Docker derives it (see {@link #resolvConf(String, List, List)}). */
    public static String resolvConf(List<String> dns, List<String> search) {
        String host = hostResolvConf();
        Derived d = derived;
        if (d != null && d.host() == host && d.dns().equals(dns) && d.search().equals(search)) {
            return d.out();
        }
        String out = resolvConf(host, dns, search);
        derived = new Derived(host, List.copyOf(dns), List.copyOf(search), out);
        return out;
    }

    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    /**
     * The host's resolv.conf as last read, and what told that file apart (device and inode,
     * size, time of last write); {@code settled}: written well before it was read, so that any
     * later write shows as another time (see {@link #hostResolvConf}).
     */
    private record HostFile(Object key, long size, java.nio.file.attribute.FileTime modified, boolean settled, String text) {
    }

    /** The last container's resolv.conf and what it was made from (containers of a script mostly share all three). */
    private record Derived(String host, List<String> dns, List<String> search, String out) {
    }

    private static volatile HostFile hostFile;
    private static volatile Derived derived;

    /**
     * The host's /etc/resolv.conf, read again only when it changed: every container reads it,
     * and reading and parsing it was ~20 µs of a container's ~1.3 ms. Told by inode, size and
     * time of last write (a rewrite in place changes the time; a replacing rename, the inode).
     * File times tick coarsely (a few ms): a file written less than a second before it was read
     * could be written again, as long, within the same tick, so it is read again each time until
     * it is older (git's "racily clean" entries, the same way).
     */
    private static String hostResolvConf() {
        try {
            // (one stat; the "unix:" view would give the ctime too, but asking it costs as much as reading the file)
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(HOST_RESOLV_CONF, java.nio.file.attribute.BasicFileAttributes.class);
            HostFile h = hostFile;
            if (h != null && h.settled() && h.size() == a.size() && h.modified().equals(a.lastModifiedTime())
                    && java.util.Objects.equals(h.key(), a.fileKey())) {
                return h.text();
            }
            long readAt = System.currentTimeMillis();
            String text = Files.readString(HOST_RESOLV_CONF);
            boolean settled = readAt - a.lastModifiedTime().toMillis() >= 1000;
            hostFile = new HostFile(a.fileKey(), a.size(), a.lastModifiedTime(), settled, text);
            return text;
        } catch (IOException e) {
            return "";
        }
    }

    /** resolv.conf of {@code c} in hosts mode: its own dns:/dnsSearch: if it was given them, else the daemon's, else the host's. */
    public static String resolvConf(Container c, List<String> daemonDns, List<String> daemonSearch) {
        return resolvConf(c.dns != null ? c.dns : daemonDns, c.dnsSearch != null ? c.dnsSearch : daemonSearch);
    }

    /**
     * resolv.conf as Docker 20.10 writes it from the host's file: with the container's (or
     * the daemon's) servers or search domains given, a new file of search, nameserver and the
     * host's options lines; otherwise the host's file without the nameservers a container
     * cannot reach (127.0.0.0/8, ::1), and Google's 8.8.8.8 and 8.8.4.4 if none is left.
     */
    public static String resolvConf(String host, List<String> dns, List<String> search) {
        List<String> servers = new ArrayList<>(), domains = new ArrayList<>(), options = new ArrayList<>();
        for (String line : host.split("\n")) {
            String[] w = words(line);
            if (w.length > 1 && w[0].equals("nameserver")) {
                servers.add(w[1]);
            } else if (w.length > 1 && (w[0].equals("search") || w[0].equals("domain"))) {
                domains.clear();
                domains.addAll(List.of(w).subList(1, w.length));
            } else if (w.length > 1 && w[0].equals("options")) {
                options.addAll(List.of(w).subList(1, w.length));
            }
        }
        if (!dns.isEmpty() || !search.isEmpty()) {
            StringBuilder b = new StringBuilder();
            List<String> d = search.isEmpty() ? domains : search;
            if (!d.isEmpty()) {
                b.append("search ").append(String.join(" ", d)).append('\n');
            }
            (dns.isEmpty() ? servers : dns).forEach(s -> b.append("nameserver ").append(s).append('\n'));
            if (!options.isEmpty()) {
                b.append("options ").append(String.join(" ", options)).append('\n');
            }
            return b.toString();
        }
        StringBuilder b = new StringBuilder();
        boolean any = false;
        for (String line : host.split("\n", -1)) {
            String[] w = words(line);
            if (w.length > 1 && w[0].equals("nameserver")) {
                if (w[1].startsWith("127.") || w[1].equals("::1")) {
                    continue;
                }
                any = true;
            }
            b.append(line).append('\n');
        }
        String out = TRAILING_NEWLINES.matcher(b).replaceAll("\n");
        if (out.equals("\n")) {
            out = "";
        }
        if (!any) {
            out += "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";
        }
        return out;
    }

    /**
     * resolv.conf of a container whose names come from the embedded DNS server, as Docker
     * 20.10 rebuilds it: the search domains and options of the file it would have written
     * otherwise ({@code resolv}), the one nameserver 127.0.0.11, and {@code ndots:0} unless an
     * ndots option is there. (Docker also keeps the host's IPv6 nameservers; netgroovy does not.)
     */
    public static String embeddedResolvConf(String resolv) {
        List<String> domains = new ArrayList<>(), options = new ArrayList<>();
        for (String line : resolv.split("\n")) {
            String[] w = words(line);
            if (w.length > 1 && (w[0].equals("search") || w[0].equals("domain"))) {
                domains.clear();
                domains.addAll(List.of(w).subList(1, w.length));
            } else if (w.length > 1 && w[0].equals("options")) {
                options.addAll(List.of(w).subList(1, w.length));
            }
        }
        if (options.stream().noneMatch(o -> o.startsWith("ndots:"))) {
            options.add("ndots:0");
        }
        StringBuilder b = new StringBuilder();
        if (!domains.isEmpty()) {
            b.append("search ").append(String.join(" ", domains)).append('\n');
        }
        b.append("nameserver ").append(EmbeddedDns.ADDRESS).append('\n');
        b.append("options ").append(String.join(" ", options)).append('\n');
        return b.toString();
    }

    /** The nameserver lines of a resolv.conf, in order: where the embedded server forwards what it does not know. */
    public static List<String> nameservers(String resolv) {
        List<String> servers = new ArrayList<>();
        for (String line : resolv.split("\n")) {
            String[] w = words(line);
            if (w.length > 1 && w[0].equals("nameserver")) {
                servers.add(w[1]);
            }
        }
        return servers;
    }

    /**
     * Writes a container's files. As Docker does for a running container, what someone
     * changed inside it stays: lines added to /etc/hosts are kept when netgroovy rewrites the
     * file (Docker adds and deletes only its own records), and an edited resolv.conf is left
     * alone (Docker compares it with the hash of what it wrote). What netgroovy wrote last is
     * kept beside, under /run/netgroovy/etc-written, never in /etc/netns where
     * {@code ip netns exec} would bind it over /etc. {@code before} is the folder as {@link #read}
     * found it (the caller keeps it to undo with): null when there is none, a new container's,
     * whose folders are then made before its files are written.
     */
    public static void write(Kernel.Files fs, String container, Map<String, String> before, String hosts, String hostname, String resolv) {
        try {
            if (before == null) {
                fs.createDirectories(ROOT.resolve(container));
                put(fs, container, hosts, hosts, hostname, resolv);
                return;
            }
            String wroteHosts = before.get(WRITTEN_KEY + "hosts");
            String keptHosts = hosts + (wroteHosts == null ? "" : added(before.get("hosts"), wroteHosts, hosts));
            String wrote = before.get(WRITTEN_KEY + "resolv.conf");
            String current = before.get("resolv.conf");
            boolean edited = current != null && wrote != null && !current.equals(wrote);
            put(fs, container, keptHosts, hosts, hostname, edited ? null : resolv);
        } catch (KernelException e) {
            throw new IllegalStateException(e.getMessage() + " (in the sandbox /etc is a private overlay; with --host this needs root)");
        }
    }

    /** The files, and netgroovy's copies of what it wrote; {@code resolv} null: a resolv.conf the user edited stays. */
    private static void put(Kernel.Files fs, String container, String hostsFile, String hostsWritten, String hostname, String resolv) {
        Path dir = ROOT.resolve(container);
        fs.write(dir.resolve("hosts"), hostsFile);
        fs.write(dir.resolve("hostname"), hostname + "\n");
        if (resolv != null) {
            fs.write(dir.resolve("resolv.conf"), resolv);
        }
        fs.write(written(container, "hosts"), hostsWritten); // (the folder is made by the first container's first copy)
        if (resolv != null) {
            fs.write(written(container, "resolv.conf"), resolv);
        }
    }

    /** The lines of {@code current} that netgroovy did not write last time and does not write now: someone else's. */
    static String added(String current, String wroteBefore, String writesNow) {
        if (current == null || wroteBefore == null) {
            return "";
        }
        java.util.Set<String> ours = new java.util.HashSet<>(List.of(wroteBefore.split("\n")));
        ours.addAll(List.of(writesNow.split("\n")));
        StringBuilder b = new StringBuilder();
        for (String line : current.split("\n")) {
            if (!ours.contains(line)) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    public static void remove(String container) {
        remove(LiveKernel.hostFiles(), container);
    }

    public static void remove(Kernel.Files fs, String container) {
        removeDir(fs, ROOT.resolve(container));
        try {
            for (String file : COPIED) {
                fs.delete(written(container, file));
            }
        } catch (KernelException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    private static void removeDir(Kernel.Files fs, Path dir) {
        try {
            if (fs.isDirectory(dir)) {
                for (Path f : fs.list(dir)) {
                    fs.delete(f);
                }
                fs.delete(dir);
            }
        } catch (KernelException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** The files of a container's folder (and what netgroovy wrote last), name to content; null when there is no folder. */
    public static Map<String, String> read(String container) {
        return read(LiveKernel.hostFiles(), container);
    }

    public static Map<String, String> read(Kernel.Files fs, String container) {
        Path dir = ROOT.resolve(container);
        if (!fs.isDirectory(dir)) {
            return null;
        }
        Map<String, String> files = new java.util.TreeMap<>();
        try {
            for (Path f : fs.list(dir)) {
                String text = fs.read(f);
                if (text != null) {
                    files.put(f.getFileName().toString(), text);
                }
            }
            for (String file : COPIED) {
                String text = fs.read(written(container, file));
                if (text != null) {
                    files.put(WRITTEN_KEY + file, text);
                }
            }
        } catch (KernelException e) {
            throw new IllegalStateException(e.getMessage());
        }
        return files;
    }

    /** Puts a container's folder back as {@link #read} found it (null: no folder). */
    public static void restore(String container, Map<String, String> files) {
        restore(LiveKernel.hostFiles(), container, files);
    }

    public static void restore(Kernel.Files fs, String container, Map<String, String> files) {
        remove(fs, container);
        if (files == null) {
            return;
        }
        Path dir = ROOT.resolve(container);
        try {
            fs.createDirectories(dir);
            for (var f : files.entrySet()) {
                boolean ours = f.getKey().startsWith(WRITTEN_KEY);
                Path to = ours ? written(container, f.getKey().substring(WRITTEN_KEY.length())) : dir.resolve(f.getKey());
                fs.write(to, f.getValue());
            }
        } catch (KernelException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** A container's folder as teardown names what it removes whole (see {@link netgroovy.plan.Op#takesAlong}). */
    static String folder(String container) {
        return ROOT.resolve(container).toString();
    }

    /** One line more at the end of a container's /etc/hosts, and of what netgroovy wrote there. */
    static void appendHostsLine(Kernel.Files fs, String container, String line) {
        try {
            fs.append(ROOT.resolve(container).resolve("hosts"), line + "\n");
            fs.append(written(container, "hosts"), line + "\n");
        } catch (KernelException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** Takes the last such line out of a container's /etc/hosts again (and out of what netgroovy wrote). */
    static void removeHostsLine(Kernel.Files fs, String container, String line) {
        for (Path file : List.of(ROOT.resolve(container).resolve("hosts"), written(container, "hosts"))) {
            String text = fs.read(file);
            int at = text == null ? -1 : text.lastIndexOf(line + "\n");
            if (at == 0 || at > 0 && text.charAt(at - 1) == '\n') {
                fs.write(file, text.substring(0, at) + text.substring(at + line.length() + 1));
            }
        }
    }

    public static boolean exist(String container) {
        return exist(LiveKernel.hostFiles(), container);
    }

    public static boolean exist(Kernel.Files fs, String container) {
        return fs.isDirectory(ROOT.resolve(container));
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
