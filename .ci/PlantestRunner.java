import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs the tests of netgroovy.plantest with the JUnit Platform, without Maven or Surefire, and
 * prints the summary (exit 1 on a failure, or when nothing ran): how .ci/plantest-as-nobody runs
 * the unprivileged tier as a user with no rights at all, to show that it needs none. Run as a
 * single source file ({@code java .ci/PlantestRunner.java}).
 */
public final class PlantestRunner {
    private PlantestRunner() {
    }

    public static void main(String[] args) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectPackage("netgroovy.plantest")).build(), summary);
        PrintWriter out = new PrintWriter(System.out, true);
        summary.getSummary().printTo(out);
        summary.getSummary().printFailuresTo(out, 30);
        System.exit(summary.getSummary().getTotalFailureCount() == 0 && summary.getSummary().getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
