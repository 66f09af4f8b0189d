package netgroovy.plan;

/**
 * Which network namespace an operation works in: the host (in the sandbox: the sandbox's own
 * namespace), a named namespace, or the namespace of a process.
 */
public record Where(Kind kind, String name, long pid) {
    public enum Kind { HOST, NAMED, PID }

    public static final Where HOST = new Where(Kind.HOST, null, 0);

    public static Where named(String name) {
        return new Where(Kind.NAMED, name, 0);
    }

    public static Where pid(long pid) {
        return new Where(Kind.PID, null, pid);
    }

    public boolean isHost() {
        return kind == Kind.HOST;
    }

    /** How messages name it: "host", "c1", "pid 4242". */
    public String label() {
        return switch (kind) {
            case HOST -> "host";
            case NAMED -> name;
            case PID -> "pid " + pid;
        };
    }

    /** The prefix that runs an {@code ip} command here: "ip ", "ip -n c1 ", "nsenter -t 42 -n ip ". */
    public String ip() {
        return switch (kind) {
            case HOST -> "ip ";
            case NAMED -> "ip -n " + name + " ";
            case PID -> "nsenter -t " + pid + " -n ip ";
        };
    }

    /** The prefix that runs any command here: "", "ip netns exec c1 ", "nsenter -t 42 -n ". */
    public String exec() {
        return switch (kind) {
            case HOST -> "";
            case NAMED -> "ip netns exec " + name + " ";
            case PID -> "nsenter -t " + pid + " -n ";
        };
    }

    /** How {@code ip link set ... netns X} names it. */
    public String netnsArg() {
        return kind == Kind.PID ? String.valueOf(pid) : name;
    }

    @Override
    public String toString() {
        return label();
    }

    // Written out: a record's own equals and hashCode go through a method handle, and a Where
    // is a key of the maps every operation looks in (the kernel's handles, the plan's links).
    @Override
    public boolean equals(Object o) {
        return o instanceof Where w && kind == w.kind && pid == w.pid && java.util.Objects.equals(name, w.name);
    }

    @Override
    public int hashCode() {
        return (31 * kind.ordinal() + (name == null ? 0 : name.hashCode())) * 31 + Long.hashCode(pid);
    }
}
