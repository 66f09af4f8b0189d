package netgroovy.docker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * A container: a network namespace (its own, the host's, or another container's) and what
 * Docker knows about it. {@code links} maps alias to linked container name.
 */
public final class Container {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    public final String name;
    /** 64 hex digits, random as Docker's; the first 12 are the short ID and the default hostname. */
    public final String id;
    public final String mode;          // bridge, none, host, container
    public final String namespace;     // the namespace it lives in (another container's for container:X); null for host
    public Network network;
    public IpAddress ip;
    public Mac mac;
    public String hostVeth;
    public String hostname;
    public long pid;
    public final Map<String, String> links = new LinkedHashMap<>();
    /** Every network the container is on, the first being the one it started on (eth0). */
    public final List<Attachment> attachments = new ArrayList<>();
    public final List<String> exposed = new ArrayList<>();
    /** Its own environment ({@code docker run -e}), which linked containers see as ALIAS_ENV_*. */
    public final Map<String, String> env = new LinkedHashMap<>();
    /** Its own --dns and --dns-search (null: the daemon's), which stay when it joins or leaves networks. */
    public List<String> dns, dnsSearch;

    /**
     * One interface of the container on one network, with the other names it has there
     * (Docker's --network-alias, answered by the embedded DNS server and listed in hosts mode).
     */
    public record Attachment(Network network, IpAddress ip, Mac mac, String ifname, String hostVeth, List<String> aliases) {
        public Attachment {
            aliases = List.copyOf(aliases);
        }

        public Attachment(Network network, IpAddress ip, Mac mac, String ifname, String hostVeth) {
            this(network, ip, mac, ifname, hostVeth, List.of());
        }
    }

    public Attachment on(String network) {
        return attachments.stream().filter(a -> a.network().name().equals(network)).findFirst().orElse(null);
    }

    public Container(String name, String mode, String namespace) {
        this(name, mode, namespace, newId());
    }

    /** A container as it was saved, with its ID. */
    public Container(String name, String mode, String namespace, String id) {
        this.name = name;
        this.mode = mode;
        this.namespace = namespace;
        this.id = id;
    }

    private static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** The ID as {@code docker ps} shows it. */
    public String shortId() {
        return id.substring(0, 12);
    }
}
