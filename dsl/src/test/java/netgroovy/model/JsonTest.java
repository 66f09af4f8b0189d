package netgroovy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import groovy.json.JsonOutput;
import groovy.json.JsonSlurper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netgroovy.docker.Container;
import netgroovy.docker.Ipam;
import netgroovy.docker.Network;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;
import org.junit.jupiter.api.Test;

/** The store's own JSON writer writes exactly what JsonOutput wrote, and JsonSlurper reads it back. */
class JsonTest {
    @Test
    void aWorldsRecordsAreWrittenAsJsonOutputWroteThem() {
        World w = new World();
        Network n = new Network("bridge", "docker0", new Ipam(Cidr.parse("10.0.0.0/24"), null, IpAddress.parse("10.0.0.1")), true, false, null);
        w.networks.put("bridge", n);
        Container c = new Container("wéb \"1\"", "bridge", "web");
        c.network = n;
        c.ip = n.ipam().allocate(IpAddress.parse("10.0.0.2"));
        c.mac = Mac.parse("02:42:0a:00:00:02");
        c.attachments.add(new Container.Attachment(n, c.ip, c.mac, "eth0", "veth1", List.of("a\\b", "tab\there")));
        c.env.put("PATH", "/bin:/usr/bin\n☃");
        w.containers.put(c.name, c);
        w.published.put(c.name, new ArrayList<>(List.of("0.0.0.0:8080->80/tcp")));
        Map<String, Object> records = WorldCodec.records(w);
        for (Map.Entry<String, Object> e : records.entrySet()) {
            assertEquals(JsonOutput.toJson(e.getValue()), Json.of(e.getValue()), e.getKey());
        }
        assertEquals(JsonOutput.toJson(records), Json.of(records));
        assertEquals(Json.of(records), Json.of(new JsonSlurper().parseText(Json.of(records))), "read back, it is written the same");
    }

    @Test
    void everyCharacterIsEscapedAsJsonOutputEscapesIt() {
        Random r = new Random(7);
        for (int i = 0; i < 5000; i++) {
            char[] s = new char[r.nextInt(10)];
            for (int k = 0; k < s.length; k++) {
                s[k] = (char) (r.nextBoolean() ? r.nextInt(160) : r.nextInt(0xd800));
            }
            String text = new String(s);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(text, Arrays.asList(text, 42, -7L, true, null));
            assertEquals(JsonOutput.toJson(m), Json.of(m), () -> "for " + text.chars().mapToObj(Integer::toHexString).toList());
        }
    }
}
