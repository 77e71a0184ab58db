package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** A deliberately slow sink slows the source down and loses nothing. */
class BackpressureTest {
  /** A sink that takes 2 ms per batch and records every value of column 0. */
  static final class SlowSinkFactory implements ConnectorFactory {
    final ConcurrentLinkedQueue<Long> received = new ConcurrentLinkedQueue<>();

    @Override
    public String id() {
      return "slow";
    }

    @Override
    public String description() {
      return "test sink that sleeps per batch";
    }

    @Override
    public Set<ConnectorKind> provides() {
      return Set.of(ConnectorKind.SINK);
    }

    @Override
    public List<OptionSpec> options() {
      return List.of();
    }

    @Override
    public SinkConnector createSink(ConnectorContext context) {
      return new SinkConnector() {
        @Override
        public Set<SinkCapability> capabilities() {
          return Set.of(SinkCapability.AT_LEAST_ONCE);
        }

        @Override
        public SinkWriter createWriter() {
          return new SinkWriter() {
            @Override
            public void write(RowBatch batch) {
              for (int r = 0; r < batch.size(); r++) {
                received.add(batch.getLong(r, 0));
              }
              LockSupport.parkNanos(2_000_000);
            }

            @Override
            public void close() {}
          };
        }
      };
    }
  }

  @Test
  void slowSinkReceivesEveryRowInOrder() {
    SlowSinkFactory slow = new SlowSinkFactory();
    int rows = 50_000;
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).batchSize(100).queueBatches(2).connector(slow).build())) {
      db.execute("CREATE SOURCE seq (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '" + rows + "', "
          + "'fields.n.kind' = 'sequence')");
      db.execute("CREATE SINK out_slow FROM seq WITH ('connector' = 'slow')");
      // the source is far faster than the sink: with 2 batches of 100 rows in flight it must wait
      long sourceRowsEarly = readRows(db);
      assertThat(sourceRowsEarly).as("source held back by the slow sink").isLessThan(rows);
      assertThat(db.awaitCompletion(Duration.ofSeconds(60))).isTrue();
      assertThat(db.failures()).isEmpty();
    }
    assertThat(slow.received).hasSize(rows);
    long expected = 0;
    for (long n : slow.received) {
      assertThat(n).isEqualTo(expected++);
    }
  }

  private static long readRows(Laminar db) {
    return (Long) db.execute("SHOW SOURCES").rows().get(0).get(3);
  }
}
