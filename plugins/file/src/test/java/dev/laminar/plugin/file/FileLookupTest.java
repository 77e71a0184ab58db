package dev.laminar.plugin.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.TestConnectorContext;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the lookup suite does not pin down: duplicates in file order, key normalisation, bad records, option rules. */
class FileLookupTest {
  private static final Schema SCHEMA = Schema.builder()
      .column("code", DataType.decimal(6, 2))
      .column("name", DataType.VARCHAR)
      .column("n", DataType.INT)
      .build();

  @TempDir
  Path dir;

  private FileLookupTable table(Path file, String... kv) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("path", file.toString());
    for (int i = 0; i < kv.length; i += 2) {
      o.put(kv[i], kv[i + 1]);
    }
    FileConnectorFactory factory = new FileConnectorFactory();
    return (FileLookupTable) factory.createLookupTable(TestConnectorContext.of(factory, "codes", SCHEMA, o));
  }

  private static List<List<Row>> lookup(LookupTable table, Row... keys) throws Exception {
    return table.lookup(List.of(keys)).toCompletableFuture().get();
  }

  @Test
  void keyWithSeveralRowsReturnsThemInFileOrderAndDecimalKeysMatchAtAnyScale() throws Exception {
    Path f = Files.writeString(dir.resolve("codes.csv"), "code,name,n\n1.5,a,1\n2,b,2\n1.50,c,3\n,d,4\n");
    try (FileLookupTable table = table(f, "lookup.key", "code")) {
      table.open();
      assertThat(lookup(table, Row.of(new BigDecimal("1.5")), Row.of(new BigDecimal("2.000")), Row.of(new BigDecimal("2.001")),
          Row.of((Object) null))).containsExactly(
              List.of(Row.of(new BigDecimal("1.50"), "a", 1), Row.of(new BigDecimal("1.50"), "c", 3)),
              List.of(Row.of(new BigDecimal("2.00"), "b", 2)),
              List.of(),
              List.of());
    }
  }

  @Test
  void badRecordFailsOpenOrIsSkippedPerPolicy() throws Exception {
    Path f = Files.writeString(dir.resolve("bad.csv"), "code,name,n\n1,a,1\n2,b,many\n3,c,3\n");
    try (FileLookupTable failing = table(f, "lookup.key", "n")) {
      assertThatThrownBy(failing::open).isInstanceOf(BadRecordException.class).hasMessageContaining("bad.csv:3:");
    }
    try (FileLookupTable skipping = table(f, "lookup.key", "n", "bad-records", "skip")) {
      skipping.open();
      assertThat(lookup(skipping, Row.of(1), Row.of(3))).extracting(List::size).containsExactly(1, 1);
    }
  }

  @Test
  void lookupBeforeOpenFailsTheStage() {
    FileLookupTable table = table(dir.resolve("none.csv"), "lookup.key", "n");
    assertThatThrownBy(() -> lookup(table, Row.of(1))).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("'codes'").hasMessageContaining("not open");
  }

  @Test
  void lookupKeyIsRequiredForLookupTablesAndRefusedElsewhere() {
    FileConnectorFactory factory = new FileConnectorFactory();
    Map<String, String> withKey = Map.of("path", dir.toString(), "lookup.key", "n");
    assertThatThrownBy(() -> table(dir)).isInstanceOf(InvalidOptionException.class).hasMessageContaining("'lookup.key'");
    assertThatThrownBy(() -> factory.createSource(TestConnectorContext.of(factory, "s", SCHEMA, withKey)))
        .isInstanceOf(InvalidOptionException.class).hasMessageContaining("lookup tables only");
    assertThatThrownBy(() -> factory.createSink(TestConnectorContext.of(factory, "s", SCHEMA, withKey)))
        .isInstanceOf(InvalidOptionException.class).hasMessageContaining("lookup tables only");
  }
}
