package netgroovy.firewall;

import java.util.ArrayList;
import java.util.List;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;

/**
 * The rules Docker writes, as seeds 000–002 list them, built as data. The chain names are
 * Docker's so the views read like the seeds; every rule's comment says which netgroovy
 * object owns it ("netgroovy bridge docker0 #3"). Two sets, as Docker 20.10 writes them
 * (libnetwork's {@code hairpinMode = !EnableUserlandProxy}):
 * <ul>
 * <li>{@code --userland-proxy=false} (netgroovy's default): published ports are reached from
 * other containers (hairpin) and from the host's 127.0.0.1 by NAT alone;</li>
 * <li>with the userland proxy (Docker's default, {@code dockerd userlandProxy: true}): what
 * comes from the bridge itself ({@code -i docker0 -j RETURN}, {@code ! -i docker0} on each
 * DNAT) and what the host sends to 127.0.0.0/8 ({@code ! -d 127.0.0.0/8} on the OUTPUT jump)
 * is not translated but reaches the proxy listening on the host port; no MASQUERADE for the
 * host's own addresses is needed.</li>
 * </ul>
 */
public final class DockerRules {
    private DockerRules() {
    }

    static final String ISOLATION_1 = "DOCKER-ISOLATION-STAGE-1", ISOLATION_2 = "DOCKER-ISOLATION-STAGE-2";

    /** The user chains: nat DOCKER; filter DOCKER, DOCKER-USER and the two isolation stages. */
    public static List<Chain> chains() {
        return List.of(new Chain("nat", "DOCKER"), new Chain("filter", "DOCKER"), new Chain("filter", "DOCKER-USER"),
                new Chain("filter", ISOLATION_1), new Chain("filter", ISOLATION_2));
    }

    /**
     * The jumps into Docker's chains, shared by all bridges. With the userland proxy the host's
     * own connections to 127.0.0.0/8 skip nat DOCKER: the proxy answers them.
     */
    public static List<Rule> base(boolean userlandProxy) {
        Owner o = new Owner("netgroovy docker");
        List<String> output = userlandProxy ? List.of("!", "-d", "127.0.0.0/8", "-m", "addrtype", "--dst-type", "LOCAL")
                : List.of("-m", "addrtype", "--dst-type", "LOCAL");
        return List.of(
                o.rule("nat", "PREROUTING", List.of("-m", "addrtype", "--dst-type", "LOCAL"), "DOCKER"),
                o.rule("nat", "OUTPUT", output, "DOCKER"),
                o.rule("filter", "FORWARD", List.of(), "DOCKER-USER"),
                o.rule("filter", "FORWARD", List.of(), ISOLATION_1),
                o.rule("filter", "DOCKER-USER", List.of(), "RETURN"),
                o.rule("filter", ISOLATION_1, List.of(), "RETURN"),
                o.rule("filter", ISOLATION_2, List.of(), "RETURN"));
    }

    /**
     * Keeps a bridge's containers from reaching other bridges' (Docker's two-stage isolation):
     * what enters by this bridge and leaves by another goes to stage 2, where leaving by a
     * bridge is dropped. These go first in their chains, before the RETURNs.
     */
    public static List<Rule> isolation(String bridge) {
        Owner o = new Owner("netgroovy isolation " + bridge);
        return List.of(
                o.rule("filter", ISOLATION_1, List.of("-i", bridge, "!", "-o", bridge), ISOLATION_2),
                o.rule("filter", ISOLATION_2, List.of("-o", bridge), "DROP"));
    }

    /** Outbound NAT for a bridge's subnet: {@code -s SUBNET ! -o BRIDGE -j MASQUERADE}. */
    public static Rule masquerade(String bridge, Cidr subnet) {
        return new Owner("netgroovy masquerade " + bridge).rule("nat", "POSTROUTING",
                List.of("-s", subnet.network().toString(), "!", "-o", bridge), "MASQUERADE");
    }

    /** The rule that says whether containers on one bridge reach each other (Docker's --icc). */
    public static Rule icc(String bridge, boolean icc) {
        List<Rule> rules = bridge(bridge, icc, false);
        return rules.get(rules.size() - 1);
    }

    /**
     * What a bridge needs, as Docker 20.10 writes it. Without the userland proxy: the
     * MASQUERADE that lets the host's own addresses (127.0.0.1 too, with route_localnet) reach
     * published ports ({@code -m addrtype --src-type LOCAL}); with it, instead, nat DOCKER
     * leaves what comes from the bridge alone ({@code -i BRIDGE -j RETURN}, Docker's "SKIP
     * DNAT"). Then forwarding to and from the outside and between its ports (icc, last).
     * Docker inserts these at the top of their chains (after FORWARD's jumps), so a newer
     * network's rules come first.
     */
    public static List<Rule> bridge(String bridge, boolean icc, boolean userlandProxy) {
        Owner o = new Owner("netgroovy bridge " + bridge);
        return List.of(
                userlandProxy ? o.rule("nat", "DOCKER", List.of("-i", bridge), "RETURN")
                        : o.rule("nat", "POSTROUTING", List.of("-o", bridge, "-m", "addrtype", "--src-type", "LOCAL"), "MASQUERADE"),
                o.rule("filter", "FORWARD", List.of("-o", bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED"), "ACCEPT"),
                o.rule("filter", "FORWARD", List.of("-o", bridge), "DOCKER"),
                o.rule("filter", "FORWARD", List.of("-i", bridge, "!", "-o", bridge), "ACCEPT"),
                o.rule("filter", "FORWARD", List.of("-i", bridge, "-o", bridge), icc ? "ACCEPT" : "DROP"));
    }

    /**
     * One published port: DNAT in nat DOCKER, ACCEPT in filter DOCKER for what comes from
     * outside the bridge, and the hairpin MASQUERADE that lets a container reach itself
     * through the host port. Docker's {@code --userland-proxy=false} rules exactly; with the
     * userland proxy the DNAT skips what comes from the bridge ({@code ! -i BRIDGE}), which
     * the proxy serves.
     */
    public static List<Rule> publish(String container, String bridge, IpAddress containerIp, PortMapping m, boolean userlandProxy) {
        Owner o = new Owner("netgroovy publish " + container + " " + m.hostSide() + "->" + m.containerPort() + "/" + m.protocol());
        String p = m.protocol();
        List<String> dnat = new ArrayList<>();
        if (m.hostIp() != null) {
            dnat.addAll(List.of("-d", m.hostIp() + "/32"));
        }
        if (userlandProxy) {
            dnat.addAll(List.of("!", "-i", bridge));
        }
        dnat.addAll(List.of("-p", p, "-m", p, "--dport", String.valueOf(m.hostPort())));
        String to = containerIp + ":" + m.containerPort();
        return List.of(
                o.rule("nat", "DOCKER", dnat, List.of("DNAT", "--to-destination", to)),
                o.rule("filter", "DOCKER", List.of("-d", containerIp + "/32", "!", "-i", bridge, "-o", bridge,
                        "-p", p, "-m", p, "--dport", String.valueOf(m.containerPort())), List.of("ACCEPT")),
                o.rule("nat", "POSTROUTING", List.of("-s", containerIp + "/32", "-d", containerIp + "/32",
                        "-p", p, "-m", p, "--dport", String.valueOf(m.containerPort())), List.of("MASQUERADE")));
    }

    /**
     * A link from one container to another on the same bridge, for {@code icc false}: the
     * client may open the server's exposed port, and the server may answer, and nothing else.
     */
    public static List<Rule> link(String bridge, String client, IpAddress clientIp, String server, IpAddress serverIp,
                                  int port, String protocol) {
        Owner o = new Owner("netgroovy link " + client + "->" + server + " " + port + "/" + protocol);
        String p = protocol;
        return List.of(
                o.rule("filter", "DOCKER", List.of("-s", clientIp + "/32", "-d", serverIp + "/32", "-i", bridge, "-o", bridge,
                        "-p", p, "-m", p, "--dport", String.valueOf(port)), "ACCEPT"),
                o.rule("filter", "DOCKER", List.of("-s", serverIp + "/32", "-d", clientIp + "/32", "-i", bridge, "-o", bridge,
                        "-p", p, "-m", p, "--sport", String.valueOf(port)), "ACCEPT"));
    }

    /** Gives each rule of one owner a comment of its own: "OWNER #1", "OWNER #2", ... */
    static final class Owner {
        private final String name;
        private int n;

        Owner(String name) {
            this.name = name;
        }

        Rule rule(String table, String chain, List<String> match, String target) {
            return rule(table, chain, match, List.of(target));
        }

        Rule rule(String table, String chain, List<String> match, List<String> target) {
            return new Rule(table, chain, match, target, name + " #" + (++n));
        }
    }
}
