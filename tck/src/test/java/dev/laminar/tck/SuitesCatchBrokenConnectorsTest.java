package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.tck.listconnector.ListSinkContext;
import dev.laminar.tck.listconnector.ListSourceContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
  void splitIdsThatChangeBetweenInstancesFailOnlyTheReassignmentCase() {
    assertThat(outcomes(SplitIdsUnstable.class))
        .containsEntry("restoresIntoADifferentSplitAssignment", "FAILED")
        .containsEntry("resumesFromMidStreamPositionWithoutLossOrDuplicates", "SUCCESSFUL")
        .containsEntry("readsEverythingWritten", "SUCCESSFUL");
  }

  @Test
  void offByOnePositionAlsoFailsTheReassignmentCase() {
    assertThat(outcomes(OffByOnePosition.class)).containsEntry("restoresIntoADifferentSplitAssignment", "FAILED");
  }

  @Test
  void badRecordsDroppedUnderTheFailPolicyFailTheBadRecordCase() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(BadRecordsSilentlyDropped.class);
    assertThat(outcomes.statuses())
        .containsEntry("badRecordsFollowTheConfiguredPolicy", "FAILED")
        .containsEntry("readsEverythingWritten", "SUCCESSFUL");
    assertThat(outcomes.message("badRecordsFollowTheConfiguredPolicy")).contains("fail policy");
  }

  @Test
  void skippingAGoodRowWithABadOneFailsTheBadRecordCase() {
    assertThat(outcomes(SkipDropsNextRow.class)).containsEntry("badRecordsFollowTheConfiguredPolicy", "FAILED");
  }

  @Test
  void contextWithoutBadRecordsSkipsTheBadRecordCase() {
    assertThat(outcomes(NoBadRecordInput.class)).containsEntry("badRecordsFollowTheConfiguredPolicy", "ABORTED");
  }

  @Test
  void readerThatKeepsItsFileOpenFailsTheReleaseCaseNamingTheFile() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(LeaksFileDescriptor.class);
    assertThat(outcomes.statuses())
        .containsEntry("closeReleasesThreadsAndFileDescriptors", "FAILED")
        .containsEntry("readsEverythingWritten", "SUCCESSFUL");
    assertThat(outcomes.message("closeReleasesThreadsAndFileDescriptors")).contains("file descriptor").contains("list-source-");
  }

  @Test
  void writerThatLeavesItsThreadRunningFailsTheReleaseCaseNamingTheThread() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(SinkLeaksThread.class);
    assertThat(outcomes.statuses())
        .containsEntry("closeReleasesThreadsAndFileDescriptors", "FAILED")
        .containsEntry("writesEverything", "SUCCESSFUL");
    assertThat(outcomes.message("closeReleasesThreadsAndFileDescriptors")).contains("'list-sink-flusher-");
  }

  @Test
  void twoPhaseSinkThatStagesInWriterMemoryLosesTheEpochOfACrashedWriter() {
    assertThat(outcomes(StagesInWriterMemory.class))
        .containsEntry("preCommittedEpochIsCommittedByANewWriterAfterACrash", "FAILED")
        .containsEntry("preCommittedEpochIsAbortedByANewWriterAfterACrash", "SUCCESSFUL")
        .containsEntry("commitReplayIsIdempotent", "SUCCESSFUL")
        .containsEntry("commitReplayAfterRestartIsIdempotent", "SUCCESSFUL");
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
        .containsEntry("preCommittedEpochIsCommittedByANewWriterAfterACrash", "FAILED")
        .containsEntry("writesEverything", "SUCCESSFUL");
  }

  @Test
  void abortThatPublishesFailsTheAbortCase() {
    assertThat(outcomes(AbortPublishes.class))
        .containsEntry("abortDiscards", "FAILED")
        .containsEntry("preCommittedEpochIsAbortedByANewWriterAfterACrash", "FAILED")
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
        .containsEntry("abortDiscards", "ABORTED")
        .containsEntry("preCommittedEpochIsCommittedByANewWriterAfterACrash", "ABORTED")
        .containsEntry("preCommittedEpochIsAbortedByANewWriterAfterACrash", "ABORTED")
        .containsEntry("closeReleasesThreadsAndFileDescriptors", "SUCCESSFUL");
    assertThat(outcomes(ListSinkTwoPhaseTest.class))
        .containsEntry("commitReplayIsIdempotent", "SUCCESSFUL")
        .containsEntry("abortDiscards", "SUCCESSFUL")
        .containsEntry("preCommitKeepsRowsInvisibleUntilCommit", "SUCCESSFUL")
        .containsEntry("preCommittedEpochIsCommittedByANewWriterAfterACrash", "SUCCESSFUL")
        .containsEntry("preCommittedEpochIsAbortedByANewWriterAfterACrash", "SUCCESSFUL")
        .containsEntry("closeReleasesThreadsAndFileDescriptors", "SUCCESSFUL")
        .containsEntry("atLeastOnceLosesNothing", "ABORTED");
  }

  @Test
  void correctSourcesPassEveryCase() {
    assertThat(outcomes(ListSourceTest.class).values()).containsOnly("SUCCESSFUL").hasSize(9);
    assertThat(outcomes(UnboundedListSourceTest.class).values()).containsOnly("SUCCESSFUL").hasSize(9);
  }

  /** Test method name → SUCCESSFUL, FAILED or ABORTED, for every test of {@code suite}. */
  private static Map<String, String> outcomes(Class<?> suite) {
    return SuiteOutcomes.of(suite).statuses();
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

  static class SplitIdsUnstable extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "split-ids-unstable-across-instances"));
    }
  }

  static class BadRecordsSilentlyDropped extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "bad-records-silently-dropped"));
    }
  }

  static class SkipDropsNextRow extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "skip-drops-next-row"));
    }
  }

  static class NoBadRecordInput extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of()) {
        @Override
        public BadRecordInput badRecordInput() {
          return null;
        }
      };
    }
  }

  static class LeaksFileDescriptor extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new ListSourceContext(Map.of("bug", "leaks-file-descriptor")) {
        @Override
        public Duration releaseTimeout() {
          return Duration.ofSeconds(1);
        }
      };
    }
  }

  static class SinkLeaksThread extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new ListSinkContext(Map.of("bug", "leaks-thread")) {
        @Override
        public Duration releaseTimeout() {
          return Duration.ofSeconds(1);
        }
      };
    }
  }

  static class StagesInWriterMemory extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new ListSinkContext(Map.of("mode", "two-phase", "bug", "stages-in-writer-memory"));
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
