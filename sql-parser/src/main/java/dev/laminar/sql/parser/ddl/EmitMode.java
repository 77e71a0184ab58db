package dev.laminar.sql.parser.ddl;

/**
 * When a continuous query emits its results, as written in its {@code EMIT} clause. Each constant
 * knows its SQL spelling after {@code EMIT}; only {@link #EVERY} carries an interval (see
 * {@link SqlEmit#interval()}).
 */
public enum EmitMode {
  /** {@code EMIT ON WINDOW CLOSE}: one final row per window once the watermark passes its end. */
  ON_WINDOW_CLOSE("ON WINDOW CLOSE"),
  /** {@code EMIT ON UPDATE}: a row each time a result changes. */
  ON_UPDATE("ON UPDATE"),
  /** {@code EMIT CHANGES}: the changelog of the result. */
  CHANGES("CHANGES"),
  /** {@code EMIT FINAL}: only final results. */
  FINAL("FINAL"),
  /** {@code EMIT EVERY INTERVAL '1' SECOND}: periodic emission. */
  EVERY("EVERY");

  private final String sql;

  EmitMode(String sql) {
    this.sql = sql;
  }

  /** The words after {@code EMIT}, e.g. {@code ON WINDOW CLOSE}. */
  public String sql() {
    return sql;
  }

  /** Whether this mode is followed by an interval literal. */
  public boolean requiresInterval() {
    return this == EVERY;
  }
}
