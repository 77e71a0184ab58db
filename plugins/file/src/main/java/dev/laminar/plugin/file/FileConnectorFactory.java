package dev.laminar.plugin.file;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.source.SourceConnector;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Connector {@code file}: a bounded source reading CSV or JSON-lines files (one split per file) and
 * an at-least-once sink appending to one file.
 *
 * <pre>{@code
 * CREATE SOURCE orders (id BIGINT, amount DECIMAL(10, 2), ts TIMESTAMP)
 *   WITH ('connector' = 'file', 'path' = '/data/orders', 'glob' = '*.csv');
 * }</pre>
 */
@Extension
public final class FileConnectorFactory implements ConnectorFactory {
  static final String ID = "file";
  static final String PATH = "path";
  static final String GLOB = "glob";
  static final String FORMAT = "format";
  static final String CSV_HEADER = "csv.header";
  static final String CSV_DELIMITER = "csv.delimiter";
  static final String BAD_RECORDS = "bad-records";
  static final String CHANGELOG_COLUMN = "changelog.column";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(PATH, OptionType.STRING).required()
          .description("source: a file, or a directory whose files matching 'glob' are read (one split per file);"
              + " sink: the file to append to (created with its parent directories)")
          .build(),
      OptionSpec.builder(GLOB, OptionType.STRING).defaultValue("*")
          .description("source on a directory: file-name pattern; hidden files (starting with '.') are never read")
          .build(),
      OptionSpec.builder(FORMAT, OptionType.ENUM).allowedValues("csv", "json").defaultValue("csv")
          .description("csv, or json for one JSON object per line")
          .build(),
      OptionSpec.builder(CSV_HEADER, OptionType.BOOLEAN).defaultValue("true")
          .description("true: the first line names the columns (matched by name); false: columns by position")
          .build(),
      OptionSpec.builder(CSV_DELIMITER, OptionType.STRING).defaultValue(",")
          .description("the CSV field separator, one character ('\\t' for tab)")
          .build(),
      OptionSpec.builder(BAD_RECORDS, OptionType.ENUM).allowedValues("fail", "skip").defaultValue("fail")
          .description("source: fail on a record that cannot be decoded, or skip it with a warning naming file and line")
          .build(),
      OptionSpec.builder(CHANGELOG_COLUMN, OptionType.STRING)
          .description("sink: write each row's kind (+I, -U, +U, -D) in this extra first column and accept"
              + " changelog input; source: read row kinds from it")
          .build());

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "Reads and writes CSV and JSON-lines files.";
  }

  @Override
  public Set<ConnectorKind> provides() {
    return Set.of(ConnectorKind.SOURCE, ConnectorKind.SINK);
  }

  @Override
  public List<OptionSpec> options() {
    return OPTIONS;
  }

  @Override
  public SourceConnector createSource(ConnectorContext context) {
    return new FileSource(context.objectName(), context.schema(), FileSettings.of(context));
  }

  @Override
  public SinkConnector createSink(ConnectorContext context) {
    return new FileSink(context.objectName(), context.schema(), FileSettings.of(context));
  }
}
