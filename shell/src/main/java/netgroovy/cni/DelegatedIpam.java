package netgroovy.cni;

import groovy.json.JsonOutput;
import groovy.json.JsonSlurper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An IPAM plugin (host-local, static, dhcp ...) called as the spec says a delegating plugin
 * calls one: the binary named by {@code ipam.type}, found on CNI_PATH, with our own
 * environment (CNI_COMMAND as given) and our whole configuration on stdin; its result (ips,
 * routes, dns, without interfaces) comes back on stdout.
 */
final class DelegatedIpam {
    private DelegatedIpam() {
    }

    /** Runs the plugin for {@code command}; returns its result (null when it printed nothing, as DEL does). */
    static Map<String, Object> call(Invocation inv, NetConf conf, String command) {
        String type = conf.ipamType();
        if (type.contains("/")) {
            throw new CniException(CniException.INVALID_CONFIG, "invalid network configuration: ipam type '" + type + "' is not a plugin name", "");
        }
        Path binary = inv.path().stream().map(d -> Path.of(d, type)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new CniException(CniException.INVALID_CONFIG, "IPAM plugin '" + type + "' not found on CNI_PATH",
                        "CNI_PATH=" + String.join(":", inv.path())));
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        pb.environment().clear();
        pb.environment().putAll(inv.env());
        pb.environment().put("CNI_COMMAND", command);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(JsonOutput.toJson(conf.raw).getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CniException(CniException.TRY_AGAIN_LATER, "IPAM plugin " + type + " did not answer " + command + " within 60 s", "");
            }
            Map<String, Object> result = out.isBlank() ? null : NetConf.cast((Map<?, ?>) new JsonSlurper().parseText(out));
            if (p.exitValue() != 0) {
                if (result != null && result.get("code") instanceof Number code) {
                    throw new CniException(code.intValue(), type + ": " + result.get("msg"), String.valueOf(result.getOrDefault("details", "")));
                }
                throw new CniException(CniException.SETUP_FAILED, "IPAM plugin " + type + " failed " + command + " (exit " + p.exitValue() + ")", out.strip());
            }
            return result;
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "cannot run IPAM plugin " + binary, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(CniException.TRY_AGAIN_LATER, "interrupted while IPAM plugin " + type + " ran", "", e);
        } catch (ClassCastException | groovy.json.JsonException e) {
            throw new CniException(CniException.DECODING_FAILURE, "IPAM plugin " + type + " answered something that is not a result", e.getMessage(), e);
        }
    }
}
