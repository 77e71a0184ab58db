package dev.laminar.plugin.file;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.source.SourceConnector;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Connector {@code file}: a bounded source reading CSV or JSON-lines files (one split per file), an
 * at-least-once sink appending to one file, and a lookup table over files held in memory.
 *
 * <pre>{@code
 * CREATE SOURCE orders (id BIGINT, amount DECIMAL(10, 2), ts TIMESTAMP)
 *   WITH ('connector' = 'file', 'path' = '/data/orders', 'glob' = '*.csv');
 * CREATE LOOKUP TABLE customers (id BIGINT, name VARCHAR, country VARCHAR)
 *   WITH ('connector' = 'file', 'path' = '/data/customers.csv', 'lookup.key' = 'id');
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
  static final String LOOKUP_KEY = "lookup.key";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(PATH, OptionType.STRING).required()
          .description("source and lookup table: a file, or a directory whose files matching 'glob' are read (one split"
              + " per file); sink: the file to append to (created with its parent directories)")
          .build(),
      OptionSpec.builder(GLOB, OptionType.STRING).defaultValue("*")
          .description("source or lookup table on a directory: file-name pattern; hidden files (starting with '.') are"
              + " never read")
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
          .description("source and lookup table: fail on a record that cannot be decoded, or skip it with a warning naming"
              + " file and line")
          .build(),
      OptionSpec.builder(CHANGELOG_COLUMN, OptionType.STRING)
          .description("sink: write each row's kind (+I, -U, +U, -D) in this extra first column and accept"
              + " changelog input; source: read row kinds from it")
          .build(),
      OptionSpec.builder(LOOKUP_KEY, OptionType.LIST)
          .description("lookup table (required there, nowhere else): the key columns, comma-separated; the files are"
              + " loaded into memory when the table opens and indexed by them")
          .build());

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "Reads and writes CSV and JSON-lines files, and looks rows up in them by key.";
  }

  @Override
  public Set<ConnectorKind> provides() {
    return Set.of(ConnectorKind.SOURCE, ConnectorKind.SINK, ConnectorKind.LOOKUP);
  }

  @Override
  public List<OptionSpec> options() {
    return OPTIONS;
  }

  @Override
  public SourceConnector createSource(ConnectorContext context) {
    rejectLookupKey(context, "source");
    return new FileSource(context.objectName(), context.schema(), FileSettings.of(context));
  }

  @Override
  public SinkConnector createSink(ConnectorContext context) {
    rejectLookupKey(context, "sink");
    return new FileSink(context.objectName(), context.schema(), FileSettings.of(context));
  }

  @Override
  public LookupTable createLookupTable(ConnectorContext context) {
    FileSettings settings = FileSettings.of(context);
    if (settings.changelogColumn() != null) {
      throw new InvalidOptionException(ID, CHANGELOG_COLUMN, "connector 'file': option '" + CHANGELOG_COLUMN
          + "' does not apply to a lookup table (it holds the rows of its files as they are)");
    }
    return new FileLookupTable(context.objectName(), context.schema(), settings, lookupKey(context));
  }

  /** The columns of option lookup.key, each a column of the table, none twice. */
  private static List<String> lookupKey(ConnectorContext context) {
    List<String> key = context.options().getList(LOOKUP_KEY);
    if (key == null || key.isEmpty() || key.stream().anyMatch(String::isBlank)) {
      throw new InvalidOptionException(ID, LOOKUP_KEY, "connector 'file': a lookup table needs option '" + LOOKUP_KEY
          + "' naming its key columns, e.g. 'id' or 'country, city'; columns: " + context.schema());
    }
    Set<String> seen = new HashSet<>();
    for (String column : key) {
      if (context.schema().indexOf(column) < 0) {
        throw new InvalidOptionException(ID, LOOKUP_KEY, "connector 'file': option '" + LOOKUP_KEY + "' names '" + column
            + "', which is not a column of " + context.schema());
      }
      if (!seen.add(column.toLowerCase(Locale.ROOT))) {
        throw new InvalidOptionException(ID, LOOKUP_KEY, "connector 'file': option '" + LOOKUP_KEY + "' names '" + column
            + "' twice");
      }
    }
    return key;
  }

  private static void rejectLookupKey(ConnectorContext context, String kind) {
    if (context.options().has(LOOKUP_KEY)) {
      throw new InvalidOptionException(ID, LOOKUP_KEY, "connector 'file': option '" + LOOKUP_KEY
          + "' applies to lookup tables only, not to a " + kind);
    }
  }
}
