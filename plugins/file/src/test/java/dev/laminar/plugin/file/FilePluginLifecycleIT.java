package dev.laminar.plugin.file;

import dev.laminar.tck.LookupTestContext;
import dev.laminar.tck.PluginLifecycleTestContext;
import dev.laminar.tck.PluginLifecycleTestSuite;
import dev.laminar.tck.SinkTestContext;
import dev.laminar.tck.SourceTestContext;
import java.nio.file.Path;
import java.util.List;

/**
 * The packaged plugin zip (system property {@code plugin.zip}) loads with PF4J, its source, sink and
 * lookup table work from the plugin's own class loader, and nothing of it stays behind after unloading:
 * in particular its bundled Jackson, used here on the suite's per-plugin thread, does not pin the loader.
 */
class FilePluginLifecycleIT extends PluginLifecycleTestSuite {
  @Override
  protected PluginLifecycleTestContext createContext(Path workDir) {
    return new PluginLifecycleTestContext() {
      @Override
      public List<SourceTestContext> sourceContexts() {
        return List.of(new CsvSourceContext(workDir.resolve("csv"), true, ','), new JsonSourceContext(workDir.resolve("json")));
      }

      @Override
      public List<SinkTestContext> sinkContexts() {
        return List.of(new FileSinkContext(workDir.resolve("sink-csv"), "csv"), new FileSinkContext(workDir.resolve("sink-json"), "json"));
      }

      @Override
      public List<LookupTestContext> lookupContexts() {
        return List.of(new FileLookupContext(new CsvSourceContext(workDir.resolve("lookup"), true, ','), List.of("id")));
      }
    };
  }
}
