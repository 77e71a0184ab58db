package dev.laminar.plugin.functions;

import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.tck.AggregateFunctionTestContext;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * VARIANCE_POP over one argument type, with an independent reference: the two-pass formula
 * {@code Σ(x − mean)² / n}, exact (the mean kept as the fraction {@code Σx / n}) up to one final division.
 */
class VariancePopContext extends AggregateFunctionTestContext<VariancePop.Accumulator> {
  private final DataType type;
  private final Function<Random, Object> values;

  /** Values of {@code type} drawn by the TCK's default generator. */
  VariancePopContext(DataType type) {
    this(type, null);
  }

  /** Values drawn by {@code values} (NULL one time in eight is added here). */
  VariancePopContext(DataType type, Function<Random, Object> values) {
    this.type = type;
    this.values = values;
  }

  @Override
  public AggregateFunction<VariancePop.Accumulator> function() {
    return new VariancePop();
  }

  @Override
  public List<DataType> argumentTypes() {
    return List.of(type);
  }

  @Override
  public DataType expectedResultType() {
    return DataType.DOUBLE;
  }

  @Override
  public Row argumentRow(Random random) {
    if (values == null) {
      return super.argumentRow(random);
    }
    return Row.of(random.nextInt(8) == 0 ? null : values.apply(random));
  }

  @Override
  public boolean hasReferenceResult() {
    return true;
  }

  @Override
  public Object referenceResult(List<Row> rows) {
    List<BigDecimal> xs = new ArrayList<>();
    for (Row row : rows) {
      Object v = row.get(0);
      if (v instanceof Double d && !Double.isFinite(d)) {
        return Double.NaN;
      }
      if (v != null) {
        xs.add(v instanceof Double d ? new BigDecimal(d) : v instanceof BigDecimal b ? b : BigDecimal.valueOf(((Number) v).longValue()));
      }
    }
    if (xs.isEmpty()) {
      return null;
    }
    // two-pass with the mean kept exact as the fraction S/n: Σ(x − S/n)² / n = Σ(n·x − S)² / n³
    BigDecimal n = BigDecimal.valueOf(xs.size());
    BigDecimal total = xs.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal squares = BigDecimal.ZERO;
    for (BigDecimal x : xs) {
      BigDecimal deviation = n.multiply(x).subtract(total);
      squares = squares.add(deviation.multiply(deviation));
    }
    return squares.divide(n.pow(3), MathContext.DECIMAL128).doubleValue();
  }

  @Override
  public List<List<DataType>> invalidArgumentTypes() {
    return List.of(List.of(DataType.VARCHAR), List.of(DataType.DOUBLE, DataType.DOUBLE), List.of(), List.of(DataType.TIMESTAMP));
  }

  /**
   * Both the function and the reference are exact up to one final rounding, whatever the split, so they
   * agree to the last bit; 1e-12 of relative slack only keeps the suite's tolerance meaningful.
   */
  @Override
  public double relativeTolerance() {
    return 1e-12;
  }
}
