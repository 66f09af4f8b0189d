package netgroovy.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import groovy.json.JsonSlurper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code netgroovy cni-config}: the conflist in the spec's shape, and Multus' NetworkAttachmentDefinition around it. */
class CniConfigTest {

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new CniCommands()).execute(args);
            assertEquals(0, code, "cni-config " + String.join(" ", args));
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** SPEC.md section 1: a list has cniVersion, a valid name, and plugins each with a type. */
    @SuppressWarnings("unchecked")
    static void conflistShape(Map<String, Object> list) {
        assertEquals("1.0.0", list.get("cniVersion"));
        assertTrue(((String) list.get("name")).matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*"), "name");
        List<Map<String, Object>> plugins = (List<Map<String, Object>>) list.get("plugins");
        assertTrue(!plugins.isEmpty(), "plugins");
        for (Map<String, Object> p : plugins) {
            assertTrue(p.get("type") instanceof String t && !t.contains("/"), "type: " + p);
            for (String reserved : List.of("runtimeConfig", "args")) {
                assertTrue(!p.containsKey(reserved), "a configuration must not carry the reserved key " + reserved);
            }
        }
        assertEquals(CniConfigFiles.PLUGIN, plugins.get(0).get("type"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConflistHasTheSpecsShapeWithPortmapAfterNetgroovy() {
        Map<String, Object> list = (Map<String, Object>) new JsonSlurper().parseText(run("cni-config", "demo", "--subnet", "10.89.0.0/24"));
        conflistShape(list);
        List<Map<String, Object>> plugins = (List<Map<String, Object>>) list.get("plugins");
        assertEquals(List.of("netgroovy-cni", "portmap"), plugins.stream().map(p -> p.get("type")).toList());
        assertEquals(Map.of("portMappings", true), plugins.get(1).get("capabilities"));
        assertEquals(Map.of("ips", true, "mac", true), plugins.get(0).get("capabilities"), "so runtimes pass --ip and --mac-address");
        assertEquals("10.89.0.0/24", plugins.get(0).get("subnet"));
        assertEquals("ng-demo", plugins.get(0).get("bridge"));

        Map<String, Object> hostLocal = (Map<String, Object>) new JsonSlurper().parseText(
                run("cni-config", "demo", "--ipam", "host-local", "--no-portmap"));
        conflistShape(hostLocal);
        Map<String, Object> ipam = (Map<String, Object>) ((List<Map<String, Object>>) hostLocal.get("plugins")).get(0).get("ipam");
        assertEquals("host-local", ipam.get("type"));
        assertEquals(List.of(List.of(Map.of("subnet", "10.88.0.0/16"))), ipam.get("ranges"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theNetworkAttachmentDefinitionCarriesTheSameList(@TempDir Path dir) throws Exception {
        String yaml = run("cni-config", "demo", "--subnet", "10.89.0.0/24", "--nad");
        List<String> lines = yaml.lines().toList();
        assertEquals("apiVersion: k8s.cni.cncf.io/v1", lines.get(0));
        assertEquals("kind: NetworkAttachmentDefinition", lines.get(1));
        assertEquals(List.of("metadata:", "  name: demo", "spec:"), lines.subList(2, 5));
        assertTrue(lines.get(5).startsWith("  config: '") && lines.get(5).endsWith("'"), lines.get(5));
        String config = lines.get(5).substring("  config: '".length(), lines.get(5).length() - 1).replace("''", "'");
        Map<String, Object> inside = (Map<String, Object>) new JsonSlurper().parseText(config);
        conflistShape(inside);
        assertEquals(new JsonSlurper().parseText(run("cni-config", "demo", "--subnet", "10.89.0.0/24")), inside);

        run("cni-config", "demo", "-o", dir.toString());
        assertTrue(Files.readString(dir.resolve("demo.conflist")).contains("\"netgroovy-cni\""));
        assertTrue(Files.readString(dir.resolve("demo-nad.yaml")).startsWith("apiVersion: k8s.cni.cncf.io/v1\n"));
    }

    @Test
    void aBadNetworkIsRefusedBeforeItReachesANode() {
        assertEquals(2, new CommandLine(new CniCommands()).execute("cni-config", "bad/name"));
        assertEquals(2, new CommandLine(new CniCommands()).execute("cni-config", "demo", "--subnet", "10.0.0.0/99"));
    }
}
