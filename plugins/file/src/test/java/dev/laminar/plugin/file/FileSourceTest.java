package dev.laminar.plugin.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.CollectingBatchWriter;
import dev.laminar.tck.SourceReaderDriver;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {
  private static final Schema SCHEMA = Schema.builder()
      .column("id", DataType.INT, false)
      .column("name", DataType.VARCHAR)
      .column("price", DataType.decimal(6, 2))
      .column("ts", DataType.TIMESTAMP)
      .build();

  @TempDir
  Path dir;

  private Map<String, String> options(Path path, String... kv) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("path", path.toString());
    for (int i = 0; i < kv.length; i += 2) {
      o.put(kv[i], kv[i + 1]);
    }
    return o;
  }

  private Path file(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  @Test
  void readsCsvValuesNullsAndEmptyStrings() throws Exception {
    Path f = file("a.csv", """
        ts,price,name,id
        2026-01-01T00:00:00.123,1.5,"x, ""y""\",1
        2026-01-01 00:00:01,,"",2
        1000,3,,3
        2026-01-02T00:00:00Z,-0.005,"multi
        line",4
        """);
    assertThat(TestSchemas.readAll(SCHEMA, options(f))).containsExactly(
        Row.of(1, "x, \"y\"", new BigDecimal("1.50"), LocalDateTime.of(2026, 1, 1, 0, 0, 0, 123_000_000)),
        Row.of(2, "", null, LocalDateTime.of(2026, 1, 1, 0, 0, 1)),
        Row.of(3, null, new BigDecimal("3.00"), LocalDateTime.of(1970, 1, 1, 0, 0, 1)),
        Row.of(4, "multi\nline", new BigDecimal("-0.01"), LocalDateTime.of(2026, 1, 2, 0, 0)));
  }

  @Test
  void badRecordFailsNamingFileLineAndColumn() throws Exception {
    Path f = file("orders.csv", "id,name,price,ts\n1,a,1.0,0\n\"two\nlines\",b,2.0,0\n3,c,abc,0\n");
    assertThatThrownBy(() -> TestSchemas.readAll(SCHEMA, options(f)))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("orders.csv:3:")
        .hasMessageContaining("column 'id'")
        .hasMessageContaining("'two\nlines'");

    Path g = file("prices.csv", "id,name,price,ts\n1,a,1.0,0\n\"2\",\"b\nb\",2.0,0\n3,c,abc,0\n");
    assertThatThrownBy(() -> TestSchemas.readAll(SCHEMA, options(g)))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("prices.csv:5: column 'price': cannot parse 'abc' as DECIMAL(6, 2)")
        .satisfies(e -> {
          BadRecordException bad = (BadRecordException) e;
          assertThat(bad.line()).isEqualTo(5);
          assertThat(bad.file()).endsWith("prices.csv");
        });
  }

  @Test
  void badRecordsOfEveryKindAreSkippedCountedAndTheRestRead() throws Exception {
    Path f = file("mixed.csv", """
        id,name,price,ts
        1,ok,1,0
        x,not an int,1,0
        2,too,many,fields,here
        3,overflow,123456.78,0
        ,null key,1,0
        4,bad time,1,yesterday
        5,ok,2,0
        6,"unterminated,1,0
        """);
    SourceConnector source = TestSchemas.source(SCHEMA, options(f, "bad-records", "skip"));
    FileSourceReader reader = (FileSourceReader) source.createReader(source.discoverSplits().get(0));
    reader.open();
    List<Row> rows = new SourceReaderDriver(SCHEMA).readUntilFinished(reader).rows();
    assertThat(rows).extracting(r -> r.get(0)).containsExactly(1, 5);
    assertThat(reader.skippedRecords()).isEqualTo(6);
    reader.close();
  }

  @Test
  void strayCarriageReturnIsABadRecordNotASilentTruncation() throws Exception {
    Path f = file("cr.csv", "id,name,price,ts\n1,a\r2,b,1,0\n");
    assertThatThrownBy(() -> TestSchemas.readAll(SCHEMA, options(f)))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("cr.csv:2:");
  }

  @Test
  void headerWithoutASchemaColumnFailsNamingIt() throws Exception {
    Path f = file("h.csv", "id,name,cost,ts\n1,a,1,0\n");
    assertThatThrownBy(() -> TestSchemas.readAll(SCHEMA, options(f)))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("h.csv:1:")
        .hasMessageContaining("no column 'price'");
  }

  @Test
  void headerlessCsvMatchesByPositionWithTheConfiguredDelimiter() throws Exception {
    Path f = file("p.tsv", "1\tone\t2.5\t2026-03-04\n");
    assertThat(TestSchemas.readAll(SCHEMA, options(f, "csv.header", "false", "csv.delimiter", "\\t")))
        .containsExactly(Row.of(1, "one", new BigDecimal("2.50"), LocalDateTime.of(2026, 3, 4, 0, 0)));
  }

  @Test
  void changelogColumnGivesRowKinds() throws Exception {
    Path f = file("c.csv", "op,id,name,price,ts\n+I,1,a,1,0\n-D,1,a,1,0\n");
    assertThat(TestSchemas.readAll(SCHEMA, options(f, "changelog.column", "op"))).containsExactly(
        Row.of(1, "a", new BigDecimal("1.00"), LocalDateTime.of(1970, 1, 1, 0, 0)),
        Row.ofKind(RowKind.DELETE, 1, "a", new BigDecimal("1.00"), LocalDateTime.of(1970, 1, 1, 0, 0)));
  }

  @Test
  void jsonLinesWithBadLineFailsNamingFileAndLine() throws Exception {
    Path f = file("events.jsonl", """
        {"id": 1, "name": "a", "price": 1.25, "ts": "2026-01-01T00:00:00"}

        {"id": 2, "name": null, "PRICE": "2", "ts": 0}
        {"id": 3, "name": "c"
        """);
    assertThatThrownBy(() -> TestSchemas.readAll(SCHEMA, options(f, "format", "json")))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("events.jsonl:4: malformed JSON");

    SourceConnector source = TestSchemas.source(SCHEMA, options(f, "format", "json", "bad-records", "skip"));
    FileSourceReader reader = (FileSourceReader) source.createReader(source.discoverSplits().get(0));
    reader.open();
    assertThat(new SourceReaderDriver(SCHEMA).readUntilFinished(reader).rows()).containsExactly(
        Row.of(1, "a", new BigDecimal("1.25"), LocalDateTime.of(2026, 1, 1, 0, 0)),
        Row.of(2, null, new BigDecimal("2.00"), LocalDateTime.of(1970, 1, 1, 0, 0)));
    assertThat(reader.skippedRecords()).isEqualTo(1);
    reader.close();
  }

  @Test
  void jsonTypeMismatchNamesTheColumn() throws Exception {
    Path f = file("t.jsonl", "{\"id\": 1.5}\n");
    assertThatThrownBy(() -> TestSchemas.readAll(SCHEMA, options(f, "format", "json")))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("t.jsonl:1: column 'id'");
  }

  @Test
  void directorySplitsAreMatchingVisibleFilesInNameOrder() throws Exception {
    Path d = Files.createDirectories(dir.resolve("in"));
    Files.writeString(d.resolve("b.csv"), "");
    Files.writeString(d.resolve("a.csv"), "");
    Files.writeString(d.resolve(".a.csv"), "");
    Files.writeString(d.resolve("c.txt"), "");
    Files.createDirectories(d.resolve("sub.csv"));
    SourceConnector source = TestSchemas.source(SCHEMA, options(d, "glob", "*.csv"));
    assertThat(source.discoverSplits()).extracting(SourceSplit::id).containsExactly("a.csv", "b.csv");
  }

  @Test
  void missingPathFailsNamingIt() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> TestSchemas.source(SCHEMA, options(missing)).discoverSplits())
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("'path'");
  }

  @Test
  void restoresAfterMultiLineRecordsWithCorrectLineNumbers() throws Exception {
    Path f = file("r.csv", "id,name,price,ts\n1,\"a\nb\nc\",1,0\n2,x,1,0\n3,y,oops,0\n");
    SourceConnector source = TestSchemas.source(SCHEMA, options(f));
    SourceSplit split = source.discoverSplits().get(0);
    var first = source.createReader(split);
    first.open();
    CollectingBatchWriter one = new CollectingBatchWriter(SCHEMA, 1);
    first.poll(one);
    assertThat(one.rows()).containsExactly(Row.of(1, "a\nb\nc", new BigDecimal("1.00"), LocalDateTime.of(1970, 1, 1, 0, 0)));
    byte[] position = first.position();
    first.close();

    var second = source.createReader(split);
    second.restore(position);
    second.open();
    CollectingBatchWriter batch = new CollectingBatchWriter(SCHEMA, 10);
    assertThatThrownBy(() -> second.poll(batch)).isInstanceOf(BadRecordException.class).hasMessageContaining("r.csv:6:");
    assertThat(batch.rows()).containsExactly(Row.of(2, "x", new BigDecimal("1.00"), LocalDateTime.of(1970, 1, 1, 0, 0)));
    second.close();
  }

  @Test
  void emptyFileWithHeaderOptionFinishesAtOnce() throws Exception {
    Path f = file("empty.csv", "");
    assertThat(TestSchemas.readAll(SCHEMA, options(f))).isEmpty();
  }

  @Test
  void foreignPositionIsRejected() throws Exception {
    Path f = file("x.csv", "id,name,price,ts\n");
    SourceConnector source = TestSchemas.source(SCHEMA, options(f));
    var reader = source.createReader(source.discoverSplits().get(0));
    assertThatThrownBy(() -> reader.restore(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position");
  }
}
