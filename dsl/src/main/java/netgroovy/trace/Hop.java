package netgroovy.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One namespace on a packet's path: where it came in, the rules it met before the route
 * lookup (PREROUTING, OUTPUT), the route the kernel chose, the rules after (FORWARD, INPUT,
 * POSTROUTING), and where it went out.
 */
public final class Hop {
    final String namespace;
    final String in;
    final List<Hit> before = new ArrayList<>();
    final List<Hit> after = new ArrayList<>();
    String route;
    String out;
    String bridge;
    String next;
    final List<String> notes = new ArrayList<>();

    Hop(String namespace, String in) {
        this.namespace = namespace;
        this.in = in;
    }

    public String getNamespace() {
        return namespace;
    }

    public String getRoute() {
        return route;
    }

    public List<Hit> getRules() {
        List<Hit> all = new ArrayList<>(before);
        all.addAll(after);
        return all;
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", namespace);
        m.put("in", in);
        m.put("rules", getRules().stream().map(Hit::json).toList());
        m.put("route", route);
        m.put("out", out);
        m.put("bridge", bridge);
        m.put("next", next);
        m.put("notes", notes);
        return m;
    }

    String describe() {
        StringBuilder b = new StringBuilder("  ").append(namespace);
        if (in != null) {
            b.append("  (in by ").append(in).append(')');
        }
        b.append('\n');
        before.forEach(h -> b.append(h.describe("    ")).append('\n'));
        if (route != null) {
            b.append("    route: ").append(route).append('\n');
        }
        after.forEach(h -> b.append(h.describe("    ")).append('\n'));
        notes.forEach(n -> b.append("    ").append(n).append('\n'));
        if (out != null) {
            b.append("    out by ").append(out);
            if (bridge != null) {
                b.append(", across bridge ").append(bridge);
            }
            if (next != null) {
                b.append(" -> ").append(next);
            }
            b.append('\n');
        }
        return b.toString();
    }
}
