package dev.laminar.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's aggregate function with an accumulator serializer (the functions plugin's VARIANCE_POP) under an
 * exactly-once sink: accepted at CREATE SINK, kept in the state store, and a window open across a restart goes on
 * from the accumulator its checkpoint wrote.
 */
class PluginAggregateCheckpointIT {
  private static final long BASE = 1_767_225_600_000L;
  private static final int ROWS = 100; // 10 windows of 1 s, a row every 100 ms
  private static final int BEFORE_RESTART = 25; // windows 0 and 1 closed, window 2 open with 5 rows

  @Test
  void aWindowOpenAcrossARestartGoesOnFromTheCheckpointedAccumulator(@TempDir Path dir) throws Exception {
    Path zip = Path.of(System.getProperty("functions.plugin.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    Path out = dir.resolve("out");
    LaminarConfig config = LaminarConfig.builder().pluginsDirectory(plugins).dataDirectory(dir.resolve("data")).build();
    String query = "SELECT window_start, VARIANCE_POP(x) AS plugin_var, VAR_POP(x) AS builtin_var, COUNT(*) AS n "
        + "FROM TABLE(TUMBLE(TABLE nums, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end";
    try (Laminar db = Laminar.open(config)) {
      db.execute("CREATE SOURCE nums (x DOUBLE, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
      assertThat(db.execute("EXPLAIN " + query).rows().stream().map(r -> (String) r.get(0)).toList())
          .anySatisfy(line -> assertThat(line).contains("WindowAggregate(").contains("state=off-heap"));
      db.execute("CREATE SINK vars WITH ('connector' = 'filesystem', 'path' = '" + out + "', 'format' = 'csv', "
          + "'sink.delivery-guarantee' = 'exactly-once') AS " + query);
      SourceWriter w = db.writer("nums"); // left open: closing it would end the source
      push(w, 0, BEFORE_RESTART);
      w.commit();
      db.execute("CHECKPOINT");
    }
    try (Laminar db = Laminar.open(config)) {
      try (SourceWriter w = db.writer("nums")) {
        long resume = w.durableRows();
        assertThat(resume).as("the rows pushed before the restart are durable").isEqualTo(BEFORE_RESTART);
        push(w, (int) resume, ROWS);
      }
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).as("the sink saw the end of its input").isTrue();
      assertThat(db.failures()).isEmpty();
    }
    List<String[]> rows = committedRows(out);
    assertThat(rows).as("one result per window, each committed once").hasSize(ROWS / 10);
    assertThat(rows.stream().map(r -> r[0]).distinct()).hasSize(ROWS / 10);
    for (String[] r : rows) {
      assertThat(Long.parseLong(r[3])).as("rows of window %s", r[0]).isEqualTo(10);
      assertThat(Double.parseDouble(r[1])).as("VARIANCE_POP of window %s (the one at 2 s restored mid-window)", r[0])
          .isCloseTo(Double.parseDouble(r[2]), Offset.offset(1e-9));
    }
  }

  private static void push(SourceWriter w, int from, int to) {
    for (int i = from; i < to; i++) {
      w.beginRow();
      w.setDouble(0, (i * 37 % 11) * 1.5);
      w.setTimestampMillis(1, BASE + i * 100L);
      w.endRow();
    }
  }

  /** The committed part files' data rows (each file begins with its CSV header). */
  private static List<String[]> committedRows(Path out) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.get(0)).as("header of %s", f).isEqualTo("window_start,plugin_var,builtin_var,n");
        lines.subList(1, lines.size()).forEach(l -> rows.add(l.split(",")));
      }
    }
    return rows;
  }
}
