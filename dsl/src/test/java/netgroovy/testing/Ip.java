package netgroovy.testing;

import groovy.json.JsonSlurper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * iproute2 as an observer: {@code ip -j ...} output, parsed. Nothing here uses netgroovy's
 * own code, so a test that agrees with it has evidence from outside.
 */
public final class Ip {
    private Ip() {
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> json(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        if (ns != null) {
            argv.add("-n");
            argv.add(ns);
        }
        argv.add("-j");
        argv.addAll(List.of(args));
        Sh.Result r = Sh.run(argv);
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", argv) + " failed: " + r.err());
        }
        String out = r.out().isBlank() ? "[]" : r.out();
        return (List<Map<String, Object>>) new JsonSlurper().parseText(out);
    }

    public static Optional<Map<String, Object>> link(String ns, String name) {
        return json(ns, "link", "show").stream().filter(l -> name.equals(l.get("ifname"))).findFirst();
    }

    public static List<String> linkNames(String ns) {
        return json(ns, "link", "show").stream().map(l -> (String) l.get("ifname")).toList();
    }

    /** "10.0.0.1/24" strings for a link. */
    @SuppressWarnings("unchecked")
    public static List<String> addresses(String ns, String dev) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> l : json(ns, "addr", "show", "dev", dev)) {
            for (Map<String, Object> a : (List<Map<String, Object>>) l.get("addr_info")) {
                out.add(a.get("local") + "/" + a.get("prefixlen"));
            }
        }
        return out;
    }

    public static List<Map<String, Object>> routes(String ns, String family) {
        return json(ns, family, "route", "show");
    }

    public static List<String> netnsList() {
        Sh.Result r = Sh.run("ip", "netns", "list");
        List<String> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (!line.isBlank()) {
                out.add(line.split(" ")[0]);
            }
        }
        return out;
    }

    public static boolean ping(String ns, String address) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ping"));
        if (address.contains(":")) {
            argv.add("-6");
        }
        argv.addAll(List.of("-c", "1", "-W", "2", address));
        return Sh.run(argv).ok();
    }
}
