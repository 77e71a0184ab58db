package dev.laminar.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.row.RowBatch;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine option 'sink.delivery-guarantee' of CREATE SINK: refused when it cannot hold, accepted when it can. */
class DeliveryGuaranteeTest {
  private static final String EVENTS = "CREATE SOURCE events (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', "
      + "'number-of-rows' = '100', 'fields.id.kind' = 'sequence')";

  private static Laminar open(Path data, ConnectorFactory... connectors) {
    LaminarConfig.Builder b = LaminarConfig.builder().pluginsDirectory(null);
    if (data != null) {
      b.dataDirectory(data);
    }
    for (ConnectorFactory f : connectors) {
      b.connector(f);
    }
    return Laminar.open(b.build());
  }

  @Test
  void exactlyOnceIntoASinkWithoutTwoPhaseCommitIsRefusedAtTheOption(@TempDir Path dir) {
    try (Laminar db = open(dir.resolve("data"))) {
      db.execute(EVENTS);
      assertThatThrownBy(() -> db.execute("CREATE SINK c WITH ('connector' = 'console',\n  'sink.delivery-guarantee' = 'exactly-once') AS SELECT id FROM events"))
          .hasMessageStartingWith("line 2, column 3")
          .hasMessageContaining("connector 'console': option 'sink.delivery-guarantee' = 'exactly-once' cannot hold for sink 'c'")
          .hasMessageContaining("the connector declares [AT_LEAST_ONCE, ACCEPTS_CHANGELOG]")
          .hasMessageContaining("exactly-once needs TWO_PHASE_COMMIT or IDEMPOTENT");
      assertThat(db.engine().exists("c")).as("nothing is created").isFalse();
      db.execute("CREATE SINK c WITH ('connector' = 'console', 'sink.delivery-guarantee' = 'at-least-once') AS SELECT id FROM events");
    }
  }

  @Test
  void theMemorySinkTakesNoGuaranteeButNone(@TempDir Path dir) {
    try (Laminar db = open(dir.resolve("data"))) {
      db.execute(EVENTS);
      assertThatThrownBy(() -> db.execute("CREATE SINK m WITH ('connector' = 'memory', 'sink.delivery-guarantee' = 'at-least-once') "
          + "AS SELECT id FROM events"))
          .hasMessageContaining("cannot hold for sink 'm': the memory sink keeps its rows on the heap, so none survives a restart");
      db.execute("CREATE SINK m WITH ('connector' = 'memory', 'sink.delivery-guarantee' = 'none') AS SELECT id FROM events");
    }
  }

  @Test
  void aGuaranteeWithoutADataDirectoryIsRefused() {
    try (Laminar db = open(null)) {
      db.execute(EVENTS);
      assertThatThrownBy(() -> db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '/tmp/never', "
          + "'sink.delivery-guarantee' = 'at-least-once') AS SELECT id FROM events"))
          .hasMessageStartingWith("line 1, column 72")
          .hasMessageContaining("cannot hold for sink 'f': the engine has no data directory, so there are no checkpoints to recover from");
      db.execute("CREATE SINK f2 WITH ('connector' = 'console', 'sink.delivery-guarantee' = 'none') AS SELECT id FROM events");
    }
  }

  @Test
  void aMemorySourceWithoutALogCannotFeedAGuaranteedSink() {
    try (Laminar db = open(null)) {
      db.execute("CREATE SOURCE pushed (id BIGINT) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM doubled AS SELECT id * 2 AS id FROM pushed");
      assertThatThrownBy(() -> db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '/tmp/never', "
          + "'sink.delivery-guarantee' = 'exactly-once') AS SELECT id FROM doubled"))
          .hasMessageContaining("cannot hold for sink 'f': source 'pushed' (connector 'memory') cannot replay from a checkpointed position");
    }
  }

  @Test
  void anUnknownValueNamesTheOptionTheConnectorAndTheAllowedValues(@TempDir Path dir) {
    try (Laminar db = open(dir.resolve("data"))) {
      db.execute(EVENTS);
      assertThatThrownBy(() -> db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out")
          + "', 'sink.delivery-guarantee' = 'twice') AS SELECT id FROM events"))
          .hasMessageStartingWith("line 1, column ")
          .hasMessageContaining("connector 'filesystem': option 'sink.delivery-guarantee' has invalid value 'twice'")
          .hasMessageContaining("exactly-once").hasMessageContaining("at-least-once").hasMessageContaining("none");
    }
  }

  @Test
  void exactlyOnceIntoTheFilesystemSinkWithADataDirectoryIsAccepted(@TempDir Path dir) throws Exception {
    try (Laminar db = open(dir.resolve("data"))) {
      db.execute(EVENTS);
      db.execute("CREATE MATERIALIZED VIEW v AS SELECT id, ts FROM events");
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out")
          + "', 'sink.delivery-guarantee' = 'EXACTLY-ONCE') AS SELECT id FROM v");
      assertThat(db.awaitCompletion(java.time.Duration.ofMinutes(1))).isTrue();
      assertThat(db.failures()).isEmpty();
    }
    try (Laminar db = open(dir.resolve("data"))) { // the catalog keeps the option and the check passes again
      assertThat(db.engine().exists("f")).isTrue();
    }
  }

  /** A connector that declares the option itself (as the Kafka plugin does) receives it, and its capabilities follow it. */
  @Test
  void aConnectorDeclaringTheOptionReceivesItAndIsCheckedOnWhatItThenDeclares(@TempDir Path dir) {
    AtomicReference<String> received = new AtomicReference<>();
    ConnectorFactory transactional = new ConnectorFactory() {
      @Override
      public String id() {
        return "tx";
      }

      @Override
      public String description() {
        return "test sink that is transactional when asked";
      }

      @Override
      public Set<ConnectorKind> provides() {
        return Set.of(ConnectorKind.SINK);
      }

      @Override
      public List<OptionSpec> options() {
        return List.of(OptionSpec.builder("sink.delivery-guarantee", OptionType.ENUM).allowedValues("at-least-once", "exactly-once")
            .defaultValue("at-least-once").build());
      }

      @Override
      public SinkConnector createSink(ConnectorContext context) {
        String mode = context.options().getString("sink.delivery-guarantee");
        received.set(mode);
        return new SinkConnector() {
          @Override
          public Set<SinkCapability> capabilities() {
            return mode.equals("exactly-once") ? EnumSet.of(SinkCapability.AT_LEAST_ONCE, SinkCapability.TWO_PHASE_COMMIT)
                : EnumSet.of(SinkCapability.AT_LEAST_ONCE);
          }

          @Override
          public SinkWriter createWriter() {
            return new SinkWriter() {
              @Override
              public void write(RowBatch batch) {}

              @Override
              public byte[] preCommit(long epoch) {
                return new byte[0];
              }

              @Override
              public void commit(long epoch, byte[] handle) {}

              @Override
              public void abort(long epoch, byte[] handle) {}

              @Override
              public void close() {}
            };
          }
        };
      }
    };
    try (Laminar db = open(dir.resolve("data"), transactional)) {
      db.execute(EVENTS);
      db.execute("CREATE SINK t WITH ('connector' = 'tx', 'sink.delivery-guarantee' = 'exactly-once') AS SELECT id FROM events");
      assertThat(received.get()).isEqualTo("exactly-once");
      assertThatThrownBy(() -> db.execute("CREATE SINK t2 WITH ('connector' = 'tx', 'sink.delivery-guarantee' = 'none') AS SELECT id FROM events"))
          .as("the connector validates the value it receives with its own allowed values")
          .hasMessageContaining("connector 'tx': option 'sink.delivery-guarantee' has invalid value 'none'");
    }
  }
}
