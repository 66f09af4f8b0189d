package netgroovy.cni;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Session;

/**
 * The training run behind the plugin's class-data archive: the JSON, the engine and a recipe
 * compiled and planned the way ADD does, but as a dry run that touches nothing.
 */
final class CniTraining {
    private CniTraining() {
    }

    public static void main(String[] args) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"training\",\"type\":\"netgroovy-cni\",\"subnet\":\"10.88.0.0/16\"}");
        groovy.json.JsonOutput.toJson(Map.of("cniVersion", "1.0.0", "interfaces", java.util.List.of(Map.of("name", "eth0"))));
        CniPlugin.handle(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.0.0\"}", nowhere);
        // The thin client's path to a cni-server (none listens here: it only loads the classes).
        CniClient.ask(java.nio.file.Path.of("/nonexistent/netgroovy-training.sock"),
                new CniWire.Request(CniWire.networkNamespace(), Map.of("CNI_COMMAND", "VERSION"), new byte[0]));
        try (Session session = new Session(true, nowhere, "cni")) {
            Engine engine = new Engine(session);
            engine.binding().setVariable("cniOptions", new java.util.LinkedHashMap<>(Map.of("ifname", "eth0", "hostIfname", "veth00000000")));
            engine.run("use 'attach'\nbridge 'ngtrain0' cidr '10.88.0.1/16'\nipForward true\nmasquerade 'ngtrain0', '10.88.0.0/16'\n"
                    + "attach(cniOptions, 'ngtrain0', 'training', '10.88.0.2/16@10.88.0.1')\n"
                    + "netns('training') { [].each { addr(it).dev('eth0') } }\n", "netgroovy-cni(attach)");
        }
    }
}
