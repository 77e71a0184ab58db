package ${package};

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The validated settings of one source or sink. The engine has already checked each option's type; the
 * checks here are the ones a type cannot express, and fail with {@link InvalidOptionException} naming the
 * option, as the engine's own validation does.
 *
 * @param objectName the SQL source or sink, for error messages
 * @param path the file read or appended to
 * @param maxLineBytes the longest line accepted, in UTF-8 bytes
 * @param skipBadRecords whether the source skips a bad line (with a warning) instead of failing
 */
record LinesSettings(String objectName, Path path, int maxLineBytes, boolean skipBadRecords) {
  static LinesSettings of(ConnectorContext context) {
    Schema schema = context.schema();
    if (schema.size() != 1 || schema.column(0).type().kind() != TypeKind.VARCHAR) {
      throw new IllegalArgumentException("'" + context.objectName() + "': connector '" + LinesConnectorFactory.ID
          + "' needs exactly one VARCHAR column, but the columns are " + schema);
    }
    String rawPath = context.options().getString(LinesConnectorFactory.PATH);
    if (rawPath.isBlank()) {
      throw invalid(LinesConnectorFactory.PATH, "must not be blank");
    }
    Path path;
    try {
      path = Path.of(rawPath);
    } catch (InvalidPathException e) {
      throw invalid(LinesConnectorFactory.PATH, "is not a valid path: " + e.getMessage());
    }
    int maxLineBytes = context.options().getInt(LinesConnectorFactory.MAX_LINE_BYTES);
    if (maxLineBytes < 1) {
      throw invalid(LinesConnectorFactory.MAX_LINE_BYTES, "must be positive, was " + maxLineBytes);
    }
    boolean skipBadRecords = context.options().getString(LinesConnectorFactory.BAD_RECORDS).equals("skip");
    return new LinesSettings(context.objectName(), path, maxLineBytes, skipBadRecords);
  }

  private static InvalidOptionException invalid(String option, String problem) {
    return new InvalidOptionException(LinesConnectorFactory.ID, option,
        "connector '" + LinesConnectorFactory.ID + "': option '" + option + "' " + problem);
  }
}
