package dev.laminar.plugin.functions;

import dev.laminar.sdk.type.DataType;
import dev.laminar.tck.AggregateFunctionTestContext;
import dev.laminar.tck.PluginLifecycleTestContext;
import dev.laminar.tck.PluginLifecycleTestSuite;
import java.nio.file.Path;
import java.util.List;

/**
 * The packaged plugin zip (system property {@code plugin.zip}) loads with PF4J, VARIANCE_POP from it
 * agrees with the test class path's copy, and its class loader is collected after unloading.
 */
class FunctionsPluginLifecycleIT extends PluginLifecycleTestSuite {
  @Override
  protected PluginLifecycleTestContext createContext(Path workDir) {
    return new PluginLifecycleTestContext() {
      @Override
      public List<AggregateFunctionTestContext<?>> aggregateFunctionContexts() {
        return List.of(new VariancePopContext(DataType.DOUBLE), new VariancePopContext(DataType.decimal(12, 3)));
      }
    };
  }
}
