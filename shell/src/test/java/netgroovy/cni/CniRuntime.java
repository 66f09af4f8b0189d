package netgroovy.cni;

import groovy.json.JsonOutput;
import groovy.json.JsonSlurper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A container runtime's CNI half, as libcni and cnitool do it, and nothing more: each plugin is
 * its own process, started with the CNI_* environment and its configuration on stdin; a list
 * runs its plugins in order for ADD (each one's result becomes the next one's prevResult) and
 * in reverse for DEL. netgroovy-cni is the real installed plugin (`install-cni`), the others are
 * Debian's reference plugins from /usr/lib/cni.
 */
final class CniRuntime {
    static final Path REFERENCE = Path.of("/usr/lib/cni");
    final Path bin;

    CniRuntime(Path dir) throws IOException, InterruptedException {
        this.bin = dir.resolve("bin");
        Files.createDirectories(bin);
        CniInstall.install(bin, false);
    }

    /**
     * A node as runtimes find it, with a fresh state folder under dir for the plugin: its nat
     * and filter tables exist (kube-proxy, Docker or the distribution made them); a new network
     * namespace has none until something writes one.
     */
    static Path node(Path dir) throws IOException {
        netgroovy.testing.Sh.ok("iptables", "-t", "nat", "-N", "NG-TEST-INIT");
        netgroovy.testing.Sh.ok("iptables", "-t", "nat", "-X", "NG-TEST-INIT");
        netgroovy.testing.Sh.ok("iptables", "-N", "NG-TEST-INIT");
        netgroovy.testing.Sh.ok("iptables", "-X", "NG-TEST-INIT");
        return Files.createTempDirectory(dir, "data");
    }

    String cniPath() {
        return bin + ":" + REFERENCE;
    }

    /** What a plugin answered: its exit code, stdout parsed (null when empty), and its log. */
    record Answer(int code, Map<String, Object> json, String out, String err) {
        boolean ok() {
            return code == 0;
        }

        String transcript() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** One plugin, one command. */
    Answer call(String type, String command, String containerId, String netns, String ifname, Map<String, Object> conf) {
        return call(type, command, containerId, netns, ifname, JsonOutput.toJson(conf), Map.of());
    }

    Answer call(String type, String command, String containerId, String netns, String ifname, String stdin, Map<String, String> extraEnv) {
        Path binary = Files.isExecutable(bin.resolve(type)) ? bin.resolve(type) : REFERENCE.resolve(type);
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CNI_"));
        env.put("CNI_COMMAND", command);
        if (containerId != null) {
            env.put("CNI_CONTAINERID", containerId);
        }
        if (netns != null) {
            env.put("CNI_NETNS", netns);
        }
        if (ifname != null) {
            env.put("CNI_IFNAME", ifname);
        }
        env.put("CNI_PATH", cniPath());
        env.putAll(extraEnv);
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(type + " " + command + " did not finish within 120 s");
            }
            String o = out.join();
            @SuppressWarnings("unchecked")
            Map<String, Object> json = o.isBlank() ? null : (Map<String, Object>) new JsonSlurper().parseText(o);
            return new Answer(p.exitValue(), json, o, err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A network configuration list on one attachment, as libcni runs it: ADD in order, DEL in
     * reverse; the list's name and version and (after ADD) prevResult are put into each
     * plugin's configuration, the runtime's capability arguments into runtimeConfig.
     */
    @SuppressWarnings("unchecked")
    Answer list(String command, Map<String, Object> conflist, String containerId, String netns, String ifname,
                Map<String, Object> prevResult, Map<String, Object> runtimeConfig) {
        List<Map<String, Object>> plugins = new ArrayList<>((List<Map<String, Object>>) conflist.get("plugins"));
        if (command.equals("DEL")) {
            Collections.reverse(plugins);
        }
        Map<String, Object> prev = prevResult;
        Answer last = null;
        for (Map<String, Object> p : plugins) {
            Map<String, Object> conf = new LinkedHashMap<>(p);
            conf.put("cniVersion", conflist.get("cniVersion"));
            conf.put("name", conflist.get("name"));
            if (prev != null) {
                conf.put("prevResult", prev);
            }
            if (p.get("capabilities") instanceof Map<?, ?> caps && runtimeConfig != null) {
                Map<String, Object> rc = new LinkedHashMap<>();
                caps.forEach((k, v) -> {
                    if (Boolean.TRUE.equals(v) && runtimeConfig.containsKey(k)) {
                        rc.put((String) k, runtimeConfig.get(k));
                    }
                });
                conf.put("runtimeConfig", rc);
            }
            last = call((String) p.get("type"), command, containerId, netns, ifname, conf);
            if (!last.ok()) {
                throw new AssertionError(p.get("type") + " " + command + " failed: " + last.transcript());
            }
            if (command.equals("ADD")) {
                prev = last.json();
            }
        }
        return last;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
