package dev.laminar.plugin.file;

import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.SourceReaderDriver;
import dev.laminar.tck.TestConnectorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Schemas and helpers shared by the file connector's tests. */
final class TestSchemas {
  /** Every column type, one NOT NULL key. */
  static final Schema ALL_TYPES = Schema.builder()
      .column("id", DataType.BIGINT, false)
      .column("name", DataType.VARCHAR)
      .column("active", DataType.BOOLEAN)
      .column("qty", DataType.INT)
      .column("price", DataType.decimal(10, 2))
      .column("total", DataType.decimal(28, 6))
      .column("score", DataType.DOUBLE)
      .column("ts", DataType.TIMESTAMP)
      .column("payload", DataType.BYTES)
      .build();

  private TestSchemas() {}

  static SourceConnector source(Schema schema, Map<String, String> options) {
    FileConnectorFactory factory = new FileConnectorFactory();
    return factory.createSource(TestConnectorContext.of(factory, "test_source", schema, options));
  }

  /** Every row of every split of a file source, split after split. */
  static List<Row> readAll(Schema schema, Map<String, String> options) throws Exception {
    SourceConnector source = source(schema, options);
    try {
      List<Row> rows = new ArrayList<>();
      List<SourceSplit> splits = source.discoverSplits();
      new SourceReaderDriver(schema).readSplits(source, splits, true, -1).values().forEach(rows::addAll);
      return rows;
    } finally {
      source.close();
    }
  }

  static ConnectorOptions validate(Map<String, String> options) {
    FileConnectorFactory factory = new FileConnectorFactory();
    return ConnectorOptions.validate(factory.id(), factory.options(), options);
  }
}
