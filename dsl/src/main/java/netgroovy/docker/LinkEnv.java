package netgroovy.docker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ALIAS_PORT* variables of a link, as Docker's daemon/links writes them for the ports the
 * linked container exposes (its EXPOSE, --expose and the container ports of -p).
 */
public final class LinkEnv {
    private LinkEnv() {
    }

    record Port(int number, String proto) {
        static Port parse(String text) {
            String[] pp = (text.contains("/") ? text : text + "/tcp").split("/");
            return new Port(Integer.parseInt(pp[0]), pp[1]);
        }
    }

    public static Map<String, String> of(String prefix, String ip, List<String> exposed) {
        List<Port> ports = new ArrayList<>(exposed.stream().map(Port::parse).distinct().toList());
        // Docker sorts lowest first, tcp first at the same number, so that runs can be found.
        ports.sort((a, b) -> a.number() != b.number() ? Integer.compare(a.number(), b.number())
                : Boolean.compare(!a.proto().equals("tcp"), !b.proto().equals("tcp")));
        Map<String, String> env = new LinkedHashMap<>();
        if (ports.isEmpty()) {
            return env;
        }
        Port start = ports.get(0), end = start;
        env.put(prefix + "_PORT", url(start, ip));
        for (int i = 0; i < ports.size(); i++) {
            Port p = ports.get(i);
            String key = prefix + "_PORT_" + p.number() + "_" + p.proto().toUpperCase();
            env.put(key, url(p, ip));
            env.put(key + "_ADDR", ip);
            env.put(key + "_PORT", String.valueOf(p.number()));
            env.put(key + "_PROTO", p.proto());
            if (i > 0 && p.number() == end.number() + 1 && p.proto().equalsIgnoreCase(start.proto())) {
                end = p; // still a run
                if (i < ports.size() - 1) {
                    continue;
                }
            }
            if (!end.equals(start)) {
                String run = prefix + "_PORT_" + start.number() + "_" + start.proto().toUpperCase();
                env.put(run + "_START", url(start, ip));
                env.put(run + "_PORT_START", String.valueOf(start.number()));
                env.put(run + "_END", url(end, ip));
                env.put(run + "_PORT_END", String.valueOf(end.number()));
            }
            start = p;
            end = p;
        }
        return env;
    }

    private static String url(Port p, String ip) {
        return p.proto() + "://" + ip + ":" + p.number();
    }
}
