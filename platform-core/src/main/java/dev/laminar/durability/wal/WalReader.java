package dev.laminar.durability.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Replays records from an LSN up to a fixed end, segment by segment (each mapped read-only through a
 * confined {@link Arena} and unmapped when the reader moves on). One thread; every record is checked
 * again (CRC and LSN), and a bad one throws rather than being returned.
 *
 * <pre>{@code
 * try (WalReader r = wal.reader(fromLsn)) {
 *   while (r.next()) {
 *     apply(r.lsn(), r.payload());
 *   }
 * }
 * }</pre>
 */
public final class WalReader implements AutoCloseable {
  private final Path dir;
  private final List<Long> bases;
  private final long endLsn;
  private final CRC32C crc = new CRC32C();
  private int segment;
  private Arena arena;
  private ByteBuffer buf;
  private ByteBuffer view;
  private long lsn = -1;
  private long nextLsn;
  private ByteBuffer payload;

  WalReader(Path dir, List<Long> bases, long fromLsn, long endLsn) {
    this.dir = dir;
    this.bases = bases;
    this.endLsn = endLsn;
    this.nextLsn = fromLsn;
    if (fromLsn < bases.getFirst() || fromLsn > endLsn) {
      throw new IllegalArgumentException("LSN " + fromLsn + " is outside the log [" + bases.getFirst() + ", " + endLsn + "]");
    }
    segment = bases.size() - 1;
    while (bases.get(segment) > fromLsn) {
      segment--;
    }
    segment--; // next() maps it
  }

  /** Moves to the next record; false at the end. */
  public boolean next() {
    if (nextLsn >= endLsn) {
      return false;
    }
    try {
      while (buf == null || !buf.hasRemaining() || nextLsn >= bases.get(segment) + buf.limit()) {
        if (!mapNext()) {
          return false;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long base = bases.get(segment);
    buf.position((int) (nextLsn - base));
    int length = WalRecordFormat.check(buf, view, nextLsn, crc);
    if (length < 0) {
      throw new IllegalStateException("no valid record at LSN " + nextLsn + " in " + Segments.path(dir, base)
          + " (not a record boundary, or damaged after open)");
    }
    lsn = nextLsn;
    payload = buf.slice(buf.position() + WalRecordFormat.HEADER_BYTES, length).asReadOnlyBuffer();
    nextLsn += WalRecordFormat.frameBytes(length);
    return true;
  }

  private boolean mapNext() throws IOException {
    closeMapping();
    segment++;
    if (segment >= bases.size()) {
      return false;
    }
    long base = bases.get(segment);
    arena = Arena.ofConfined();
    try (FileChannel ch = FileChannel.open(Segments.path(dir, base), StandardOpenOption.READ)) {
      long size = Math.min(ch.size(), endLsn - base);
      buf = size <= 0 ? ByteBuffer.allocate(0)
          : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asByteBuffer();
    }
    buf.order(ByteOrder.LITTLE_ENDIAN);
    view = buf.duplicate();
    if (nextLsn < base) {
      nextLsn = base;
    }
    return true;
  }

  /** LSN of the current record. */
  public long lsn() {
    return lsn;
  }

  /** The current record's payload: read-only, valid until {@link #next()} or {@link #close()}. */
  public ByteBuffer payload() {
    return payload;
  }

  /** LSN after the current record. */
  public long nextLsn() {
    return nextLsn;
  }

  private void closeMapping() {
    if (arena != null) {
      arena.close();
      arena = null;
      buf = null;
    }
  }

  @Override
  public void close() {
    closeMapping();
  }
}
