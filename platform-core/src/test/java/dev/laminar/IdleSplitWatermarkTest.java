package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A split with no data holds the watermark back, unless it is idle past 'watermark.idle-timeout'. */
class IdleSplitWatermarkTest {
  private static final long T0 = 1_767_225_600_000L;

  /** Two splits: "busy" emits 3,000 rows 1 ms apart and then nothing; "quiet" never emits. */
  static final class TwoSplits implements ConnectorFactory {
    @Override
    public String id() {
      return "two-splits";
    }

    @Override
    public String description() {
      return "test source";
    }

    @Override
    public Set<ConnectorKind> provides() {
      return Set.of(ConnectorKind.SOURCE);
    }

    @Override
    public List<OptionSpec> options() {
      return List.of();
    }

    @Override
    public SourceConnector createSource(ConnectorContext context) {
      return new SourceConnector() {
        @Override
        public List<SourceSplit> discoverSplits() {
          return List.of(SourceSplit.of("busy"), SourceSplit.of("quiet"));
        }

        @Override
        public SourceReader createReader(SourceSplit split) {
          boolean busy = split.id().equals("busy");
          return new SourceReader() {
            private long next;

            @Override
            public void restore(byte[] position) {
              next = ByteBuffer.wrap(position).getLong();
            }

            @Override
            public PollStatus poll(BatchWriter out) {
              while (busy && next < 3_000 && !out.isFull()) {
                out.beginRow();
                out.setTimestampMillis(0, T0 + next++);
                out.endRow();
              }
              return out.size() > 0 ? PollStatus.MORE_AVAILABLE : PollStatus.IDLE;
            }

            @Override
            public byte[] position() {
              return ByteBuffer.allocate(8).putLong(next).array();
            }

            @Override
            public void close() {}
          };
        }

        @Override
        public boolean isBounded() {
          return false;
        }
      };
    }
  }

  private static Laminar open() {
    return Laminar.open(LaminarConfig.builder().pluginsDirectory(null).connector(new TwoSplits()).build());
  }

  private static final String COUNTS = "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
      + "GROUP BY window_start, window_end";

  @Test
  void anIdleSplitPastTheTimeoutStopsHoldingTheWatermark() {
    try (Laminar db = open()) {
      db.execute("CREATE SOURCE s (ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) "
          + "WITH ('connector' = 'two-splits', 'watermark.idle-timeout' = '100ms')");
      Subscription out = db.subscribe(COUNTS);
      List<Row> rows = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (rows.size() < 2 && System.nanoTime() < deadline) {
        rows.addAll(out.poll(Duration.ofMillis(100)));
      }
      // windows [T0, T0+1s) and [T0+1s, T0+2s) close once the quiet split is idle; the last one waits for data
      assertThat(rows).containsExactly(Row.of(OhlcReference.time(T0), 1000L), Row.of(OhlcReference.time(T0 + 1000), 1000L));
    }
  }

  @Test
  void withoutATimeoutAnEmptySplitHoldsTheWatermark() {
    try (Laminar db = open()) {
      db.execute("CREATE SOURCE s (ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'two-splits')");
      Subscription out = db.subscribe(COUNTS);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while ((Long) db.execute("SHOW SOURCES").rows().get(0).get(3) < 3_000 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(out.poll(Duration.ofMillis(500))).as("no window closes while the quiet split has no watermark").isEmpty();
    }
  }

  @Test
  void anUnknownEngineOptionIsNamed() {
    try (Laminar db = open()) {
      assertThatThrownBy(() -> db.execute("CREATE SOURCE s (ts TIMESTAMP(3)) WITH ('connector' = 'two-splits', 'watermark.idle' = '1s')"))
          .hasMessageContaining("unknown engine option 'watermark.idle'").hasMessageContaining("watermark.idle-timeout");
      assertThatThrownBy(() -> db.execute("CREATE SOURCE s (ts TIMESTAMP(3)) WITH ('connector' = 'two-splits', 'watermark.idle-timeout' = 'soon')"))
          .hasMessageContaining("option 'watermark.idle-timeout' has invalid value 'soon'");
    }
  }
}
