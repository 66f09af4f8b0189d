package netgroovy.trace;

import groovy.json.JsonOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code trace} found: the flow, the hops, and how it ended — {@code delivered},
 * {@code dropped} (by {@link #getDroppedBy() a rule}), {@code no route}, or {@code lost}
 * (the packet left a namespace and was not seen again). Prints as a readable path;
 * {@link #getJson()} gives the same as JSON, for tests and tools.
 */
public final class Trace {
    public static final String DELIVERED = "delivered", DROPPED = "dropped", NO_ROUTE = "no route", LOST = "lost";

    private final String from;
    private final Flow flow;
    final List<Hop> hops = new ArrayList<>();
    String outcome = LOST;
    String detail = "";
    Hit droppedBy;
    String answer;
    String traced;

    Trace(String from, Flow flow) {
        this.from = from;
        this.flow = flow;
    }

    public String getOutcome() {
        return outcome;
    }

    public boolean isDelivered() {
        return DELIVERED.equals(outcome);
    }

    /** The rule that dropped the packet, or null. */
    public Hit getDroppedBy() {
        return droppedBy;
    }

    public List<Hop> getHops() {
        return hops;
    }

    /** Every rule the packet met, in order. */
    public List<Hit> getRules() {
        return hops.stream().flatMap(h -> h.getRules().stream()).toList();
    }

    /** What came back to the sender: "answered", "refused", "no answer" (null when nothing was sent). */
    public String getAnswer() {
        return answer;
    }

    /** The one-line verdict: "delivered to web", "dropped by filter FORWARD ...", "no route to ...". */
    public String getSummary() {
        return outcome + (detail.isEmpty() ? "" : " " + detail);
    }

    public String getJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from);
        m.put("protocol", flow.protocol());
        m.put("to", flow.destination().toString());
        m.put("port", flow.port());
        m.put("hops", hops.stream().map(Hop::json).toList());
        m.put("outcome", outcome);
        m.put("detail", detail);
        m.put("droppedBy", droppedBy == null ? null : droppedBy.json());
        m.put("answer", answer);
        m.put("firewallTraced", traced == null);
        m.put("firewallNote", traced);
        return JsonOutput.prettyPrint(JsonOutput.toJson(m));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("trace ").append(flow).append(" from ").append(from).append('\n');
        hops.forEach(h -> b.append(h.describe()));
        b.append("=> ").append(getSummary());
        if (answer != null) {
            b.append(" (the sender got: ").append(answer).append(')');
        }
        b.append('\n');
        if (traced != null) {
            b.append("   (firewall not traced: ").append(traced).append(")\n");
        }
        return b.toString();
    }
}
