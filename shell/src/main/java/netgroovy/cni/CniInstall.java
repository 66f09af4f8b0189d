package netgroovy.cni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes {@code DIR/netgroovy-cni}: a small shell script that starts this JVM's java on this
 * JVM's class path with the plugin's entry point, so the plugin runs the same jars (and finds
 * the same recipes, through NETGROOVY_HOME) as {@code ./netgroovy}. Then, unless told not to,
 * makes a class-data archive next to it from a training run, which roughly halves each call's
 * start-up.
 */
final class CniInstall {
    /** The launcher's flags for a short-lived JVM (see ./netgroovy). */
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
            "-Xshare:auto", "-Xlog:all=warning:stderr", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private CniInstall() {
    }

    static Path install(Path dir, boolean archive) throws IOException, InterruptedException {
        return install(dir, archive, null);
    }

    /** socket: the cni-server socket the plugin looks for (null: NETGROOVY_CNI_SOCKET, else the default). */
    static Path install(Path dir, boolean archive, Path socket) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = absoluteClasspath(System.getProperty("java.class.path"));
        String home = Path.of(System.getenv().getOrDefault("NETGROOVY_HOME", System.getProperty("netgroovy.home", ".")))
                .toAbsolutePath().normalize().toString();
        Path jsa = dir.resolve(CniConfigFiles.PLUGIN + ".jsa");
        Path plugin = dir.resolve(CniConfigFiles.PLUGIN);
        Files.deleteIfExists(jsa);
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# netgroovy-cni: netgroovy as a CNI plugin (written by `netgroovy install-cni`).\n");
        s.append("# A runtime runs it with CNI_COMMAND & co. and the network configuration on stdin.\n");
        s.append("NETGROOVY_HOME=").append(quote(home)).append("; export NETGROOVY_HOME\n");
        if (socket != null) {
            s.append(": \"${NETGROOVY_CNI_SOCKET:=").append(socket.toAbsolutePath().toString().replace("\"", "")).append("}\"; export NETGROOVY_CNI_SOCKET\n");
        }
        s.append("jsa=").append(quote(jsa.toString())).append("\n");
        s.append("if [ -f \"$jsa\" ]; then share=\"-XX:SharedArchiveFile=$jsa\"; else share=; fi\n");
        s.append("exec ").append(quote(java));
        for (String f : flags) {
            s.append(' ').append(f);
        }
        s.append(" $share -cp ").append(quote(classpath)).append(" netgroovy.cni.CniClient \"$@\"\n");
        Files.writeString(plugin, s.toString());
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (archive) {
            List<String> cmd = new ArrayList<>(List.of(java));
            cmd.addAll(flags);
            cmd.add("-XX:ArchiveClassesAtExit=" + jsa);
            cmd.addAll(List.of("-cp", classpath, "netgroovy.cni.CniTraining"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                Files.deleteIfExists(jsa);
                System.err.println("netgroovy: note: no class-data archive (the training run failed); the plugin works, only slower to start");
            }
        }
        return plugin;
    }

    /** Class path entries made absolute, so the plugin runs from whatever directory the runtime is in. */
    static String absoluteClasspath(String classpath) {
        List<String> out = new ArrayList<>();
        for (String e : classpath.split(":")) {
            if (e.isEmpty()) {
                continue;
            }
            boolean wildcard = e.endsWith("/*");
            String base = wildcard ? e.substring(0, e.length() - 2) : e;
            out.add(Path.of(base).toAbsolutePath().normalize() + (wildcard ? "/*" : ""));
        }
        return String.join(":", out);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
