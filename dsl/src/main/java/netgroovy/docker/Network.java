package netgroovy.docker;

/** A Docker network as netgroovy keeps it: a name ("bridge" for docker0), its bridge and its addresses. */
public record Network(String name, String bridge, Ipam ipam, boolean icc) {
}
