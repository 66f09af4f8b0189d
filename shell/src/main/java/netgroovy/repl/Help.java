package netgroovy.repl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netgroovy.dsl.Recipes;
import java.util.stream.Collectors;

/**
 * {@code :help} and {@code :help WORD}: what each word does and an example that runs as
 * written. A test checks that every word of the DSL is here and that every example parses.
 */
final class Help {
    record Entry(String what, String example) {
    }

    static final Map<String, Entry> WORDS = new LinkedHashMap<>();

    private static void word(String name, String what, String example) {
        WORDS.put(name, new Entry(what, example));
    }

    static {
        word("bridge", "a bridge, up, with settings cidr, mtu, stp, mac, up, down: in < >, in { } or as a chain",
                "bridge 'bridge0' < cidr '192.168.5.1/24'; mtu 1400 >\nbridge('br1') { cidr '10.1.0.1/24'; stp off }\nbridge 'br2' cidr '10.2.0.1/24' up");
        word("veth", "a veth pair (settings go to the first end); the second end can be born in a namespace",
                "veth('A', 'B')\nveth 'C', 'eth0', peerIn: 'c1' < up >");
        word("netns", "a named namespace (made if missing), a process's namespace, or a block run inside one",
                "netns 'c1' < addr '10.0.0.2/24' dev 'lo' >   // made if missing\nnetns('c1') { sh 'ip addr' }   // only one that exists");
        word("link", "changes to a link: master, nomaster, up, down, into, rename, mac, mtu, addr",
                "link 'A' master 'docker0' up\nlink 'B' < into 'c1'; rename 'eth0'; up >");
        word("addr", "an address on a link (dev is required)", "addr '172.17.42.99/16' dev 'eth0'\nlink 'eth0' addr '10.0.0.2/24'");
        word("route", "a route: default or a destination, via a gateway and/or dev a link",
                "route 'default' via '172.17.42.1'\nroute '10.1.1.2/32' dev 'A'");
        word("unroute", "removes a route", "unroute '10.1.1.2/32' dev 'A'");
        word("sysctl", "sets (two arguments) or reads (one) a kernel parameter, here",
                "sysctl 'net.ipv4.ip_forward', 1\nprintln sysctl('net.ipv4.ip_forward')");
        word("sh", "runs a shell command here; .out .err .exitCode .ok", "netns 'c1'\nnetns('c1') { println sh('ip route').out }");
        word("exec", "runs a program with arguments, no shell", "println exec('ip', '-br', 'link').out");
        word("doctor", "lists what netgroovy made that nothing accounts for (after kill -9 ...); fix: true removes it",
                "println doctor()\nprintln doctor(fix: true)");
        word("ping", "pings an address or a namespace (options from:, to:, count:); truthy when an answer came",
                "netns 'c1'\nping from: 'c1', to: '172.17.42.1', count: 3");
        word("delete", "deletes a namespace, a link or a bridge (and their firewall rules); rm, networkRm, unpublish are Docker's words for its objects",
                "delete netns('c1')\ndelete link('A')");
        word("apply", "runs a block as one plan: all of it or none of it", "apply {\n    bridge 'b1' cidr '10.1.0.1/24'\n    veth('x1', 'y1')\n}");
        word("explain", "prints the commands a block would run, runs none", "explain { bridge 'b0' cidr '10.0.0.1/24' }");
        word("teardown", "undoes everything this session made", "teardown");
        word("dryRun", "true in a dry run (--dry-run, :dry-run on): for a script whose later steps need what only a live run has",
                "if (dryRun) { println 'a dry run stops here'; return }");
        word("use", "loads a recipe from stdlib-scripts (custom-bridge, p2p, attach)", "use 'p2p'\np2p 'c1', 'c2', '10.1.1.1', '10.1.1.2'");
        word("cidrOf", "the IPv4 address of a link here, with its prefix", "println cidrOf('docker0')");
        word("links", "view: links here, like ip -br link", "show links");
        word("addrs", "view: addresses here, like ip -br addr", "netns 'c1'\nnetns('c1') { show addrs }");
        word("routes", "view: routes here, like ip route", "netns 'c1'\nnetns('c1') { show routes }");
        word("bridges", "view: bridges and their ports, like brctl show", "show bridges");
        word("namespaces", "view: named namespaces, like ip netns list", "show namespaces");
        word("namespaceNames", "the names of the namespaces, as a list", "namespaceNames.each { println it }");
        word("topology", "view: the whole picture as a tree", "show topology");
        word("show", "prints a view", "show topology");
        word("ipForward", "turns IPv4 forwarding on or off on the host", "ipForward true");
        word("iptables", "iptables false: write no firewall rules (Docker's --iptables=false)", "iptables false");
        word("firewall", "Docker's rules for a bridge: forwarding, isolation, MASQUERADE; icc", "bridge 'docker0' cidr '172.17.42.1/16'\nfirewall 'docker0', icc: false");
        word("masquerade", "outbound NAT for a bridge's subnet", "bridge 'docker0' cidr '172.17.42.1/16'\nmasquerade 'docker0'");
        word("publish", "docker run -p, every form", "publish 'c1', '8080:80', '127.0.0.1::53/udp'");
        word("publishAll", "docker run -P: exposed ports to free host ports", "expose 'c1', 80\npublishAll 'c1'");
        word("expose", "ports a container offers, for links and publishAll", "expose 'db', 6379");
        word("allowLink", "with icc false: one container may reach another's exposed ports", "dockerd icc: false\ncontainer 'db', expose: 6379\ncontainer 'web'\nallowLink 'web', 'db'");
        word("unpublish", "removes a container's published ports", "unpublish 'c1'");
        word("port", "docker port: a container's bindings", "println port('c1')");
        word("restrict", "only one source may reach published ports from an interface", "restrict on: 'ext0', allow: '203.0.113.7'");
        word("nat", "view: iptables -t nat -L -n", "show nat");
        word("filter", "view: iptables -L -n", "show filter");
        word("iptablesSave", "view: iptables-save", "show iptablesSave");
        word("ownRules", "view: only the rules netgroovy wrote", "show ownRules");
        word("dockerd", "Docker's daemon: docker0 (or bridge:) with bip, fixedCidr, mtu, icc, iptables, ipForward, dns, userlandProxy; resolver: 'embedded' for names from a DNS server at 127.0.0.11",
                "dockerd bip: '172.17.42.1/16', icc: false");
        word("container", "docker run, the network part: namespace, veth, eth0, address, MAC, /etc files, links, modes; "
                + "returns the container (.ip .mac .ports .id; prints as docker ps)",
                "container 'db', expose: 6379\ncontainer 'web', link: 'db:db', publish: '8080:80'");
        word("network", "docker network create: a bridge network (subnet chosen when not given)",
                "network 'my-net', subnet: '172.25.0.0/16'");
        word("networkConnect", "docker network connect: one more interface for a container", "network 'my-net'\ncontainer 'web'\nnetworkConnect 'my-net', 'web'");
        word("networkDisconnect", "docker network disconnect", "network 'my-net'\ncontainer 'web', net: 'my-net'\nnetworkDisconnect 'my-net', 'web'");
        word("networkRm", "docker network rm (refused while containers are attached)", "network 'my-net'\nnetworkRm 'my-net'");
        word("networkPrune", "docker network prune: removes user networks without containers", "println networkPrune()");
        word("networkInspect", "docker network inspect, as JSON", "network 'my-net'\nprintln networkInspect('my-net')");
        word("networks", "view: docker network ls", "show networks");
        word("rm", "docker rm: the container's namespace, files, rules and address go", "container 'web'\nrm 'web'");
        word("inspect", "docker inspect's network settings, as JSON", "container 'web'\nprintln inspect('web')");
        word("ps", "view: the containers with network, address, MAC and ports", "show ps");
        word("serve", "a small server in a namespace that answers 'NAME saw ADDRESS'", "serve 'c1', 9000\nserve 'c1', '9001/udp'");
        word("connect", "connects to a serve server; its answer, or null", "netns 'c2'\nprintln connect(from: 'c2', to: '10.0.0.2:9000')");
        word("trace", "follows one packet hop by hop: route lookups, bridges, every firewall rule it met and the line that wrote it; "
                + "ends delivered / dropped / no route (.json for tools)",
                "println trace(from: 'c1', to: '203.0.113.2:80')\nprintln trace(from: 'c1', to: 'c2')");
        word("pingall", "every namespace (or those named) pings every other; a matrix with .ok and .failures", "pingall()\npingall 'c1', 'c2'");
        word("expect", "a check with one real packet: reaches or blocked; a failure says what trace saw",
                "expect 'c1' reaches 'c2:80'\nexpect 'c1' blocked 'db:22'");
        word("capture", "packets on links (tcpdump in the link's namespace), one line each; count:, timeout:, in:, file: (pcap)",
                "capture on: 'docker0', count: 10\ncapture(on: ['veth-a', 'veth-b']) { ping '10.0.0.2' }");
        word("draw", "the live topology as a picture: Mermaid (default), format: 'dot' or 'svg', file:, highlight: trace(...)",
                "println draw()\ndraw format: 'dot', file: '/tmp/topo.dot'");
        word("routeGet", "the route the kernel takes to an address, like ip route get", "println routeGet('203.0.113.2')");
    }

    static String index() {
        int width = WORDS.keySet().stream().mapToInt(String::length).max().orElse(10);
        String words = WORDS.entrySet().stream()
                .map(e -> String.format("  %-" + width + "s  %s", e.getKey(), e.getValue().what()))
                .collect(Collectors.joining("\n"));
        String recipes = recipeWords().entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue().getFileName().toString().replaceFirst("\\.netgroovy$", "") + ")")
                .collect(Collectors.joining(", "));
        return "Words (:help WORD for an example):\n" + words + "\n\n"
                + (recipes.isEmpty() ? "" : "Recipe words (use 'RECIPE' first; :help WORD):\n  " + recipes + "\n\n") + Commands.SUMMARY;
    }

    /** The words {@code show} takes: the entries that are views. */
    static List<String> views() {
        return WORDS.entrySet().stream().filter(e -> e.getValue().what().startsWith("view:")).map(Map.Entry::getKey).toList();
    }

    private static final Pattern RECIPE_WORD = Pattern.compile("(?m)^([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*\\{");

    /** The words recipes define ({@code attach = { ... }} in attach.netgroovy), with their files. */
    static Map<String, Path> recipeWords() {
        Map<String, Path> words = new TreeMap<>();
        for (String recipe : Recipes.names()) {
            Path file = Recipes.folder().resolve(recipe + ".netgroovy");
            try {
                Matcher m = RECIPE_WORD.matcher(Files.readString(file));
                while (m.find()) {
                    words.put(m.group(1), file);
                }
            } catch (IOException e) {
                // an unreadable recipe documents nothing
            }
        }
        return words;
    }

    /** A recipe word's page: the comment its recipe opens with, which says what it does and shows it used. */
    private static String recipe(String word, Path file) {
        try {
            String about = Files.readString(file).lines().takeWhile(l -> l.startsWith("//"))
                    .map(l -> l.replaceFirst("^// ?", "")).collect(Collectors.joining("\n")).strip();
            String name = file.getFileName().toString().replaceFirst("\\.netgroovy$", "");
            return word + " — a recipe word: use '" + name + "' first (stdlib-scripts/" + file.getFileName() + ")\n\n" + about;
        } catch (IOException e) {
            return word + " — a recipe word from " + file + " (unreadable: " + e.getMessage() + ")";
        }
    }

    static String of(String word) {
        Entry e = WORDS.get(word);
        Path recipe = e == null ? recipeWords().get(word) : null;
        if (recipe != null) {
            return recipe(word, recipe);
        }
        if (e == null) {
            String close = netgroovy.dsl.Words.closest(word);
            return "no word '" + word + "'" + (close != null ? "; did you mean '" + close + "'?" : "; :help lists them");
        }
        return word + " — " + e.what() + "\n\nexample:\n" + e.example().indent(4);
    }
}
