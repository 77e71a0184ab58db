package ${package};

import dev.laminar.tck.PluginLifecycleTestContext;
import dev.laminar.tck.PluginLifecycleTestSuite;
import dev.laminar.tck.SinkTestContext;
import dev.laminar.tck.SourceTestContext;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs after {@code package} (failsafe, which passes the zip's path): the TCK's plugin suite loads the
 * plugin zip with PF4J as the Laminar host does, reads and writes through the connector that the plugin's
 * own class loader defines, unloads the plugin and checks that nothing of it stays behind.
 */
class PluginLifecycleIT extends PluginLifecycleTestSuite {
  @Override
  protected PluginLifecycleTestContext createContext(Path workDir) {
    return new PluginLifecycleTestContext() {
      @Override
      public Path pluginZip() {
        Path zip = super.pluginZip();
        if (zip == null) {
          // the suite would skip without a zip: a misconfigured build must not pass that way
          throw new IllegalStateException("system property '" + PLUGIN_ZIP_PROPERTY
              + "' is not set: run this test with failsafe (mvn verify), which sets it to the plugin zip");
        }
        return zip;
      }

      @Override
      public List<SourceTestContext> sourceContexts() {
        return List.of(new LinesSourceTest.LinesSourceContext(workDir.resolve("input.txt")));
      }

      @Override
      public List<SinkTestContext> sinkContexts() {
        return List.of(new LinesSinkTest.LinesSinkContext(workDir.resolve("out").resolve("sink.txt")));
      }
    };
  }
}
