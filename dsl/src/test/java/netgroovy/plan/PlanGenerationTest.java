package netgroovy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import netgroovy.plan.Op.State;
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

    /** Docker's FORWARD policy is read from the rules the plan already read, and set (and put back) in a batch. */
    @Test
    void theForwardPolicyIsSetWithTheRulesAndPutBackByUndo() {
        LiveKernel k = new LiveKernel();
        try {
            k.remember(true);
            ForwardPolicyOp op = new ForwardPolicyOp(Where.HOST);
            assertEquals(State.TODO, op.check(k));
            long reads = k.rules(Where.HOST).reads();
            op.apply(k);
            assertEquals(List.of("-P FORWARD DROP"), policyLines(k));
            assertEquals(State.DONE, op.check(k), "the rules known say DROP");
            assertEquals(reads, k.rules(Where.HOST).reads(), "without reading the rules again");
            op.undo(k);
            assertEquals(List.of("-P FORWARD ACCEPT"), policyLines(k));
            assertEquals(State.TODO, op.check(k));

            k.exec(Where.HOST, List.of("iptables", "-P", "FORWARD", "DROP"), Duration.ofSeconds(20));
            assertEquals(State.DONE, new ForwardPolicyOp(Where.HOST).check(k), "someone else's DROP is seen");
        } finally {
            k.close();
        }
    }

    private static List<String> policyLines(LiveKernel k) {
        return netgroovy.testing.Sh.ok("iptables", "-S", "FORWARD").lines().filter(l -> l.startsWith("-P ")).toList();
    }
}
