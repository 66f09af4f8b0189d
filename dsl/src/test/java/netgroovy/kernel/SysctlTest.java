package netgroovy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import netgroovy.testing.Sandboxed;
import netgroovy.testing.Sh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sysctl reads whole values, compared with the sysctl tool (an independent observer). */
@ExtendWith(Sandboxed.class)
class SysctlTest {
    @Test
    void readsValuesLongerThanOneCharacter() {
        // procfs answers a second read() of a sysctl file with EOF: a value must be read at once
        assertEquals(Sh.ok("sysctl", "-n", "net.ipv4.ip_local_port_range").strip(), Sysctl.read(null, "net.ipv4.ip_local_port_range"));
        assertEquals(Sh.ok("sysctl", "-n", "net.core.somaxconn").strip(), Sysctl.read(null, "net.core.somaxconn"));
    }
}
