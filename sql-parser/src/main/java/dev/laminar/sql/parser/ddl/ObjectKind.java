package dev.laminar.sql.parser.ddl;

import java.util.Locale;

/**
 * The kinds of catalog object that Laminar's SHOW, DESCRIBE and DROP statements name. DROP never
 * yields {@link #CONNECTOR}.
 */
public enum ObjectKind {
  SOURCE,
  SINK,
  STREAM,
  CONNECTOR,
  /** A materialized view (CREATE MATERIALIZED VIEW, DROP [MATERIALIZED] VIEW, SHOW VIEWS). */
  VIEW,
  /** Only in SHOW PLUGINS. */
  PLUGIN,
  /** A table queried by key in lookup joins (CREATE LOOKUP TABLE, SHOW LOOKUP TABLES). */
  LOOKUP_TABLE;

  /** The singular keyword, e.g. {@code SOURCE} or {@code LOOKUP TABLE}. */
  public String keyword() {
    return name().replace('_', ' ');
  }

  /** The plural keyword used by SHOW, e.g. {@code SOURCES}. */
  public String pluralKeyword() {
    return keyword() + "S";
  }

  /** Lower-case singular name for messages, e.g. {@code source}. */
  public String displayName() {
    return keyword().toLowerCase(Locale.ROOT);
  }
}
