package netgroovy.cni;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netgroovy install-cni DIR}, {@code netgroovy cni-config NETWORK} and {@code netgroovy
 * cni-server}: the commands that put netgroovy under a runtime. The first two touch no network;
 * the server does the plugin's calls in the namespace it is started in, which is the node's,
 * like the plugin itself. So the launcher runs all three outside the sandbox.
 */
@Command(name = "netgroovy", subcommands = {CniCommands.Install.class, CniCommands.Config.class, CniCommands.Server.class},
        description = "netgroovy as a CNI plugin: install it, and write network configurations for it.")
public final class CniCommands {
    CniCommands() {
    }

    public static void main(String[] argv) {
        System.exit(new CommandLine(new CniCommands()).execute(argv));
    }

    @Command(name = "install-cni", mixinStandardHelpOptions = true,
            description = "Write the netgroovy-cni plugin into DIR (a CNI bin directory such as /opt/cni/bin).")
    static final class Install implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Option(names = "--no-archive", description = "Skip the class-data archive (faster install, slower calls).")
        boolean noArchive;

        @Option(names = "--socket", paramLabel = "PATH",
                description = "The cni-server socket the plugin uses when a server listens there. Default: " + "/run/netgroovy/cni.sock.")
        Path socket;

        @Override
        public Integer call() throws Exception {
            PrintStream err = System.err;
            Files.createDirectories(dir);
            Path plugin = CniInstall.install(dir.toAbsolutePath(), !noArchive, socket);
            err.println("netgroovy: installed " + plugin + " (network configurations name it as \"type\": \"" + CniConfigFiles.PLUGIN + "\")");
            return 0;
        }
    }

    @Command(name = "cni-config", mixinStandardHelpOptions = true,
            description = "Print the CNI network configuration list for NETWORK (or, with --nad, Multus' NetworkAttachmentDefinition).")
    static final class Config implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NETWORK")
        String name;

        @Option(names = "--subnet", defaultValue = "10.88.0.0/16", description = "Default: ${DEFAULT-VALUE}.")
        String subnet;

        @Option(names = "--gateway", description = "Default: the subnet's first address.")
        String gateway;

        @Option(names = "--subnet6", description = "Also an IPv6 address from this subnet (dual stack, netgroovy's own IPAM).")
        String subnet6;

        @Option(names = "--bridge", description = "Default: ng-NETWORK (15 characters at most).")
        String bridge;

        @Option(names = "--recipe", defaultValue = "attach", description = "A stdlib recipe or a .netgroovy file. Default: ${DEFAULT-VALUE}.")
        String recipe;

        @Option(names = "--ipam", defaultValue = "netgroovy", description = "netgroovy (its own) or an IPAM plugin such as host-local. Default: ${DEFAULT-VALUE}.")
        String ipam;

        @Option(names = "--ip-masq", description = "MASQUERADE traffic leaving the subnet.")
        boolean ipMasq;

        @Option(names = "--no-portmap", description = "Leave out the portmap plugin (-p) after netgroovy-cni.")
        boolean noPortmap;

        @Option(names = "--data-dir", description = "Where the plugin keeps its state. Default: " + NetConf.DEFAULT_DATA_DIR + ".")
        String dataDir;

        @Option(names = "--nad", description = "Print a Multus NetworkAttachmentDefinition (YAML) instead.")
        boolean nad;

        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Write NETWORK.conflist and NETWORK-nad.yaml into DIR instead of printing.")
        Path output;

        @Override
        public Integer call() throws IOException {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*")) {
                System.err.println("netgroovy: '" + name + "' is not a valid network name (letters, digits, then also _ . -)");
                return 2;
            }
            String b = bridge != null ? bridge : ("ng-" + name).substring(0, Math.min(15, 3 + name.length()));
            var n = new CniConfigFiles.Network(name, b, subnet, gateway, recipe, ipam, ipMasq, !noPortmap, dataDir, subnet6);
            try {
                // The same checks the plugin makes when a runtime calls it: fail here, not on the node.
                NetConf.parse(groovy.json.JsonOutput.toJson(withVersion(CniConfigFiles.conflist(n))));
            } catch (CniException e) {
                System.err.println("netgroovy: " + e.getMessage());
                return 2;
            }
            if (output != null) {
                Files.createDirectories(output);
                Files.writeString(output.resolve(name + ".conflist"), CniConfigFiles.conflistJson(n));
                Files.writeString(output.resolve(name + "-nad.yaml"), CniConfigFiles.networkAttachmentDefinition(n));
                System.err.println("netgroovy: wrote " + output.resolve(name + ".conflist") + " and " + output.resolve(name + "-nad.yaml"));
            } else {
                System.out.print(nad ? CniConfigFiles.networkAttachmentDefinition(n) : CniConfigFiles.conflistJson(n));
            }
            return 0;
        }

        /** The first plugin's configuration as the runtime hands it over: with the list's name and version. */
        @SuppressWarnings("unchecked")
        private static java.util.Map<String, Object> withVersion(java.util.Map<String, Object> list) {
            var plugin = new java.util.LinkedHashMap<>((java.util.Map<String, Object>) ((List<Object>) list.get("plugins")).get(0));
            plugin.put("cniVersion", list.get("cniVersion"));
            plugin.put("name", list.get("name"));
            return plugin;
        }
    }

    @Command(name = "cni-server", mixinStandardHelpOptions = true,
            description = {"Serve netgroovy-cni's calls from one resident process, in this network namespace.",
                    "The installed plugin hands each call over when the server listens; otherwise it does the call itself."})
    static final class Server implements Callable<Integer> {
        @Option(names = "--socket", paramLabel = "PATH", description = "Default: NETGROOVY_CNI_SOCKET, else /run/netgroovy/cni.sock.")
        Path socket;

        @Override
        public Integer call() {
            Path path = socket != null ? socket : CniWire.socket(System.getenv());
            CniServer server;
            try {
                server = CniServer.listen(path, System.err);
            } catch (IOException e) {
                System.err.println("netgroovy: cni-server: " + e.getMessage());
                return 1;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    // the process is going; a stale socket is replaced by the next server
                }
            }));
            CniServer.warmUp();
            System.err.println("netgroovy: cni-server listening on " + path);
            server.serve();
            return 0;
        }
    }
}
