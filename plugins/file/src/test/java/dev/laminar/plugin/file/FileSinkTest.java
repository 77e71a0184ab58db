package dev.laminar.plugin.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.ListRowBatch;
import dev.laminar.tck.TestConnectorContext;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
  private static final Schema SCHEMA = Schema.builder()
      .column("id", DataType.BIGINT, false)
      .column("name", DataType.VARCHAR)
      .column("price", DataType.decimal(6, 2))
      .column("ts", DataType.TIMESTAMP)
      .column("raw", DataType.BYTES)
      .column("ok", DataType.BOOLEAN)
      .column("score", DataType.DOUBLE)
      .build();

  private static final List<Row> ROWS = List.of(
      Row.of(1L, "plain", new BigDecimal("1.50"), LocalDateTime.of(2026, 1, 1, 0, 0, 0, 123_000_000), new byte[] {1, 2}, true, 0.5),
      Row.of(2L, "", null, null, null, null, Double.NaN),
      Row.of(3L, "a, \"b\"\n c", new BigDecimal("-0.05"), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000), new byte[0], false, null));

  @TempDir
  Path dir;

  private SinkConnector sink(Path file, String... kv) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("path", file.toString());
    for (int i = 0; i < kv.length; i += 2) {
      o.put(kv[i], kv[i + 1]);
    }
    FileConnectorFactory factory = new FileConnectorFactory();
    return factory.createSink(TestConnectorContext.of(factory, "out", SCHEMA, o));
  }

  private static void writeAll(SinkConnector sink, List<Row> rows) throws Exception {
    SinkWriter w = sink.createWriter();
    w.open();
    w.write(new ListRowBatch(SCHEMA, rows));
    w.preCommit(1);
    w.close();
    sink.close();
  }

  @Test
  void writesCsvWithHeaderQuotingNullsAndEmptyStrings() throws Exception {
    Path f = dir.resolve("out.csv");
    writeAll(sink(f), ROWS);
    assertThat(Files.readString(f)).isEqualTo("""
        id,name,price,ts,raw,ok,score
        1,plain,1.50,2026-01-01T00:00:00.123,AQI=,true,0.5
        2,"",,,,,NaN
        3,"a, ""b""
         c",-0.05,1969-12-31T23:59:59.999,,false,
        """);
  }

  @Test
  void appendsWithoutRepeatingTheHeader() throws Exception {
    Path f = dir.resolve("twice.csv");
    writeAll(sink(f), ROWS.subList(0, 1));
    writeAll(sink(f), ROWS.subList(0, 1));
    assertThat(Files.readAllLines(f)).containsExactly(
        "id,name,price,ts,raw,ok,score",
        "1,plain,1.50,2026-01-01T00:00:00.123,AQI=,true,0.5",
        "1,plain,1.50,2026-01-01T00:00:00.123,AQI=,true,0.5");
  }

  @Test
  void writesJsonLines() throws Exception {
    Path f = dir.resolve("out.jsonl");
    writeAll(sink(f, "format", "json"), ROWS.subList(0, 2));
    assertThat(Files.readString(f)).isEqualTo(
        "{\"id\":1,\"name\":\"plain\",\"price\":1.50,\"ts\":\"2026-01-01T00:00:00.123\",\"raw\":\"AQI=\",\"ok\":true,\"score\":0.5}\n"
            + "{\"id\":2,\"name\":\"\",\"price\":null,\"ts\":null,\"raw\":null,\"ok\":null,\"score\":\"NaN\"}\n");
  }

  @Test
  void changelogColumnIsWrittenFirstAndDeclared() throws Exception {
    Path f = dir.resolve("log.csv");
    SinkConnector sink = sink(f, "changelog.column", "op", "csv.delimiter", ";");
    assertThat(sink.capabilities()).containsExactlyInAnyOrder(SinkCapability.AT_LEAST_ONCE, SinkCapability.ACCEPTS_CHANGELOG);
    writeAll(sink, List.of(Row.ofKind(RowKind.UPDATE_BEFORE, 1L, "x;y", null, null, null, null, null)));
    assertThat(Files.readString(f)).isEqualTo("op;id;name;price;ts;raw;ok;score\n-U;1;\"x;y\";;;;;\n");
    assertThat(TestSchemas.readAll(SCHEMA, Map.of("path", f.toString(), "changelog.column", "op", "csv.delimiter", ";")))
        .containsExactly(Row.ofKind(RowKind.UPDATE_BEFORE, 1L, "x;y", null, null, null, null, null));
  }

  @Test
  void withoutChangelogColumnOnlyInsertsAreAccepted() throws Exception {
    SinkConnector sink = sink(dir.resolve("x.csv"));
    assertThat(sink.capabilities()).containsExactly(SinkCapability.AT_LEAST_ONCE);
    SinkWriter w = sink.createWriter();
    w.open();
    assertThatThrownBy(() -> w.write(new ListRowBatch(SCHEMA, List.of(Row.ofKind(RowKind.DELETE, 1L, null, null, null, null, null, null)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'out'")
        .hasMessageContaining("changelog.column");
    w.close();
  }

  @Test
  void directoryPathIsRefused() {
    assertThatThrownBy(() -> sink(dir).createWriter()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("directory");
  }
}
