package netgroovy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import netgroovy.testing.Sandboxed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * While a plan is applied, the host's rules are checked against the kernel's nf_tables
 * generation once, not before every operation that reads them; a command run by the plan, or
 * a write of the plan's own, makes the next look ask again, and so does the next plan.
 */
@ExtendWith(Sandboxed.class)
class PlanGenerationTest {
    @Test
    void theRulesAreCheckedOncePerPlanAndAgainAfterACommand() {
        LiveKernel k = new LiveKernel();
        try {
            k.remember(true);
            k.rules(Where.HOST).fresh(); // read (iptables-save) and its generation
            long asked = k.generationAsks;
            k.rules(Where.HOST).fresh();
            k.rules(Where.HOST).fresh();
            assertEquals(asked, k.generationAsks, "the plan's later looks trust the first");

            k.exec(Where.HOST, List.of("iptables", "-A", "FORWARD", "-s", "10.9.9.9", "-j", "DROP"), Duration.ofSeconds(20));
            List<String> forward = k.rules(Where.HOST).fresh().rules("filter", "FORWARD");
            assertTrue(forward.stream().anyMatch(l -> l.contains("10.9.9.9")), "a command's rule is seen by the next look: " + forward);

            k.remember(false);
            k.remember(true);
            long before = k.generationAsks;
            k.rules(Where.HOST).fresh();
            assertEquals(before + 1, k.generationAsks, "the next plan asks again");
            k.remember(false);
            k.rules(Where.HOST).fresh();
            k.rules(Where.HOST).fresh();
            assertEquals(before + 3, k.generationAsks, "outside a plan each look asks");
        } finally {
            k.close();
        }
    }
}
