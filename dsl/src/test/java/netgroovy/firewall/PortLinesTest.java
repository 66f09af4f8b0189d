package netgroovy.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code docker ps}' PORTS column as the Docker CLI forms it (cli/command/formatter
 * DisplayablePorts): same-number bindings and exposed ports grouped into ranges first, then
 * bindings to other host ports one by one, everything in the CLI's order. No kernel involved.
 */
class PortLinesTest {
    private static List<PortMapping> bound(String... specs) {
        List<PortMapping> all = new ArrayList<>();
        for (String s : specs) {
            all.addAll(PortMapping.parse(s));
        }
        return all;
    }

    @Test
    void sameNumberBindingsComeFirstThenTheOthersInContainerPortOrder() {
        // The golden webapp: -p 4567 (host 32768), -p 127.0.0.1:5000:5000, -p 8080:80/udp.
        assertEquals("127.0.0.1:5000->5000/tcp, 0.0.0.0:8080->80/udp, 0.0.0.0:32768->4567/tcp",
                PortLines.psColumn(bound("32768:4567", "127.0.0.1:5000:5000", "8080:80/udp")));
        assertEquals("0.0.0.0:5000->5000/tcp, 0.0.0.0:3000->80/tcp", PortLines.psColumn(bound("5000:5000", "3000:80")));
    }

    @Test
    void consecutivePortsOfOneAddressAndProtocolBecomeARange() {
        assertEquals("0.0.0.0:8000-8002->8000-8002/tcp, 0.0.0.0:9000->9000/tcp",
                PortLines.psColumn(bound("8000-8002:8000-8002", "9000:9000")));
        assertEquals("0.0.0.0:53->53/tcp, 0.0.0.0:53->53/udp", PortLines.psColumn(bound("53:53", "53:53/udp")));
    }

    @Test
    void exposedPortsWithoutABindingAreListedByThemselves() {
        assertEquals("6379/tcp", PortLines.psColumn(List.of(), List.of("6379/tcp")));
        assertEquals("80-81/tcp", PortLines.psColumn(List.of(), List.of("81", "80/tcp")));
        // an exposed port that is also published is listed once, with its binding
        assertEquals("0.0.0.0:32768->5000/tcp", PortLines.psColumn(bound("32768:5000"), List.of("5000/tcp")));
        assertEquals("", PortLines.psColumn(List.of(), List.of()));
    }
}
