package netgroovy.cni;

import groovy.json.JsonOutput;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code netgroovy-cni}: the CNI plugin's entry point. A runtime runs it once per command with
 * the CNI_* environment and the network configuration on stdin; it answers on stdout with
 * the spec's result or error JSON and exits 0 or 1. Everything else (the recipe's prints,
 * warnings) goes to stderr, which runtimes keep as the plugin's log.
 *
 * <p>It works in the network namespace it was started in: on a node, the node's own; in the
 * tests, the sandbox's. It never enters a sandbox of its own, because the runtime's
 * containers are where the runtime is.
 */
public final class CniPlugin {
    private CniPlugin() {
    }

    public static void main(String[] argv) {
        byte[] stdin;
        try {
            stdin = System.in.readAllBytes();
        } catch (IOException e) {
            stdin = null;
        }
        runHere(stdin);
    }

    /**
     * The call, done in this process: the result on stdout, everything else on stderr, then
     * exit. (null stdin: it could not be read.)
     */
    static void runHere(byte[] stdin) {
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream log = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(log); // only the result may reach stdout
        if (stdin == null) {
            stdout.println(JsonOutput.toJson(new CniException(CniException.IO_FAILURE, "cannot read stdin", "").toResult("1.0.0")));
            System.exit(1);
            return;
        }
        Answer a = handle(System.getenv(), new String(stdin, StandardCharsets.UTF_8), log);
        if (a.json() != null) {
            stdout.println(a.json());
        }
        stdout.flush();
        System.exit(a.exitCode());
    }

    /** What the plugin prints on stdout (null: nothing) and its exit code. */
    public record Answer(String json, int exitCode) {
    }

    /** One CNI call: the environment and stdin in, the answer out. */
    public static Answer handle(Map<String, String> env, String stdin, PrintStream log) {
        String version = NetConf.versionIn(stdin);
        String answerVersion = version != null ? version : "1.0.0";
        try {
            Invocation inv = Invocation.from(env);
            switch (inv.command()) {
                case "VERSION" -> {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("cniVersion", version != null ? version : "1.1.0");
                    v.put("supportedVersions", NetConf.SUPPORTED_VERSIONS);
                    return new Answer(JsonOutput.toJson(v), 0);
                }
                case "ADD" -> {
                    NetConf conf = conf(stdin);
                    return new Answer(JsonOutput.toJson(new Attachment(inv, conf, log).add()), 0);
                }
                case "DEL" -> {
                    new Attachment(inv, conf(stdin), log).delete();
                    return new Answer(null, 0);
                }
                case "CHECK" -> {
                    new Attachment(inv, conf(stdin), log).check();
                    return new Answer(null, 0);
                }
                case "GC" -> {
                    new Attachment(inv, conf(stdin), log).gc();
                    return new Answer(null, 0);
                }
                case "STATUS" -> {
                    status(inv, conf(stdin));
                    return new Answer(null, 0);
                }
                default -> throw new CniException(CniException.INVALID_ENVIRONMENT,
                        inv.command().isEmpty() ? "CNI_COMMAND is not set" : "CNI_COMMAND=" + inv.command() + " is not a CNI command",
                        "netgroovy-cni knows ADD, DEL, CHECK, GC, STATUS and VERSION");
            }
        } catch (CniException e) {
            log.println("netgroovy-cni: " + e.getMessage() + (e.details().isEmpty() ? "" : " (" + e.details() + ")"));
            return new Answer(JsonOutput.toJson(e.toResult(answerVersion)), 1);
        } catch (RuntimeException | Error e) {
            // A bug or a refusal nobody foresaw: still the spec's error, one line, never a bare trace.
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.println("netgroovy-cni: " + msg);
            if (env.containsKey("NETGROOVY_DEBUG")) {
                e.printStackTrace(log);
            }
            return new Answer(JsonOutput.toJson(new CniException(CniException.SETUP_FAILED, msg, e.getClass().getName()).toResult(answerVersion)), 1);
        }
    }

    private static NetConf conf(String stdin) {
        NetConf conf = NetConf.parse(stdin);
        conf.requireSupportedVersion();
        return conf;
    }

    /** Ready when the state can be written (and the delegated IPAM plugin says it is ready too). */
    private static void status(Invocation inv, NetConf conf) {
        try (AttachmentStore store = AttachmentStore.open(conf.dataDir, conf.name)) {
            store.attachments();
        } catch (CniException e) {
            throw new CniException(CniException.NOT_AVAILABLE, "netgroovy-cni cannot keep its state: " + e.getMessage(), e.details());
        }
        if (conf.delegatesIpam()) {
            DelegatedIpam.call(inv, conf, "STATUS");
        }
    }
}
