package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.ListRowBatch;
import dev.laminar.tck.SourceReaderDriver;
import dev.laminar.tck.TestConnectorContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared broker is stopped and started again (same ports and log directory) while a reader and a writer are open. */
@ExtendWith(KafkaTestBroker.class)
class BrokerRestartTest {
  private static final Schema ID_NAME = Schema.builder().column("id", DataType.BIGINT).column("name", DataType.VARCHAR).build();

  private static List<String> json(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "{\"id\": " + i + ", \"name\": \"n" + i + "\"}").toList();
  }

  @Test
  void readerAndExactlyOnceWriterCarryOnAcrossABrokerRestartWithoutLossOrDuplicates() throws Exception {
    KafkaTestBroker broker = KafkaFixture.broker();
    String in = broker.createTopic(broker.newTopicName("restart-in"), 1);
    String out = broker.createTopic(broker.newTopicName("restart-out"), 1);
    KafkaFixture.produce(in, 0, 0, json(0, 100));
    Map<String, String> sinkOptions = new LinkedHashMap<>();
    sinkOptions.put("bootstrap.servers", broker.bootstrapServers());
    sinkOptions.put("topic", out);
    sinkOptions.put("format", "json");
    sinkOptions.put("sink.delivery-guarantee", "exactly-once");
    ConnectorFactory factory = new KafkaConnectorFactory();
    SinkConnector sink = factory.createSink(TestConnectorContext.of(factory, "restart_sink", ID_NAME, sinkOptions));
    SourceConnector source = KafkaFixture.source(ID_NAME, KafkaFixture.sourceOptions(in, "json"));
    SourceReaderDriver driver = new SourceReaderDriver(ID_NAME).withTimeout(Duration.ofSeconds(120));
    List<Row> read = new ArrayList<>();
    try (SourceReader reader = KafkaFixture.openReader(source, null); SinkWriter writer = sink.createWriter()) {
      writer.open();
      read.addAll(driver.readRows(reader, 50).rows());
      writer.write(new ListRowBatch(ID_NAME, read));
      writer.commit(1, writer.preCommit(1));

      broker.restart();

      KafkaFixture.produce(in, 0, 0, json(100, 150));
      List<Row> rest = driver.readRows(reader, 100).rows();
      read.addAll(rest);
      writer.write(new ListRowBatch(ID_NAME, rest));
      writer.commit(2, writer.preCommit(2));
    }
    List<Long> expected = LongStream.range(0, 150).boxed().toList();
    assertThat(read.stream().map(r -> (Long) r.get(0)).toList()).as("rows read across the restart").isEqualTo(expected);
    assertThat(TestSchemas.readTopic(ID_NAME, out, "json").stream().map(r -> (Long) r.get(0)).toList())
        .as("rows written exactly once across the restart").isEqualTo(expected);
  }
}
