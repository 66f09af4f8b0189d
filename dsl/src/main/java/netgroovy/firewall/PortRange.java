package netgroovy.firewall;

import java.util.Comparator;
import netgroovy.value.InvalidValueException;

/**
 * Where Docker's {@code -P} (and {@code -p 80}) find host ports. Docker 20.10's port
 * allocator reads the kernel's {@code net.ipv4.ip_local_port_range} (32768-60999 in a fresh
 * namespace); only when it cannot read it does it fall back to 49153-65535, the range the
 * seeds (Docker 1.x) show. {@code dockerd portRange: '49153-65535'} picks one by hand.
 */
public final class PortRange {
    private PortRange() {
    }

    /** Docker's fallback, and the seeds' era. */
    public static final int[] FALLBACK = {PortMapping.EPHEMERAL_FIRST, PortMapping.EPHEMERAL_LAST};

    /** "32768-60999" or the kernel's "32768\t60999" as {first, last}; null or unreadable: the fallback. */
    public static int[] parse(String text) {
        if (text == null || text.isBlank()) {
            return FALLBACK;
        }
        String[] ends = text.trim().split("[\\s-]+");
        try {
            int a = Integer.parseInt(ends[0]);
            int b = Integer.parseInt(ends[ends.length - 1]);
            if (ends.length != 2 || a < 1 || b > 65535 || b < a) {
                throw new NumberFormatException();
            }
            return new int[] {a, b};
        } catch (NumberFormatException e) {
            throw new InvalidValueException("'" + text + "' is not a port range like 32768-60999");
        }
    }

    /**
     * The order in which Docker handles a container's port bindings (go-connections'
     * SortPortMap): higher host port first, then higher container port, tcp before udp.
     * Its rules are written, and ephemeral ports handed out, in this order.
     */
    public static final Comparator<PortMapping> DOCKER_ORDER = Comparator
            .comparingInt(PortMapping::hostPort).reversed()
            .thenComparing(Comparator.comparingInt(PortMapping::containerPort).reversed())
            .thenComparing(m -> m.protocol().equals("tcp") ? 0 : 1);
}
