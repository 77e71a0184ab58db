package ${package};

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
 * Connector {@code ${pluginId}}: a bounded source reading a UTF-8 text file, one row per line, and an
 * at-least-once sink appending one line per row to a text file. Both use a single VARCHAR column.
 *
 * <pre>{@code
 * CREATE SOURCE access_log (line VARCHAR) WITH ('connector' = '${pluginId}', 'path' = '/var/log/access.log');
 * CREATE SINK access_copy WITH ('connector' = '${pluginId}', 'path' = '/tmp/access-copy.log')
 *   AS SELECT line FROM access_log;
 * }</pre>
 *
 * <p>The engine finds this class through PF4J's extension index ({@code @Extension}, compiled with annotation
 * processing on), creates it once per plugin load and validates every {@code WITH} option against
 * {@link #options()} before calling {@code createSource} or {@code createSink}.
 */
@Extension
public final class LinesConnectorFactory implements ConnectorFactory {
  /** The connector's name in SQL: {@code WITH ('connector' = '${pluginId}')}. */
  public static final String ID = "${pluginId}";
  static final String PATH = "path";
  static final String MAX_LINE_BYTES = "max-line-bytes";
  static final String BAD_RECORDS = "bad-records";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(PATH, OptionType.STRING).required()
          .description("source: the file to read; sink: the file to append to (created with its parent directories)")
          .build(),
      OptionSpec.builder(MAX_LINE_BYTES, OptionType.INT).defaultValue("1048576")
          .description("the longest line, in UTF-8 bytes, that the source reads and the sink writes;"
              + " a longer one is a bad record")
          .build(),
      OptionSpec.builder(BAD_RECORDS, OptionType.ENUM).allowedValues("fail", "skip").defaultValue("fail")
          .description("source: what a bad record (a line that is too long or not UTF-8) does: fail the pipeline,"
              + " or skip the line with a warning naming file and line")
          .build());

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "Reads and writes UTF-8 text files, one row per line.";
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
    return new LinesSource(LinesSettings.of(context));
  }

  @Override
  public SinkConnector createSink(ConnectorContext context) {
    return new LinesSink(LinesSettings.of(context));
  }
}
