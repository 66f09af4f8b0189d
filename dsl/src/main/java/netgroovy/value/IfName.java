package netgroovy.value;

import java.nio.charset.StandardCharsets;

/**
 * A network interface name, as the kernel accepts it: 1 to 15 bytes (IFNAMSIZ less the
 * terminating NUL), no '/', no whitespace, not "." or "..".
 */
public record IfName(String name) implements Comparable<IfName> {
    public static final int MAX_BYTES = 15;

    public IfName {
        if (name == null || name.isEmpty()) {
            throw new InvalidValueException("interface name is empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new InvalidValueException("interface name '" + name + "' is " + bytes
                    + " bytes long; the kernel allows at most " + MAX_BYTES);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidValueException("'" + name + "' is not a valid interface name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new InvalidValueException("interface name '" + name + "' contains '"
                        + (Character.isWhitespace(c) ? "whitespace" : String.valueOf(c))
                        + "', which the kernel does not allow");
            }
        }
    }

    public static IfName of(String name) {
        return new IfName(name);
    }

    @Override
    public int compareTo(IfName other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }

    // Written out (the same values as the record's own): a record's equals and hashCode are
    // linked through method handles at their first call, a few milliseconds of every run's
    // start, and then called through them; a link's name is a key of the maps every
    // operation looks in.
    @Override
    public boolean equals(Object o) {
        return o instanceof IfName other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
