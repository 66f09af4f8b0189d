package netgroovy.docker;

/**
 * A Docker network as netgroovy keeps it: a name ("bridge" for docker0), its bridge and its
 * addresses. On a user-defined network members find each other by name; on the default
 * bridge only links do that.
 */
public record Network(String name, String bridge, Ipam ipam, boolean icc, boolean userDefined) {
}
