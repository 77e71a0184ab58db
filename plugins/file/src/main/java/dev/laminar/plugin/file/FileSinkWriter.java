package dev.laminar.plugin.file;

import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.Schema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends rows to the sink's file. {@code flush} hands buffered bytes to the operating system;
 * {@code preCommit} also forces them to disk. A CSV header is written only when the file is new or
 * empty, so appending across restarts keeps one header.
 */
final class FileSinkWriter implements SinkWriter {
  private final String objectName;
  private final Schema schema;
  private final FileSettings settings;
  private FileChannel channel;
  private OutputStream stream;
  private RecordEncoder encoder;
  private boolean closed;

  FileSinkWriter(String objectName, Schema schema, FileSettings settings) {
    this.objectName = objectName;
    this.schema = schema;
    this.settings = settings;
  }

  @Override
  public void open() throws IOException {
    Path path = settings.path();
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    boolean empty = channel.size() == 0;
    stream = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
    if (settings.format() == FileFormat.JSON) {
      encoder = new JsonRecordEncoder(stream, schema, settings.changelogColumn());
    } else {
      encoder = new CsvRecordEncoder(new OutputStreamWriter(stream, StandardCharsets.UTF_8), schema,
          settings.csvDelimiter(), settings.changelogColumn());
      if (settings.csvHeader() && empty) {
        encoder.writeHeader();
      }
    }
  }

  @Override
  public void write(RowBatch batch) throws IOException {
    final RecordEncoder out = encoder;
    final boolean changelog = settings.changelogColumn() != null;
    for (int r = 0, n = batch.size(); r < n; r++) {
      if (!changelog && batch.rowKind(r) != RowKind.INSERT) {
        throw new IllegalArgumentException("sink '" + objectName + "' (connector 'file') received a "
            + batch.rowKind(r).shortName() + " row but accepts only inserts; set option 'changelog.column' to write row kinds");
      }
      out.write(batch, r);
    }
  }

  @Override
  public void flush() throws IOException {
    if (encoder != null) {
      encoder.flush();
      stream.flush();
    }
  }

  @Override
  public byte[] preCommit(long epoch) throws IOException {
    flush();
    if (channel != null) {
      channel.force(true);
    }
    return new byte[0];
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (channel == null) {
      return;
    }
    try {
      flush();
      channel.force(true);
    } finally {
      channel.close();
    }
  }
}
