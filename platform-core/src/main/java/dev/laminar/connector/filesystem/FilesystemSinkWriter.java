package dev.laminar.connector.filesystem;

import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.Schema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Epoch-atomic file writing. Files of the output directory {@code path}:
 *
 * <pre>
 * .in-progress/&lt;writer&gt;.inprogress                  rows of the current epoch (invisible)
 * .in-progress/epoch-&lt;E&gt;-&lt;writer&gt;.pending          pre-committed epoch E: flushed and fsynced (invisible)
 * part-&lt;E&gt;-&lt;writer&gt;.csv | .jsonl                     committed epoch E (visible)
 * </pre>
 *
 * <ul>
 *   <li>{@code write} appends to the in-progress file (created on the epoch's first row).</li>
 *   <li>{@code preCommit(E)} flushes and fsyncs it and renames it to the pending name (fsyncing the
 *       directory); the handle names the pending and the final file. An epoch without rows has an
 *       empty handle and no file.</li>
 *   <li>{@code commit(E, handle)} renames pending to final atomically and fsyncs the directory. Re-driven
 *       after a crash it finds the final file already there and does nothing; a pending file that is
 *       missing while the final one is missing too fails loudly (the epoch's rows are gone).</li>
 *   <li>{@code abort(E, handle)} deletes the handle's pending file and, for presumed abort on recovery,
 *       every pending file of an epoch ≥ E and every in-progress file of another writer (rows of a
 *       crashed process never pre-committed). Idempotent.</li>
 *   <li>{@code close()} deletes this writer's in-progress file (its rows were never pre-committed) and
 *       leaves pending files for the engine to commit or abort after a restart.</li>
 * </ul>
 * Readers of the directory see only whole committed epochs (they skip the hidden folder).
 */
final class FilesystemSinkWriter implements SinkWriter {
  private static final String IN_PROGRESS_DIR = ".in-progress";

  private final Path dir;
  private final Path staging;
  private final String format;
  private final Schema schema;
  private final String writerId = UUID.randomUUID().toString();
  private FileChannel channel;
  private OutputStream stream;
  private RowEncoder encoder;

  FilesystemSinkWriter(Path dir, String format, Schema schema) {
    this.dir = dir;
    this.staging = dir.resolve(IN_PROGRESS_DIR);
    this.format = format;
    this.schema = schema;
  }

  @Override
  public void open() throws IOException {
    Files.createDirectories(staging);
  }

  private Path inProgressFile() {
    return staging.resolve(writerId + ".inprogress");
  }

  @Override
  public void write(RowBatch batch) throws IOException {
    if (batch.size() == 0) {
      return;
    }
    if (encoder == null) {
      channel = FileChannel.open(inProgressFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      stream = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      encoder = RowEncoder.create(format, stream, schema);
      encoder.header();
    }
    for (int r = 0; r < batch.size(); r++) {
      encoder.write(batch, r);
    }
  }

  @Override
  public byte[] preCommit(long epoch) throws IOException {
    if (encoder == null) {
      return new byte[0];
    }
    encoder.flush();
    stream.flush();
    channel.force(true);
    closeFile();
    String pending = String.format("epoch-%020d-%s.pending", epoch, writerId);
    String visible = String.format("part-%020d-%s.%s", epoch, writerId, format.equals("json") ? "jsonl" : "csv");
    Files.move(inProgressFile(), staging.resolve(pending), StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(staging);
    return (pending + "\n" + visible).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void commit(long epoch, byte[] handle) throws IOException {
    if (handle.length == 0) {
      return;
    }
    String[] names = handleNames(epoch, handle);
    Path pending = staging.resolve(names[0]);
    Path visible = dir.resolve(names[1]);
    if (Files.exists(pending)) {
      Files.move(pending, visible, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dir);
    } else if (!Files.exists(visible)) {
      throw new IOException("sink 'filesystem' at " + dir + ": epoch " + epoch + " can be neither committed nor found "
          + "committed: " + pending + " and " + visible + " are both missing");
    }
  }

  @Override
  public void abort(long epoch, byte[] handle) throws IOException {
    if (handle.length > 0) {
      Files.deleteIfExists(staging.resolve(handleNames(epoch, handle)[0]));
    }
    if (!Files.isDirectory(staging)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(staging)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        boolean orphan = name.endsWith(".inprogress") && !f.equals(inProgressFile());
        boolean laterPending = name.startsWith("epoch-") && name.endsWith(".pending")
            && Long.parseLong(name.substring(6, 26)) >= epoch;
        if (orphan || laterPending) {
          Files.deleteIfExists(f);
        }
      }
    }
    syncDirectory(staging);
  }

  private static String[] handleNames(long epoch, byte[] handle) {
    String[] names = new String(handle, StandardCharsets.UTF_8).split("\n");
    if (names.length != 2 || names[0].contains("/") || names[1].contains("/") || names[0].contains("\\")
        || names[1].contains("\\")) {
      throw new IllegalArgumentException("sink 'filesystem': not a handle of this sink for epoch " + epoch);
    }
    return names;
  }

  private void closeFile() throws IOException {
    encoder = null;
    OutputStream s = stream;
    stream = null;
    channel = null;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void close() throws IOException {
    if (encoder != null) {
      closeFile();
      Files.deleteIfExists(inProgressFile());
    }
  }

  private static void syncDirectory(Path d) throws IOException {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        throw e;
      }
    }
  }
}
