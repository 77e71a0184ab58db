package dev.laminar.tck.listconnector;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.source.SourceConnector;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A tiny connector over {@link ListStore}, correct by default and broken on demand through the
 * {@code bug} option, so the TCK's own tests can show that the suites pass a correct connector and
 * fail a broken one.
 */
public final class ListConnectorFactory implements ConnectorFactory {
  /** Deliberate defects, selected with option {@code bug}. */
  public enum Bug {
    NONE,
    // source
    POSITION_OFF_BY_ONE, NEVER_IDLE, CLOSE_TWICE_FAILS, DROPS_LAST_ROW, NO_CROSS_OPTION_CHECK, LEAKS_FILE_DESCRIPTOR,
    SPLIT_IDS_UNSTABLE_ACROSS_INSTANCES, BAD_RECORDS_SILENTLY_DROPPED, SKIP_DROPS_NEXT_ROW,
    // sink
    COMMIT_REPLAY_DUPLICATES, ABORT_PUBLISHES, BUFFERS_UNTIL_CLOSE, STAGES_IN_WRITER_MEMORY, LEAKS_THREAD,
    // lookup (and LEAKS_THREAD)
    NULL_KEY_MATCHES_NULL, ONE_ENTRY_PER_DISTINCT_KEY, NOT_THREAD_SAFE, HANGS_WHEN_DOWN, THROWS_WHEN_DOWN, MISS_GIVES_NULL,
    NULLS_AS_DEFAULT_VALUES
  }

  @Override
  public String id() {
    return "list";
  }

  @Override
  public String description() {
    return "In-memory lists, for testing the TCK itself.";
  }

  @Override
  public Set<ConnectorKind> provides() {
    return Set.of(ConnectorKind.SOURCE, ConnectorKind.SINK, ConnectorKind.LOOKUP);
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.builder("dataset", OptionType.STRING).required().description("name of the dataset in ListStore").build(),
        OptionSpec.builder("batch.size", OptionType.INT).defaultValue("7").description("rows per poll at most").build(),
        OptionSpec.builder("bounded", OptionType.BOOLEAN).defaultValue("true").build(),
        OptionSpec.builder("bad-records", OptionType.ENUM).allowedValues("fail", "skip").defaultValue("fail").build(),
        OptionSpec.builder("mode", OptionType.ENUM).allowedValues("at-least-once", "two-phase", "idempotent")
            .defaultValue("at-least-once").build(),
        OptionSpec.builder("key", OptionType.LIST).description("lookup: the key columns").build(),
        OptionSpec.builder("bug", OptionType.ENUM).allowedValues(names()).defaultValue("none").build());
  }

  @Override
  public SourceConnector createSource(ConnectorContext context) {
    Bug bug = bug(context);
    int batchSize = context.options().getInt("batch.size");
    if (batchSize < 1 && bug != Bug.NO_CROSS_OPTION_CHECK) {
      throw new InvalidOptionException(id(), "batch.size", "connector 'list': option 'batch.size' must be positive, was " + batchSize);
    }
    return new ListSource(context.options().getString("dataset"), Math.max(1, batchSize),
        context.options().getBoolean("bounded"), context.options().getString("bad-records").equals("skip"), bug);
  }

  @Override
  public SinkConnector createSink(ConnectorContext context) {
    return new ListSink(context.schema(), context.options().getString("dataset"), context.options().getString("mode"), bug(context));
  }

  @Override
  public LookupTable createLookupTable(ConnectorContext context) {
    List<String> key = context.options().getList("key");
    if (key == null || key.isEmpty()) {
      throw new InvalidOptionException(id(), "key", "connector 'list': a lookup table needs option 'key' (its key columns)");
    }
    for (String column : key) {
      if (context.schema().indexOf(column) < 0) {
        throw new InvalidOptionException(id(), "key", "connector 'list': option 'key' names '" + column
            + "', which is not a column of " + context.schema());
      }
    }
    return new ListLookupTable(context.schema(), key, context.options().getString("dataset"), bug(context));
  }

  private static Bug bug(ConnectorContext context) {
    return Bug.valueOf(context.options().getString("bug").toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  private static String[] names() {
    Bug[] bugs = Bug.values();
    String[] names = new String[bugs.length];
    for (int i = 0; i < bugs.length; i++) {
      names[i] = bugs[i].name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    return names;
  }
}
