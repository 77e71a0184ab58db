package dev.laminar.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs a suite through JUnit's EngineTestKit, so that its failures are data for the calling test rather
 * than failures of this build.
 *
 * @param statuses test method name → SUCCESSFUL, FAILED or ABORTED
 * @param failures test method name → what it threw (failed and aborted tests)
 */
record SuiteOutcomes(Map<String, String> statuses, Map<String, Throwable> failures) {
  /** Runs every test of {@code suite}. */
  static SuiteOutcomes of(Class<?> suite) {
    Map<String, String> statuses = new TreeMap<>();
    Map<String, Throwable> failures = new TreeMap<>();
    for (Event event : EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute()
        .testEvents().finished().list()) {
      String name = event.getTestDescriptor().getDisplayName().replace("()", "");
      TestExecutionResult result = event.getRequiredPayload(TestExecutionResult.class);
      statuses.put(name, result.getStatus().name());
      result.getThrowable().ifPresent(t -> failures.put(name, t));
    }
    return new SuiteOutcomes(statuses, failures);
  }

  /** The message of what test {@code name} threw, or "" when it threw nothing. */
  String message(String name) {
    Throwable t = failures.get(name);
    return t == null || t.getMessage() == null ? "" : t.getMessage();
  }
}
