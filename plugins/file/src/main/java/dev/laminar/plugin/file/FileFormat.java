package dev.laminar.plugin.file;

/** The file formats of connector {@code file}: option {@code format}. */
enum FileFormat {
  /** Comma-separated values (RFC 4180 quoting), optionally with a header line. */
  CSV,
  /** One JSON object per line. */
  JSON;

  static FileFormat of(String option) {
    return option.equals("json") ? JSON : CSV;
  }
}
