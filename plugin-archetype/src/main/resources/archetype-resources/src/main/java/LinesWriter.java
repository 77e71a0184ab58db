package ${package};

import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.sink.SinkWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends each row as one UTF-8 line ending in LF. {@code preCommit} flushes and forces the file to disk:
 * that is what makes the sink at-least-once. A row the source could not read back as the same row (NULL, a
 * line break, longer than {@code max-line-bytes}) fails the pipeline instead of being written.
 *
 * <p>All methods run on one engine sink thread; {@code write} blocking on a slow disk is backpressure.
 */
final class LinesWriter implements SinkWriter {
  private final LinesSettings settings;
  private FileChannel channel;
  private OutputStream out;

  LinesWriter(LinesSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open() throws IOException {
    Path parent = settings.path().toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    channel = FileChannel.open(settings.path(),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
  }

  @Override
  public void write(RowBatch batch) throws IOException {
    final OutputStream output = out;
    final int rows = batch.size();
    for (int r = 0; r < rows; r++) {
      if (batch.rowKind(r) != RowKind.INSERT) {
        // the sink does not declare ACCEPTS_CHANGELOG, so the planner never sends updates or deletes
        throw new IllegalStateException(where() + ": received a " + batch.rowKind(r) + " row; this sink is append-only");
      }
      if (batch.isNull(r, 0)) {
        throw new IOException(where() + ": a row has NULL in column '" + batch.schema().column(0).name()
            + "', which a line cannot represent (filter it out or use COALESCE)");
      }
      String text = batch.getString(r, 0);
      if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
        throw new IOException(where() + ": a value contains a line break, which would split it into two rows: "
            + abbreviate(text));
      }
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > settings.maxLineBytes()) {
        throw new IOException(where() + ": a value of " + bytes.length + " bytes is longer than option '"
            + LinesConnectorFactory.MAX_LINE_BYTES + "' (" + settings.maxLineBytes() + "): " + abbreviate(text));
      }
      output.write(bytes);
      output.write('\n');
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public byte[] preCommit(long epoch) throws IOException {
    out.flush();
    channel.force(false);
    return new byte[0];
  }

  @Override
  public void close() throws IOException {
    OutputStream open = out;
    out = null;
    channel = null;
    if (open != null) {
      open.close(); // flushes, then closes the channel
    }
  }

  private String where() {
    return "sink '" + settings.objectName() + "' (" + settings.path() + ")";
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
