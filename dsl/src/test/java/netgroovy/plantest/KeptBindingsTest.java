package netgroovy.plantest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netgroovy.firewall.Bindings;
import netgroovy.firewall.PortMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The published ports' index kept from one statement to the next ({@link Bindings.Kept})
 * must answer every clash question as an index filed afresh from the same records would,
 * (a clash or none, and a clash that is one), through the changes the model makes to them: a container's list appended to in place,
 * replaced by another, shortened, removed.
 */
@ExtendWith(NoRealKernel.class)
class KeptBindingsTest {

    @Test
    void aKeptIndexAnswersAsOneFiledAfresh() {
        Random random = new Random(7);
        Map<String, List<String>> published = new LinkedHashMap<>();
        Bindings.Kept kept = new Bindings.Kept();
        for (int step = 0; step < 400; step++) {
            String c = "c" + random.nextInt(6);
            switch (random.nextInt(5)) {
                case 0, 1 -> published.computeIfAbsent(c, k -> new ArrayList<>()).add(record(random));
                case 2 -> published.put(c, new ArrayList<>(List.of(record(random), record(random))));
                case 3 -> published.remove(c);
                default -> {
                    List<String> l = published.get(c);
                    if (l != null && !l.isEmpty()) {
                        l.remove(l.size() - 1);
                    }
                }
            }
            Bindings.Index index = kept.of(published::forEach);
            Bindings.Index fresh = new Bindings.Index();
            published.forEach(fresh::addAll);
            for (int port = 8000; port < 8012; port++) {
                for (String proto : List.of("tcp", "udp")) {
                    PortMapping probe = new PortMapping(null, port, 80, proto);
                    Bindings.Binding clash = index.conflict(probe);
                    String where = "step " + step + ", port " + port + "/" + proto + ", " + published;
                    assertEquals(fresh.conflict(probe) == null, clash == null, where);
                    if (clash != null) { // (with several clashes, either may be named)
                        assertEquals(true, published.getOrDefault(clash.container(), List.of()).contains(Bindings.record(clash.mapping())), where);
                    }
                }
            }
        }
    }

    private static String record(Random random) {
        String host = random.nextBoolean() ? "0.0.0.0" : "127.0.0." + (1 + random.nextInt(2));
        return host + ":" + (8000 + random.nextInt(12)) + "->80/" + (random.nextBoolean() ? "tcp" : "udp");
    }
}
