package dev.laminar.plugin.file;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.type.Schema;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.regex.PatternSyntaxException;

/**
 * The validated options of one {@code file} source or sink, with the cross-option rules that
 * {@link dev.laminar.sdk.connector.OptionSpec}s cannot express checked.
 *
 * @param path the file or directory
 * @param glob pattern for file names in a directory
 * @param format csv or json
 * @param csvHeader whether CSV files have a header line
 * @param csvDelimiter the CSV field separator
 * @param skipBadRecords true for {@code bad-records = skip}
 * @param changelogColumn name of the row-kind column, or {@code null}
 */
record FileSettings(Path path, String glob, FileFormat format, boolean csvHeader, char csvDelimiter,
    boolean skipBadRecords, String changelogColumn) {

  static FileSettings of(ConnectorContext context) {
    ConnectorOptions o = context.options();
    String id = FileConnectorFactory.ID;
    String rawPath = o.getString(FileConnectorFactory.PATH);
    if (rawPath.isBlank()) {
      throw new InvalidOptionException(id, FileConnectorFactory.PATH, "connector 'file': option 'path' is empty");
    }
    Path path;
    try {
      path = Path.of(rawPath);
    } catch (InvalidPathException e) {
      throw new InvalidOptionException(id, FileConnectorFactory.PATH,
          "connector 'file': option 'path' is not a valid path: '" + rawPath + "' (" + e.getReason() + ")");
    }
    String glob = o.getString(FileConnectorFactory.GLOB);
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (PatternSyntaxException e) {
      throw new InvalidOptionException(id, FileConnectorFactory.GLOB,
          "connector 'file': option 'glob' is not a valid glob pattern: '" + glob + "' (" + e.getDescription() + ")");
    }
    char delimiter = delimiter(o.getString(FileConnectorFactory.CSV_DELIMITER));
    String changelog = o.getString(FileConnectorFactory.CHANGELOG_COLUMN);
    if (changelog != null) {
      checkChangelogColumn(changelog, context.schema());
    }
    return new FileSettings(path, glob, FileFormat.of(o.getString(FileConnectorFactory.FORMAT)),
        o.getBoolean(FileConnectorFactory.CSV_HEADER), delimiter,
        o.getString(FileConnectorFactory.BAD_RECORDS).equals("skip"), changelog);
  }

  /** A matcher for file names in a directory source. */
  PathMatcher fileNameMatcher() {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  private static char delimiter(String raw) {
    String value = raw.equals("\\t") ? "\t" : raw;
    if (value.length() != 1 || value.charAt(0) == '"' || value.charAt(0) == '\n' || value.charAt(0) == '\r') {
      throw new InvalidOptionException(FileConnectorFactory.ID, FileConnectorFactory.CSV_DELIMITER,
          "connector 'file': option 'csv.delimiter' must be one character other than a quote or line break"
              + " (use '\\t' for tab), was '" + raw + "'");
    }
    return value.charAt(0);
  }

  private static void checkChangelogColumn(String name, Schema schema) {
    if (name.isBlank()) {
      throw new InvalidOptionException(FileConnectorFactory.ID, FileConnectorFactory.CHANGELOG_COLUMN,
          "connector 'file': option 'changelog.column' is blank");
    }
    if (schema.indexOf(name) >= 0) {
      throw new InvalidOptionException(FileConnectorFactory.ID, FileConnectorFactory.CHANGELOG_COLUMN,
          "connector 'file': option 'changelog.column' names '" + name
              + "', which is already a column; choose a name that is not one of " + schema);
    }
  }
}
