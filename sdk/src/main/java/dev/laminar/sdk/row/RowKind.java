package dev.laminar.sdk.row;

import dev.laminar.sdk.annotation.Stable;

/** What a row means in a changelog. Append-only streams carry only {@link #INSERT}. */
@Stable
public enum RowKind {
  INSERT("+I"),
  UPDATE_BEFORE("-U"),
  UPDATE_AFTER("+U"),
  DELETE("-D");

  private final String shortName;

  RowKind(String shortName) {
    this.shortName = shortName;
  }

  /** The two-character form used in printed changelogs: +I, -U, +U, -D. */
  public String shortName() {
    return shortName;
  }
}
