package dev.laminar.plugin.file;

import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.Schema;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code file} sink: appends CSV or JSON lines to the file {@code path}. AT_LEAST_ONCE: rows are
 * flushed and fsynced on {@code preCommit}, so a restart may write rows of the last epoch again.
 * Accepts changelog rows only with option {@code changelog.column}.
 */
final class FileSink implements SinkConnector {
  private final String objectName;
  private final Schema schema;
  private final FileSettings settings;

  FileSink(String objectName, Schema schema, FileSettings settings) {
    this.objectName = objectName;
    this.schema = schema;
    this.settings = settings;
  }

  @Override
  public Set<SinkCapability> capabilities() {
    Set<SinkCapability> capabilities = EnumSet.of(SinkCapability.AT_LEAST_ONCE);
    if (settings.changelogColumn() != null) {
      capabilities.add(SinkCapability.ACCEPTS_CHANGELOG);
    }
    return capabilities;
  }

  @Override
  public SinkWriter createWriter() {
    if (Files.isDirectory(settings.path())) {
      throw new IllegalStateException("sink '" + objectName + "' (connector 'file'): option 'path' names a directory, "
          + "but the sink writes one file: " + settings.path());
    }
    return new FileSinkWriter(objectName, schema, settings);
  }

  /** Nothing to release; declared without {@code throws Exception} so callers need not handle it. */
  @Override
  public void close() {}
}
