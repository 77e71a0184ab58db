package dev.laminar.tck.listconnector;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.BadRecordInput;
import dev.laminar.tck.BadRecordPolicy;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SourceTestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Context for the list source: three splits filled round-robin (order within a split preserved). */
public class ListSourceContext extends SourceTestContext {
  public static final Schema SCHEMA = Schema.builder()
      .column("id", DataType.BIGINT, false)
      .column("name", DataType.VARCHAR)
      .column("flag", DataType.BOOLEAN)
      .column("qty", DataType.INT)
      .column("price", DataType.decimal(10, 2))
      .column("big", DataType.decimal(30, 4))
      .column("score", DataType.DOUBLE)
      .column("ts", DataType.TIMESTAMP)
      .column("payload", DataType.BYTES)
      .build();

  private final String dataset = "ds-" + UUID.randomUUID();
  private final Map<String, String> extraOptions;

  public ListSourceContext(Map<String, String> extraOptions) {
    this.extraOptions = extraOptions;
  }

  @Override
  public ConnectorFactory createFactory() {
    return new ListConnectorFactory();
  }

  @Override
  public Schema schema() {
    return SCHEMA;
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> options = new LinkedHashMap<>(extraOptions);
    options.put("dataset", dataset);
    return options;
  }

  @Override
  public void writeTestData(List<Row> rows) {
    ListStore.putSplits(dataset, roundRobin(rows, false));
  }

  /** Bad records at the start of split 0, after every tenth row of each split, and at the end of split 2. */
  @Override
  public BadRecordInput badRecordInput() {
    return new BadRecordInput() {
      @Override
      public void writeTestDataWithBadRecords(List<Row> rows) {
        ListStore.putSplits(dataset, roundRobin(rows, true));
      }

      @Override
      public Map<String, String> options(BadRecordPolicy policy) {
        Map<String, String> o = ListSourceContext.this.options();
        o.put("bad-records", policy.name().toLowerCase(java.util.Locale.ROOT));
        return o;
      }

      @Override
      public String expectedMessageFragment() {
        return "cannot decode";
      }
    };
  }

  private static List<List<Row>> roundRobin(List<Row> rows, boolean withBadRecords) {
    List<List<Row>> splits = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    if (withBadRecords) {
      splits.get(0).add(ListStore.BAD_RECORD);
    }
    for (int i = 0; i < rows.size(); i++) {
      List<Row> split = splits.get(i % 3);
      split.add(rows.get(i));
      if (withBadRecords && i / 3 % 10 == 9) {
        split.add(ListStore.BAD_RECORD);
      }
    }
    if (withBadRecords) {
      splits.get(2).add(ListStore.BAD_RECORD);
    }
    return splits;
  }

  @Override
  public boolean isBounded() {
    return Boolean.parseBoolean(extraOptions.getOrDefault("bounded", "true"));
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    return List.of(
        InvalidOptionsCase.withValue(options(), "batch.size", "0"),
        InvalidOptionsCase.withValue(options(), "bounded", "maybe"),
        InvalidOptionsCase.without(options(), "dataset"));
  }

  @Override
  public void close() {
    ListStore.drop(dataset);
  }
}
