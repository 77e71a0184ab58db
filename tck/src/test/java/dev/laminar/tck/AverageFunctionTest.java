package dev.laminar.tck;

import dev.laminar.tck.functions.AverageContext;
import dev.laminar.tck.functions.AverageFunction;

/** The aggregate suite passes a correct AVG. */
class AverageFunctionTest extends AggregateFunctionTestSuite {
  @Override
  protected AggregateFunctionTestContext<?> createContext() {
    return new AverageContext(AverageFunction.Bug.NONE);
  }
}
