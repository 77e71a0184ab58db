package dev.laminar.plugin.functions;

import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.function.FunctionProvider;
import dev.laminar.sdk.function.ScalarFunction;
import java.util.List;
import org.pf4j.Extension;

/**
 * The SQL functions of plugin {@code functions}: the aggregate {@link VariancePop VARIANCE_POP} and the
 * scalar {@link SafeDivide SAFE_DIVIDE}.
 *
 * <pre>{@code
 * SELECT symbol, VARIANCE_POP(price) AS var, SAFE_DIVIDE(SUM(qty), COUNT(*)) AS avg_qty
 * FROM trades GROUP BY symbol;
 * }</pre>
 */
@Extension
public final class StatisticsFunctions implements FunctionProvider {
  @Override
  public List<ScalarFunction> scalarFunctions() {
    return List.of(new SafeDivide());
  }

  @Override
  public List<AggregateFunction<?>> aggregateFunctions() {
    return List.of(new VariancePop());
  }
}
