package dev.laminar.connector.datagen;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.source.SourceConnector;
import java.util.List;
import java.util.Set;

/**
 * {@code datagen}: a seeded generator of rows shaped by the source's columns. Every value is a pure
 * function of (seed, split, row number, column), so a run is reproducible and a reader restores
 * from a row number in O(1).
 */
public final class DatagenConnectorFactory implements ConnectorFactory {
  static final String NUMBER_OF_ROWS = "number-of-rows";
  static final String ROWS_PER_SECOND = "rows-per-second";
  static final String SEED = "seed";
  static final String SPLITS = "splits";
  static final String EVENT_TIME_START = "event-time.start";
  static final String EVENT_TIME_STEP = "event-time.step";
  static final String MAX_OUT_OF_ORDERNESS = "event-time.max-out-of-orderness";
  static final String FIELDS = "fields.";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(NUMBER_OF_ROWS, OptionType.LONG)
          .description("rows per split; the source is unbounded when absent").build(),
      OptionSpec.builder(ROWS_PER_SECOND, OptionType.LONG).defaultValue("0")
          .description("rows per second over all splits; 0 = as fast as possible").build(),
      OptionSpec.builder(SEED, OptionType.LONG).defaultValue("42").description("seed of every generated value").build(),
      OptionSpec.builder(SPLITS, OptionType.INT).defaultValue("1").description("number of independent splits (readers)").build(),
      OptionSpec.builder(EVENT_TIME_START, OptionType.STRING).defaultValue("2026-01-01T00:00:00")
          .description("event time of the first row (ISO-8601 local date-time, or 'now')").build(),
      OptionSpec.builder(EVENT_TIME_STEP, OptionType.DURATION).defaultValue("1ms")
          .description("event-time distance between consecutive rows of a split").build(),
      OptionSpec.builder(MAX_OUT_OF_ORDERNESS, OptionType.DURATION).defaultValue("0ms")
          .description("each row's event time is moved back by a random amount up to this").build(),
      OptionSpec.prefix(FIELDS, "per column: fields.<col>.kind (random|sequence), .min, .max, .values (comma list), "
          + ".length (strings, bytes), .null-rate (0..1)").build());

  @Override
  public String id() {
    return "datagen";
  }

  @Override
  public String description() {
    return "Generates seeded rows shaped by the declared columns, bounded or unbounded, at full speed or a given rate.";
  }

  @Override
  public Set<ConnectorKind> provides() {
    return Set.of(ConnectorKind.SOURCE);
  }

  @Override
  public List<OptionSpec> options() {
    return OPTIONS;
  }

  @Override
  public SourceConnector createSource(ConnectorContext context) {
    return new DatagenSource(DatagenSpec.from(context));
  }
}
