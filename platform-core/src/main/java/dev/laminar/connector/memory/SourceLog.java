package dev.laminar.connector.memory;

import dev.laminar.durability.wal.WalConfig;
import dev.laminar.durability.wal.WalReader;
import dev.laminar.durability.wal.WriteAheadLog;
import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The write-ahead log of one memory source: every chunk the application's writer hands to the
 * engine is appended as one record before the engine sees it, so that after a crash the rows since
 * the last checkpoint can be replayed and the application learns how many rows were durably accepted.
 *
 * <p>Record payload (little-endian): {@code byte type} ({@link #ROWS} or {@link #END}), {@code long
 * firstRow} (the source's row number of its first row, counting from 0 since the source was created),
 * {@code int rows}, then per row {@code byte rowKind} and per column {@code byte present} followed by
 * the value (BOOLEAN: byte; INT, BIGINT, TIMESTAMP, compact DECIMAL: long; DOUBLE: double; wide
 * DECIMAL: int length + unscaled two's-complement bytes; VARCHAR: int length + UTF-16 chars; BYTES: int
 * length + bytes).
 *
 * <p>A source's position (what a checkpoint records) is {@code long row, long scanFromLsn, long
 * requiredLsn}: the next row to hand over, an LSN at or before the record holding it (replay starts
 * there and skips rows below {@code row}), and the LSN the log must be durable up to before a
 * checkpoint may record the position (the end of the record of the last row handed over).
 *
 * <p>Threads: {@link #append}, {@link #durableRows()} and {@link #commit()} belong to the writer's
 * thread (the log's owner); {@link #awaitDurable} and {@link #truncateBefore} may be called from any
 * thread; decoding is done by the source's reader thread.
 */
final class SourceLog implements AutoCloseable {
  static final byte ROWS = 0;
  static final byte END = 1;
  static final int POSITION_BYTES = 24;
  private static final int RECORD_HEADER = 1 + 8 + 4;
  private static final RowKind[] ROW_KINDS = RowKind.values();

  private final WriteAheadLog wal;
  private final Path directory;
  private final TypeKind[] kinds;
  private final boolean[] compact;
  private final int[] scales;
  /** Records below this LSN were written before this process opened the log: the reader replays them. */
  final long replayEndLsn;
  /** Rows the log held when opened (or the checkpoint recorded, if more): the next row's number. */
  final long recoveredRows;
  /** The log held an end-of-input record when opened. */
  final boolean recoveredEnd;

  // ---- writer (owner) thread
  private ByteBuffer encoded = ByteBuffer.allocate(64 << 10).order(ByteOrder.LITTLE_ENDIAN);
  private long nextRow;
  private long lastEnd;
  private long lastLsn;
  private long durableRows;
  /** Records appended but not yet known durable: their end LSNs and the row count after them (a ring). */
  private long[] pendingEnd = new long[64];
  private long[] pendingRows = new long[64];
  private int pendingHead;
  private int pendingCount;

  private SourceLog(WriteAheadLog wal, Path directory, Schema schema, long rows, boolean ended) {
    this.wal = wal;
    this.directory = directory;
    this.kinds = new TypeKind[schema.size()];
    this.compact = new boolean[schema.size()];
    this.scales = new int[schema.size()];
    for (int c = 0; c < schema.size(); c++) {
      kinds[c] = schema.column(c).type().kind();
      compact[c] = schema.column(c).type().isCompactDecimal();
      scales[c] = schema.column(c).type().scale();
    }
    this.replayEndLsn = wal.nextLsn();
    this.recoveredRows = rows;
    this.recoveredEnd = ended;
    this.nextRow = rows;
    this.durableRows = rows;
    this.lastEnd = replayEndLsn;
  }

  /**
   * Opens (repairing a torn tail) the log in {@code config.directory()} and finds how many rows it
   * holds; {@code checkpointedRows} is the row a recovered checkpoint recorded for the source (0 if none).
   */
  static SourceLog open(WalConfig config, Schema schema, long checkpointedRows) throws IOException {
    WriteAheadLog wal = WriteAheadLog.open(config);
    long rows = checkpointedRows;
    boolean ended = false;
    try (WalReader r = wal.reader(wal.firstLsn())) {
      while (r.next()) {
        ByteBuffer p = r.payload().order(ByteOrder.LITTLE_ENDIAN);
        if (p.get(0) == END) {
          ended = true;
        } else {
          rows = Math.max(rows, p.getLong(1) + p.getInt(9));
        }
      }
    } catch (RuntimeException e) {
      wal.close();
      throw e;
    }
    return new SourceLog(wal, config.directory(), schema, rows, ended);
  }

  long firstLsn() {
    return wal.firstLsn();
  }

  WalReader reader(long fromLsn) {
    return wal.reader(Math.max(wal.firstLsn(), Math.min(fromLsn, replayEndLsn)));
  }

  // ------------------------------------------------------------------ writer thread

  /** Appends the rows of {@code chunk} (or, with {@code end}, the end of input) as one record; returns its LSN. */
  long append(ColumnarBatch chunk, boolean end) {
    ByteBuffer b = encoded;
    b.clear();
    int n = end ? 0 : chunk.size();
    b.put(end ? END : ROWS).putLong(nextRow).putInt(n);
    for (int r = 0; r < n; r++) {
      encodeRow(chunk, r);
    }
    encoded.flip();
    lastLsn = wal.append(encoded);
    lastEnd = wal.nextLsn();
    nextRow += n;
    durableRows(); // drops what became durable, so the ring holds only records not yet durable (it never grows otherwise)
    if (pendingCount == pendingEnd.length) {
      growPending();
    }
    int at = (pendingHead + pendingCount) & (pendingEnd.length - 1);
    pendingEnd[at] = lastEnd;
    pendingRows[at] = nextRow;
    pendingCount++;
    return lastLsn;
  }

  /** LSN of the last appended record, and the end of it. */
  long lastLsn() {
    return lastLsn;
  }

  long lastEnd() {
    return lastEnd;
  }

  /** The next row's number (= rows accepted so far, durable or not). */
  long nextRow() {
    return nextRow;
  }

  /** Rows durable under the sync policy (writer thread). */
  long durableRows() {
    long durable = wal.durableLsn();
    int mask = pendingEnd.length - 1;
    while (pendingCount > 0 && pendingEnd[pendingHead] <= durable) {
      durableRows = pendingRows[pendingHead];
      pendingHead = (pendingHead + 1) & mask;
      pendingCount--;
    }
    return durableRows;
  }

  /** Waits until every record appended so far is durable; returns {@link #durableRows()}. */
  long commit() {
    if (lastEnd > wal.durableLsn()) {
      try {
        wal.awaitDurable(lastEnd - 1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the write-ahead log " + directory, e);
      }
    }
    return durableRows();
  }

  private void growPending() {
    int n = pendingEnd.length;
    long[] ends = new long[n * 2];
    long[] rows = new long[n * 2];
    for (int i = 0; i < pendingCount; i++) {
      ends[i] = pendingEnd[(pendingHead + i) & (n - 1)];
      rows[i] = pendingRows[(pendingHead + i) & (n - 1)];
    }
    pendingEnd = ends;
    pendingRows = rows;
    pendingHead = 0;
  }

  private void ensure(int bytes) {
    if (encoded.remaining() < bytes) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(encoded.capacity() * 2, encoded.position() + bytes)).order(ByteOrder.LITTLE_ENDIAN);
      encoded.flip();
      bigger.put(encoded);
      encoded = bigger;
    }
  }

  private void encodeRow(ColumnarBatch chunk, int r) {
    ensure(1 + kinds.length * 9);
    ByteBuffer b = encoded;
    b.put((byte) chunk.rowKind(r).ordinal());
    for (int c = 0; c < kinds.length; c++) {
      if (chunk.isNull(r, c)) {
        encoded.put((byte) 0);
        continue;
      }
      encoded.put((byte) 1);
      switch (kinds[c]) {
        case BOOLEAN -> encoded.put(chunk.getBoolean(r, c) ? (byte) 1 : 0);
        case INT, BIGINT, TIMESTAMP -> encoded.putLong(chunk.getLong(r, c));
        case DOUBLE -> encoded.putDouble(chunk.getDouble(r, c));
        case DECIMAL -> {
          if (compact[c]) {
            encoded.putLong(chunk.getDecimalUnscaled(r, c));
          } else {
            putBytes(chunk.getDecimal(r, c).setScale(scales[c]).unscaledValue().toByteArray());
          }
        }
        case VARCHAR -> {
          String s = chunk.getString(r, c);
          int len = s.length();
          ensure(4 + 2 * len + (kinds.length - c) * 9);
          encoded.putInt(len);
          for (int i = 0; i < len; i++) {
            encoded.putChar(s.charAt(i));
          }
        }
        case BYTES -> putBytes(chunk.getBytes(r, c));
      }
    }
  }

  private void putBytes(byte[] v) {
    ensure(4 + v.length + kinds.length * 9);
    encoded.putInt(v.length).put(v);
  }

  // ------------------------------------------------------------------ reader thread

  /** The header of a record: its type. */
  static byte type(ByteBuffer payload) {
    return payload.get(0);
  }

  static long firstRow(ByteBuffer payload) {
    return payload.getLong(1);
  }

  static int rows(ByteBuffer payload) {
    return payload.getInt(9);
  }

  /** Positions {@code payload} (little-endian) at its first row. */
  static ByteBuffer rowsOf(ByteBuffer payload) {
    return payload.order(ByteOrder.LITTLE_ENDIAN).position(RECORD_HEADER);
  }

  /** Decodes the row at {@code in}'s position into {@code out}, or skips it when {@code out} is null. */
  void decodeRow(ByteBuffer in, BatchWriter out) {
    RowKind kind = ROW_KINDS[in.get()];
    if (out != null) {
      out.beginRow();
      out.setRowKind(kind);
    }
    for (int c = 0; c < kinds.length; c++) {
      if (in.get() == 0) {
        continue; // a new row's cells start NULL
      }
      switch (kinds[c]) {
        case BOOLEAN -> {
          boolean v = in.get() != 0;
          if (out != null) {
            out.setBoolean(c, v);
          }
        }
        case INT, BIGINT -> {
          long v = in.getLong();
          if (out != null) {
            out.setLong(c, v);
          }
        }
        case TIMESTAMP -> {
          long v = in.getLong();
          if (out != null) {
            out.setTimestampMillis(c, v);
          }
        }
        case DOUBLE -> {
          double v = in.getDouble();
          if (out != null) {
            out.setDouble(c, v);
          }
        }
        case DECIMAL -> {
          if (compact[c]) {
            long v = in.getLong();
            if (out != null) {
              out.setDecimalUnscaled(c, v);
            }
          } else {
            byte[] v = getBytes(in);
            if (out != null) {
              out.setDecimal(c, new BigDecimal(new BigInteger(v), scales[c]));
            }
          }
        }
        case VARCHAR -> {
          int len = in.getInt();
          if (out == null) {
            in.position(in.position() + 2 * len);
          } else {
            char[] chars = new char[len];
            in.asCharBuffer().get(chars);
            in.position(in.position() + 2 * len);
            out.setString(c, new String(chars));
          }
        }
        case BYTES -> {
          byte[] v = getBytes(in);
          if (out != null) {
            out.setBytes(c, v);
          }
        }
      }
    }
    if (out != null) {
      out.endRow();
    }
  }

  private static byte[] getBytes(ByteBuffer in) {
    byte[] v = new byte[in.getInt()];
    in.get(v);
    return v;
  }

  // ------------------------------------------------------------------ any thread

  static byte[] position(long row, long scanFromLsn, long requiredLsn) {
    return ByteBuffer.allocate(POSITION_BYTES).putLong(row).putLong(scanFromLsn).putLong(requiredLsn).array();
  }

  static long positionRow(byte[] position) {
    return ByteBuffer.wrap(position).getLong(0);
  }

  static long positionScanFrom(byte[] position) {
    return ByteBuffer.wrap(position).getLong(8);
  }

  static long positionRequired(byte[] position) {
    return ByteBuffer.wrap(position).getLong(16);
  }

  /**
   * Waits until the log is forced to the device up to {@code requiredLsn} (a checkpoint does, before it
   * records a position): under every sync policy — NONE too — a checkpoint never covers rows an OS
   * crash could take out of the log. Asks the flusher to force now rather than at its next interval.
   */
  void awaitDurable(long requiredLsn, long timeoutMillis) throws IOException, InterruptedException, TimeoutException {
    if (requiredLsn <= wal.forcedLsn()) {
      return;
    }
    wal.requestSync();
    if (wal.config().syncPolicy() != dev.laminar.durability.wal.SyncPolicy.NONE) {
      try { // durable = forced under these policies
        wal.whenDurable(requiredLsn - 1).get(timeoutMillis, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IOException("write-ahead log " + directory + " failed", e.getCause());
      }
      return;
    }
    // NONE publishes durability when written; the force it was asked for shows in forcedLsn (off the hot path: a checkpoint's wait)
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (wal.forcedLsn() < requiredLsn) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("write-ahead log " + directory + " not forced up to LSN " + requiredLsn + " within " + timeoutMillis + " ms");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(100_000);
      wal.requestSync();
    }
  }

  /** Deletes the segments that hold only records below {@code lsn}. */
  int truncateBefore(long lsn) throws IOException {
    return wal.truncateBefore(lsn);
  }

  /** Bytes the log's segments take on disk. */
  long diskBytes() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      long total = 0;
      for (Path f : files.toList()) {
        total += Files.size(f);
      }
      return total;
    }
  }

  @Override
  public void close() throws IOException {
    wal.close();
  }

  /** Closes the log and deletes its directory (the source was dropped). */
  void delete() throws IOException {
    close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
