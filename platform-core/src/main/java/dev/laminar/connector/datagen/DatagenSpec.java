package dev.laminar.connector.datagen;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validated datagen settings: global options and one {@link FieldSpec} per column. */
record DatagenSpec(Schema schema, long rowsPerSplit, long rowsPerSecond, long seed, int splits, long eventTimeStart,
    long eventTimeStep, long maxOutOfOrderness, int eventTimeColumn, FieldSpec[] fields) {

  /** How one column is generated. */
  record FieldSpec(String kind, double min, double max, List<String> values, int length, double nullRate) {}

  private static final Set<String> FIELD_KEYS = Set.of("kind", "min", "max", "values", "length", "null-rate");
  private static final String ID = "datagen";

  static DatagenSpec from(ConnectorContext context) {
    ConnectorOptions o = context.options();
    Schema schema = context.schema();
    long rows = o.has(DatagenConnectorFactory.NUMBER_OF_ROWS) ? o.getLong(DatagenConnectorFactory.NUMBER_OF_ROWS) : -1;
    if (o.has(DatagenConnectorFactory.NUMBER_OF_ROWS) && rows < 0) {
      throw new InvalidOptionException(ID, DatagenConnectorFactory.NUMBER_OF_ROWS,
          "connector 'datagen': option 'number-of-rows' must be >= 0, was " + rows);
    }
    int splits = o.getInt(DatagenConnectorFactory.SPLITS);
    if (splits < 1) {
      throw new InvalidOptionException(ID, DatagenConnectorFactory.SPLITS, "connector 'datagen': option 'splits' must be >= 1, was " + splits);
    }
    long rate = o.getLong(DatagenConnectorFactory.ROWS_PER_SECOND);
    if (rate < 0) {
      throw new InvalidOptionException(ID, DatagenConnectorFactory.ROWS_PER_SECOND,
          "connector 'datagen': option 'rows-per-second' must be >= 0, was " + rate);
    }
    String eventTimeName = context.eventTimeColumn();
    int eventTimeColumn = eventTimeName == null ? -1 : schema.indexOf(eventTimeName);
    FieldSpec[] fields = fields(schema, o.withPrefix(DatagenConnectorFactory.FIELDS));
    return new DatagenSpec(schema, rows, rate, o.getLong(DatagenConnectorFactory.SEED), splits,
        parseStart(o.getString(DatagenConnectorFactory.EVENT_TIME_START)),
        o.getDuration(DatagenConnectorFactory.EVENT_TIME_STEP).toMillis(),
        o.getDuration(DatagenConnectorFactory.MAX_OUT_OF_ORDERNESS).toMillis(), eventTimeColumn, fields);
  }

  private static long parseStart(String text) {
    if (text.equalsIgnoreCase("now")) {
      return System.currentTimeMillis();
    }
    try {
      return LocalDateTime.parse(text.trim().replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new InvalidOptionException(ID, DatagenConnectorFactory.EVENT_TIME_START, "connector 'datagen': option '"
          + DatagenConnectorFactory.EVENT_TIME_START + "' has invalid value '" + text + "'; expected an ISO-8601 local date-time such as 2026-01-01T00:00:00, or 'now'");
    }
  }

  private static FieldSpec[] fields(Schema schema, Map<String, String> raw) {
    for (String key : raw.keySet()) {
      int dot = key.lastIndexOf('.');
      String col = dot < 0 ? key : key.substring(0, dot);
      String prop = dot < 0 ? "" : key.substring(dot + 1);
      if (schema.indexOf(col) < 0) {
        throw new InvalidOptionException(ID, "fields." + key, "connector 'datagen': option 'fields." + key
            + "' names no column; columns are " + schema.columns().stream().map(Column::name).toList());
      }
      if (!FIELD_KEYS.contains(prop)) {
        throw new InvalidOptionException(ID, "fields." + key, "connector 'datagen': option 'fields." + key
            + "' is unknown; per-column options are " + FIELD_KEYS.stream().sorted().toList());
      }
    }
    FieldSpec[] out = new FieldSpec[schema.size()];
    for (int c = 0; c < schema.size(); c++) {
      Column column = schema.column(c);
      String prefix = findPrefix(raw, column.name());
      TypeKind k = column.type().kind();
      String kind = raw.getOrDefault(prefix + "kind", "random");
      if (!kind.equals("random") && !kind.equals("sequence")) {
        throw new InvalidOptionException(ID, "fields." + prefix + "kind", "connector 'datagen': option 'fields." + prefix
            + "kind' has invalid value '" + kind + "'; expected one of [random, sequence]");
      }
      double defaultMax = k == TypeKind.DECIMAL ? 100 : 1000;
      double min = number(raw, prefix + "min", 0);
      double max = number(raw, prefix + "max", defaultMax);
      if (max < min) {
        throw new InvalidOptionException(ID, "fields." + prefix + "max", "connector 'datagen': option 'fields." + prefix
            + "max' (" + max + ") is below 'fields." + prefix + "min' (" + min + ")");
      }
      List<String> values = raw.containsKey(prefix + "values")
          ? List.of(raw.get(prefix + "values").split("\\s*,\\s*")) : List.of();
      if (!values.isEmpty()) {
        checkValues(column, prefix, values);
      }
      int length = (int) number(raw, prefix + "length", 8);
      double nullRate = number(raw, prefix + "null-rate", 0);
      if (nullRate < 0 || nullRate > 1) {
        throw new InvalidOptionException(ID, "fields." + prefix + "null-rate", "connector 'datagen': option 'fields."
            + prefix + "null-rate' must be between 0 and 1, was " + nullRate);
      }
      if (nullRate > 0 && !column.nullable()) {
        throw new InvalidOptionException(ID, "fields." + prefix + "null-rate", "connector 'datagen': option 'fields."
            + prefix + "null-rate' is set but column '" + column.name() + "' is NOT NULL");
      }
      out[c] = new FieldSpec(kind, min, max, values, length, nullRate);
    }
    return out;
  }

  private static String findPrefix(Map<String, String> raw, String column) {
    for (String key : raw.keySet()) {
      int dot = key.lastIndexOf('.');
      if (dot > 0 && key.substring(0, dot).equalsIgnoreCase(column)) {
        return key.substring(0, dot + 1);
      }
    }
    return column + ".";
  }

  private static void checkValues(Column column, String prefix, List<String> values) {
    for (String v : values) {
      try {
        switch (column.type().kind()) {
          case INT, BIGINT -> Long.parseLong(v);
          case DOUBLE -> Double.parseDouble(v);
          case DECIMAL -> new BigDecimal(v);
          case BOOLEAN -> {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
              throw new IllegalArgumentException(v);
            }
          }
          default -> { }
        }
      } catch (RuntimeException e) {
        throw new InvalidOptionException(ID, "fields." + prefix + "values", "connector 'datagen': option 'fields." + prefix
            + "values' has '" + v + "', which is not a " + column.type());
      }
    }
  }

  private static double number(Map<String, String> raw, String key, double dflt) {
    String v = raw.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidOptionException(ID, "fields." + key, "connector 'datagen': option 'fields." + key
          + "' has invalid value '" + v + "'; expected a number");
    }
  }

}
