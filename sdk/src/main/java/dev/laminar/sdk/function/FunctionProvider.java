package dev.laminar.sdk.function;

import dev.laminar.sdk.annotation.Evolving;
import java.util.List;
import org.pf4j.ExtensionPoint;

/** A PF4J extension point through which a plugin contributes SQL functions. */
@Evolving
public interface FunctionProvider extends ExtensionPoint {
  default List<ScalarFunction> scalarFunctions() {
    return List.of();
  }

  default List<AggregateFunction<?>> aggregateFunctions() {
    return List.of();
  }
}
