package dev.laminar.plugin.kafka;

import dev.laminar.tck.PluginLifecycleTestContext;
import dev.laminar.tck.PluginLifecycleTestSuite;
import dev.laminar.tck.SinkTestContext;
import dev.laminar.tck.SourceTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged plugin zip (system property {@code plugin.zip}) loads with PF4J, its source and sink
 * work from the plugin's own class loader (kafka-clients, Avro and Jackson bundled), and nothing of it
 * stays behind after unloading.
 */
@ExtendWith(KafkaTestBroker.class)
class KafkaPluginLifecycleIT extends PluginLifecycleTestSuite {
  @Override
  protected PluginLifecycleTestContext createContext(Path workDir) {
    return new PluginLifecycleTestContext() {
      @Override
      public List<SourceTestContext> sourceContexts() {
        return List.of(new KafkaSourceContext("json", true), new KafkaSourceContext("avro", true));
      }

      @Override
      public List<SinkTestContext> sinkContexts() {
        try {
          return List.of(new KafkaSinkContext("json", false), new KafkaSinkContext("csv", true));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }
}
