package netgroovy.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process may change the network (CAP_NET_ADMIN in its effective set). */
final class Privileges {
    private static final int CAP_NET_ADMIN = 12;

    private Privileges() {
    }

    static boolean hasNetAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_NET_ADMIN)) != 0;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
