package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.laminar.tck.listconnector.ListSinkContext;
import dev.laminar.tck.listconnector.ListSourceContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs the suites against deliberately broken variants of the list connector (through JUnit's
 * EngineTestKit, so their failures are data here, not failures of this build) and checks that
 * exactly the case for each defect fails while the others pass or are skipped as intended.
 *
 * <p>The broken suites are nested classes: Surefire does not run nested classes by itself.
 */
class SuitesCatchBrokenConnectorsTest {

  @Test
  void offByOnePositionFailsOnlyTheResumeCase() {
    assertThat(outcomes(OffByOnePosition.class))
        .containsEntry("resumesFromMidStreamPositionWithoutLossOrDuplicates", "FAILED")
        .containsEntry("readsEverythingWritten", "SUCCESSFUL")
        .containsEntry("idleOrEmptyInputReturnsIdleOrFinished", "SUCCESSFUL")
        .containsEntry("closeIsIdempotent", "SUCCESSFUL")
        .containsEntry("badConfigurationFailsValidationNamingTheOption", "SUCCESSFUL");
  }

  @Test
  void readerThatNeverGoesIdleFailsTheEmptyInputCaseInsteadOfHanging() {
    assertThat(outcomes(NeverIdle.class))
        .containsEntry("idleOrEmptyInputReturnsIdleOrFinished", "FAILED")
        .containsEntry("readsEverythingWritten", "FAILED")
        .containsEntry("closeIsIdempotent", "SUCCESSFUL");
  }

  @Test
  void unboundedReaderThatNeverGoesIdleFailsTheEmptyInputCase() {
    assertThat(outcomes(UnboundedNeverIdle.class)).containsEntry("idleOrEmptyInputReturnsIdleOrFinished", "FAILED");
  }

  @Test
  void droppedRowFailsTheReadCase() {
    assertThat(outcomes(DropsLastRow.class)).containsEntry("readsEverythingWritten", "FAILED");
  }

  @Test
  void failingSecondCloseFailsTheCloseCase() {
    assertThat(outcomes(CloseTwiceFails.class))
        .containsEntry("closeIsIdempotent", "FAILED")
        .containsEntry("readsEverythingWritten", "SUCCESSFUL");
  }

  @Test
  void missingOptionCheckFailsTheConfigurationCase() {
    assertThat(outcomes(NoCrossOptionCheck.class)).containsEntry("badConfigurationFailsValidationNamingTheOption", "FAILED");
  }

  @Test
  void contextWithoutBadOptionsSkipsTheConfigurationCase() {
    assertThat(outcomes(NoInvalidOptionCases.class)).containsEntry("badConfigurationFailsValidationNamingTheOption", "ABORTED");
  }

  @Test
  void commitThatPublishesAgainFailsTheReplayCases() {
    assertThat(outcomes(CommitReplayDuplicates.class))
        .containsEntry("commitReplayIsIdempotent", "FAILED")
        .containsEntry("commitReplayAfterRestartIsIdempotent", "FAILED")
        .containsEntry("writesEverything", "SUCCESSFUL");
  }

  @Test
  void abortThatPublishesFailsTheAbortCase() {
    assertThat(outcomes(AbortPublishes.class))
        .containsEntry("abortDiscards", "FAILED")
        .containsEntry("writesEverything", "SUCCESSFUL");
  }

  @Test
  void atLeastOnceSinkThatBuffersUntilCloseFailsTheAtLeastOnceCase() {
    assertThat(outcomes(BuffersUntilClose.class))
        .containsEntry("atLeastOnceLosesNothing", "FAILED")
        .containsEntry("writesEverything", "SUCCESSFUL");
  }

  @Test
  void casesForUndeclaredCapabilitiesAreSkippedNotFailed() {
    assertThat(outcomes(ListSinkAtLeastOnceTest.class))
        .containsEntry("writesEverything", "SUCCESSFUL")
        .containsEntry("atLeastOnceLosesNothing", "SUCCESSFUL")
        .containsEntry("commitReplayIsIdempotent", "ABORTED")
        .containsEntry("commitReplayAfterRestartIsIdempotent", "ABORTED")
        .containsEntry("rewritingRowsIsIdempotent", "ABORTED")
        .containsEntry("preCommitKeepsRowsInvisibleUntilCommit", "ABORTED")
        .containsEntry("abortDiscards", "ABORTED");
    assertThat(outcomes(ListSinkTwoPhaseTest.class))
        .containsEntry("commitReplayIsIdempotent", "SUCCESSFUL")
        .containsEntry("abortDiscards", "SUCCESSFUL")
        .containsEntry("preCommitKeepsRowsInvisibleUntilCommit", "SUCCESSFUL")
        .containsEntry("atLeastOnceLosesNothing", "ABORTED");
  }

  @Test
  void correctSourcesPassEveryCase() {
    assertThat(outcomes(ListSourceTest.class).values()).containsOnly("SUCCESSFUL").hasSize(6);
    assertThat(outcomes(UnboundedListSourceTest.class).values()).containsOnly("SUCCESSFUL").hasSize(6);
  }

  /** Test method name → SUCCESSFUL, FAILED or ABORTED, for every test of {@code suite}. */
  private static Map<String, String> outcomes(Class<?> suite) {
    Map<String, String> outcomes = new TreeMap<>();
    for (Event event : EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute()
        .testEvents().finished().list()) {
      String name = event.getTestDescriptor().getDisplayName().replace("()", "");
      TestExecutionResult result = event.getRequiredPayload(TestExecutionResult.class);
      outcomes.put(name, result.getStatus().name());
    }
    return outcomes;
  }

  static class OffByOnePosition extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "position-off-by-one"));
    }
  }

  static class NeverIdle extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "never-idle")) {
        @Override
        public SourceReaderDriver driver() {
          return super.driver().withMaxPolls(200);
        }
      };
    }
  }

  static class UnboundedNeverIdle extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "never-idle", "bounded", "false"));
    }
  }

  static class DropsLastRow extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "drops-last-row"));
    }
  }

  static class CloseTwiceFails extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "close-twice-fails"));
    }
  }

  static class NoCrossOptionCheck extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "no-cross-option-check"));
    }
  }

  static class NoInvalidOptionCases extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of()) {
        @Override
        public java.util.List<InvalidOptionsCase> invalidOptionCases() {
          return java.util.List.of();
        }
      };
    }
  }

  static class CommitReplayDuplicates extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new ListSinkContext(Map.of("mode", "two-phase", "bug", "commit-replay-duplicates"));
    }
  }

  static class AbortPublishes extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new ListSinkContext(Map.of("mode", "two-phase", "bug", "abort-publishes"));
    }
  }

  static class BuffersUntilClose extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new ListSinkContext(Map.of("mode", "at-least-once", "bug", "buffers-until-close"));
    }
  }
}
