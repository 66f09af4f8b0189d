package netgroovy.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code xtables-monitor --trace} printed in one namespace, parsed: each packet header
 * ("PACKET: 2 ID IN=.. OUT=.. SRC=.. DST=.. ID=.. SPORT=.. DPORT=..") with the rules it met
 * under it (" TRACE: 2 ID nat:DOCKER:rule:0x4:ACCEPT  -4 -t nat -A DOCKER ... -j DNAT ...").
 */
public final class TraceEvents {
    /** The table netgroovy adds to switch tracing on; its own rules are not part of any path. */
    static final String OWN_TABLE = "netgroovy_trace";

    /** One packet header and the rules met while the kernel handled it in that state. */
    public record Packet(Map<String, String> fields, List<Hit> hits) {
        public String get(String key) {
            return fields.getOrDefault(key, "");
        }
    }

    private final List<Packet> packets;

    private TraceEvents(List<Packet> packets) {
        this.packets = packets;
    }

    public static TraceEvents parse(String output) {
        List<Packet> packets = new ArrayList<>();
        Map<String, Packet> byId = new HashMap<>();
        for (String raw : output.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("PACKET:")) {
                String[] words = line.split("\\s+");
                if (words.length < 3) {
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 3; i < words.length; i++) {
                    int eq = words[i].indexOf('=');
                    if (eq > 0) {
                        fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
                    } else {
                        fields.put(words[i], "");
                    }
                }
                Packet p = new Packet(fields, new ArrayList<>());
                packets.add(p);
                byId.put(words[2], p);
            } else if (line.startsWith("TRACE:")) {
                String[] words = line.split("\\s+", 5);
                Packet p = words.length >= 4 ? byId.get(words[2]) : null;
                Hit h = p == null ? null : Hit.parse(words[3], words.length > 4 ? words[4] : "");
                if (h != null && !h.table().equals(OWN_TABLE)) {
                    p.hits().add(h);
                }
            }
        }
        return new TraceEvents(packets);
    }

    public static TraceEvents none() {
        return new TraceEvents(List.of());
    }

    public List<Packet> packets() {
        return packets;
    }
}
