package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.tck.listconnector.ListLookupContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the lookup suite against deliberately broken list lookup tables (through EngineTestKit) and checks
 * that the case for each defect fails while the others pass. The broken suites are static nested classes,
 * which Surefire does not run by itself.
 */
class LookupSuiteCatchesBrokenTablesTest {
  private static final int CASES = 12;

  @Test
  void correctTablePassesEveryCase() {
    assertThat(SuiteOutcomes.of(Correct.class).statuses().values()).containsOnly("SUCCESSFUL").hasSize(CASES);
  }

  @Test
  void nullMatchingNullFailsTheNullKeyCase() {
    assertThat(SuiteOutcomes.of(NullKeyMatchesNull.class).statuses())
        .containsEntry("keyWithANullComponentMatchesNothing", "FAILED")
        .containsEntry("findsEveryRowByItsKey", "SUCCESSFUL")
        .containsEntry("missingKeyGivesAnEmptyList", "SUCCESSFUL");
  }

  @Test
  void dedupedKeysFailTheBatchCase() {
    assertThat(SuiteOutcomes.of(OneEntryPerDistinctKey.class).statuses())
        .containsEntry("batchedLookupGivesOneEntryPerKeyInKeyOrder", "FAILED")
        .containsEntry("findsEveryRowByItsKey", "SUCCESSFUL");
  }

  @Test
  void sharedScratchStateFailsTheConcurrencyCase() {
    assertThat(SuiteOutcomes.of(NotThreadSafe.class).statuses())
        .containsEntry("concurrentLookupsFromSeveralThreadsGetTheirOwnResults", "FAILED")
        .containsEntry("findsEveryRowByItsKey", "SUCCESSFUL")
        .containsEntry("batchedLookupGivesOneEntryPerKeyInKeyOrder", "SUCCESSFUL");
  }

  @Test
  void hangingWhileDownFailsTheOutageCaseInsteadOfHangingIt() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(HangsWhenDown.class);
    assertThat(outcomes.statuses()).containsEntry("unreachableStoreFailsTheStageInsteadOfHanging", "FAILED");
    assertThat(outcomes.message("unreachableStoreFailsTheStageInsteadOfHanging")).contains("did not complete within");
  }

  @Test
  void throwingWhileDownFailsTheOutageCase() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(ThrowsWhenDown.class);
    assertThat(outcomes.statuses()).containsEntry("unreachableStoreFailsTheStageInsteadOfHanging", "FAILED");
    assertThat(outcomes.message("unreachableStoreFailsTheStageInsteadOfHanging")).contains("must return a stage");
  }

  @Test
  void nullForAMissFailsTheMissCase() {
    assertThat(SuiteOutcomes.of(MissGivesNull.class).statuses())
        .containsEntry("missingKeyGivesAnEmptyList", "FAILED")
        .containsEntry("nullValuesOfMatchedRowsComeBackAsNull", "SUCCESSFUL");
  }

  @Test
  void defaultValuesForNullsFailTheNullValueCase() {
    assertThat(SuiteOutcomes.of(NullsAsDefaultValues.class).statuses())
        .containsEntry("nullValuesOfMatchedRowsComeBackAsNull", "FAILED")
        .containsEntry("keyWithANullComponentMatchesNothing", "SUCCESSFUL");
  }

  @Test
  void threadsLeftRunningFailTheReleaseCase() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(LeaksThread.class);
    assertThat(outcomes.statuses())
        .containsEntry("closeReleasesThreadsAndFileDescriptors", "FAILED")
        .containsEntry("closeIsIdempotent", "SUCCESSFUL");
    assertThat(outcomes.message("closeReleasesThreadsAndFileDescriptors")).contains("'list-lookup-");
  }

  @Test
  void contextThatCannotTakeTheStoreDownSkipsTheOutageCase() {
    assertThat(SuiteOutcomes.of(CannotTakeDown.class).statuses())
        .containsEntry("unreachableStoreFailsTheStageInsteadOfHanging", "ABORTED")
        .containsEntry("findsEveryRowByItsKey", "SUCCESSFUL");
  }

  private static ListLookupContext broken(String bug) {
    return new ListLookupContext(List.of("name", "qty"), Map.of("bug", bug));
  }

  static class Correct extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return new ListLookupContext(List.of("name", "qty"), Map.of());
    }
  }

  static class NullKeyMatchesNull extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return broken("null-key-matches-null");
    }
  }

  static class OneEntryPerDistinctKey extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return broken("one-entry-per-distinct-key");
    }
  }

  static class NotThreadSafe extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return broken("not-thread-safe");
    }
  }

  static class HangsWhenDown extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return broken("hangs-when-down");
    }
  }

  static class ThrowsWhenDown extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return broken("throws-when-down");
    }
  }

  static class MissGivesNull extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return broken("miss-gives-null");
    }
  }

  static class NullsAsDefaultValues extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return broken("nulls-as-default-values");
    }
  }

  static class LeaksThread extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return new ListLookupContext(List.of("name", "qty"), Map.of("bug", "leaks-thread")) {
        @Override
        public Duration releaseTimeout() {
          return Duration.ofSeconds(1);
        }
      };
    }
  }

  static class CannotTakeDown extends LookupTableTestSuite {
    @Override
    protected LookupTestContext createContext(Path workDir) {
      return new ListLookupContext(List.of("id"), Map.of(), false);
    }
  }
}
