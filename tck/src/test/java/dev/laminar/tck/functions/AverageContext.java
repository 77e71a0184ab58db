package dev.laminar.tck.functions;

import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.tck.AggregateFunctionTestContext;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/** TCK_AVG over BIGINT, with a reference computation in BigDecimal. */
public class AverageContext extends AggregateFunctionTestContext<AverageFunction.Accumulator> {
  private final AverageFunction.Bug bug;

  public AverageContext(AverageFunction.Bug bug) {
    this.bug = bug;
  }

  @Override
  public AggregateFunction<AverageFunction.Accumulator> function() {
    return new AverageFunction(bug);
  }

  @Override
  public List<DataType> argumentTypes() {
    return List.of(DataType.BIGINT);
  }

  @Override
  public boolean hasReferenceResult() {
    return true;
  }

  @Override
  public Object referenceResult(List<Row> rows) {
    BigDecimal sum = BigDecimal.ZERO;
    long n = 0;
    for (Row row : rows) {
      if (row.get(0) != null) {
        sum = sum.add(BigDecimal.valueOf((Long) row.get(0)));
        n++;
      }
    }
    return n == 0 ? null : sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64).doubleValue();
  }

  @Override
  public List<List<DataType>> invalidArgumentTypes() {
    return List.of(List.of(DataType.VARCHAR), List.of(DataType.BIGINT, DataType.BIGINT), List.of());
  }
}
