package dev.laminar.plugin.functions;

import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.function.ScalarFunction;
import dev.laminar.sdk.type.DataType;
import java.util.List;

/**
 * {@code SAFE_DIVIDE(a, b)}: {@code a / b} as DOUBLE for numeric arguments, NULL instead of an error or an
 * infinity when {@code b} is zero, and NULL when either argument is NULL. Stateless; allocates only the
 * boxed result.
 */
public final class SafeDivide implements ScalarFunction {
  static final String NAME = "SAFE_DIVIDE";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DataType resultType(List<DataType> argumentTypes) {
    if (argumentTypes.size() != 2 || !argumentTypes.get(0).isNumeric() || !argumentTypes.get(1).isNumeric()) {
      throw new IllegalArgumentException(NAME + "(a, b) takes two numeric arguments, got " + argumentTypes);
    }
    return DataType.DOUBLE;
  }

  @Override
  public Object evaluate(Arguments arguments) {
    if (arguments.isNull(0) || arguments.isNull(1)) {
      return null;
    }
    double divisor = arguments.getDouble(1);
    return divisor == 0 ? null : arguments.getDouble(0) / divisor;
  }
}
