package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.tck.functions.AverageContext;
import dev.laminar.tck.functions.AverageFunction.Bug;
import org.junit.jupiter.api.Test;

/**
 * Runs the aggregate suite against deliberately broken AVG functions (through EngineTestKit) and checks
 * that the case for each defect fails while the others pass or are skipped as intended.
 */
class AggregateSuiteCatchesBrokenFunctionsTest {
  @Test
  void correctFunctionPassesEveryCase() {
    assertThat(SuiteOutcomes.of(Correct.class).statuses().values()).containsOnly("SUCCESSFUL").hasSize(6);
  }

  @Test
  void mergeThatAveragesAveragesFailsTheMergeCaseNamingTheSeed() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(MergeAveragesTheAverages.class);
    assertThat(outcomes.statuses())
        .containsEntry("mergeOfSplitInputsEqualsOneAccumulatorOverAll", "FAILED")
        .containsEntry("emptyAccumulatorGivesTheEmptyResult", "SUCCESSFUL");
    assertThat(outcomes.message("mergeOfSplitInputsEqualsOneAccumulatorOverAll")).contains("seed 20260101").contains("split at row");
  }

  @Test
  void retractThatForgetsTheCountFailsTheRetractCase() {
    assertThat(SuiteOutcomes.of(RetractForgetsTheCount.class).statuses())
        .containsEntry("retractUndoesAdd", "FAILED")
        .containsEntry("mergeOfSplitInputsEqualsOneAccumulatorOverAll", "SUCCESSFUL");
  }

  @Test
  void zeroForNoRowsFailsTheEmptyCase() {
    assertThat(SuiteOutcomes.of(EmptyGivesZero.class).statuses())
        .containsEntry("emptyAccumulatorGivesTheEmptyResult", "FAILED")
        .containsEntry("mergeOfSplitInputsEqualsOneAccumulatorOverAll", "SUCCESSFUL");
  }

  @Test
  void resultsOfAnotherTypeFailTheResultTypeCase() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(WrongResultType.class);
    assertThat(outcomes.statuses()).containsEntry("declaresResultTypeForItsArgumentTypes", "FAILED");
    assertThat(outcomes.message("declaresResultTypeForItsArgumentTypes")).contains("declares result type BIGINT");
  }

  @Test
  void functionWithoutRetractionSkipsTheRetractCase() {
    assertThat(SuiteOutcomes.of(NoRetract.class).statuses())
        .containsEntry("retractUndoesAdd", "ABORTED")
        .containsEntry("mergeOfSplitInputsEqualsOneAccumulatorOverAll", "SUCCESSFUL");
  }

  @Test
  void consistentButWrongNullHandlingFailsOnlyTheReferenceCase() {
    assertThat(SuiteOutcomes.of(NullCountsAsZero.class).statuses())
        .containsEntry("agreesWithTheReferenceComputation", "FAILED")
        .containsEntry("mergeOfSplitInputsEqualsOneAccumulatorOverAll", "SUCCESSFUL")
        .containsEntry("retractUndoesAdd", "SUCCESSFUL");
  }

  @Test
  void aSerializerThatDropsStateFailsTheSerializerCase() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(SerializerDropsTheCount.class);
    assertThat(outcomes.statuses())
        .containsEntry("aSerializedAccumulatorGoesOnAsTheOriginal", "FAILED")
        .containsEntry("mergeOfSplitInputsEqualsOneAccumulatorOverAll", "SUCCESSFUL");
    assertThat(outcomes.message("aSerializedAccumulatorGoesOnAsTheOriginal")).contains("written and read back").contains("seed 20260101");
  }

  @Test
  void functionWithoutSerializerSkipsTheSerializerCase() {
    assertThat(SuiteOutcomes.of(NoSerializer.class).statuses())
        .containsEntry("aSerializedAccumulatorGoesOnAsTheOriginal", "ABORTED")
        .containsEntry("mergeOfSplitInputsEqualsOneAccumulatorOverAll", "SUCCESSFUL");
  }

  static class SerializerDropsTheCount extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.SERIALIZER_DROPS_THE_COUNT);
    }
  }

  static class NoSerializer extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.NO_SERIALIZER);
    }
  }

  static class Correct extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.NONE);
    }
  }

  static class MergeAveragesTheAverages extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.MERGE_AVERAGES_THE_AVERAGES);
    }
  }

  static class RetractForgetsTheCount extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.RETRACT_FORGETS_THE_COUNT);
    }
  }

  static class EmptyGivesZero extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.EMPTY_GIVES_ZERO);
    }
  }

  static class WrongResultType extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.WRONG_RESULT_TYPE);
    }
  }

  static class NoRetract extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.NO_RETRACT);
    }
  }

  static class NullCountsAsZero extends AggregateFunctionTestSuite {
    @Override
    protected AggregateFunctionTestContext<?> createContext() {
      return new AverageContext(Bug.NULL_COUNTS_AS_ZERO);
    }
  }
}
