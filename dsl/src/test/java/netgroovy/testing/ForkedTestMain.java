package netgroovy.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The main class of a test method's own JVM (see {@link Sandboxed}): runs the one test (or
 * test factory) named by its JUnit unique ID, for real this time, and writes what became of
 * it, and of every container on the way, into the outcome file.
 *
 * <p>Arguments: UNIQUE-ID OUTCOME-FILE PROPERTIES-FILE (the asking JVM's own system
 * properties, which Surefire handed it through its booter rather than the command line).
 */
public final class ForkedTestMain {
    private ForkedTestMain() {
    }

    public static void main(String[] args) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
            props.load(in);
        }
        props.forEach((k, v) -> System.getProperties().putIfAbsent(k, v));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectUniqueId(args[0]))
                // one test here: nothing to run side by side, whatever the asking JVM does
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .build();
        ForkOutcome outcome = new ForkOutcome();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                outcome.add(new ForkOutcome.Result(id.getUniqueId(), id.getDisplayName(), id.isTest(),
                        ForkOutcome.Status.SKIPPED, null, reason));
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                ForkOutcome.Status status = switch (result.getStatus()) {
                    case SUCCESSFUL -> ForkOutcome.Status.SUCCESSFUL;
                    case ABORTED -> ForkOutcome.Status.ABORTED;
                    case FAILED -> ForkOutcome.Status.FAILED;
                };
                outcome.add(new ForkOutcome.Result(id.getUniqueId(), id.getDisplayName(), id.isTest(), status,
                        result.getThrowable().orElse(null), null));
            }
        });
        outcome.write(Path.of(args[1]));
        System.out.flush();
        System.err.flush();
        // Non-daemon threads a test left (a server, a pool) must not keep this JVM, and so the
        // asking one, waiting: everything they did goes with the sandbox.
        Runtime.getRuntime().halt(0);
    }
}
