package dev.laminar.plugin.kafka;

import dev.laminar.tck.SinkConnectorTestSuite;
import dev.laminar.tck.SinkTestContext;
import dev.laminar.tck.SourceConnectorTestSuite;
import dev.laminar.tck.SourceTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCK's source and sink suites against the Kafka connector on the shared in-process broker. */
@ExtendWith(KafkaTestBroker.class)
class KafkaConnectorContractTest {
  @Nested
  class UnboundedJsonSource extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new KafkaSourceContext("json", false);
    }
  }

  @Nested
  class BoundedAvroSource extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new KafkaSourceContext("avro", true);
    }
  }

  @Nested
  class BoundedCsvSource extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new KafkaSourceContext("csv", true);
    }
  }

  @Nested
  class AtLeastOnceJsonSink extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) throws Exception {
      return new KafkaSinkContext("json", false);
    }
  }

  @Nested
  class ExactlyOnceAvroSink extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) throws Exception {
      return new KafkaSinkContext("avro", true);
    }
  }

  @Nested
  class ExactlyOnceCsvSink extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) throws Exception {
      return new KafkaSinkContext("csv", true);
    }
  }
}
