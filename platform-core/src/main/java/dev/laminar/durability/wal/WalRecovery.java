package dev.laminar.durability.wal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Scans a log directory on open: checks every frame in LSN order and cuts the log back to the last
 * valid record at the first torn or corrupt frame or at a gap between segments, deleting the
 * segments after it. Everything before the damage survives; nothing after it is ever returned.
 */
final class WalRecovery {
  private WalRecovery() {}

  static RecoveryReport recover(Path dir) throws IOException {
    List<Long> bases = Segments.list(dir);
    CRC32C crc = new CRC32C();
    long records = 0;
    long expected = bases.isEmpty() ? 0 : bases.getFirst();
    for (int i = 0; i < bases.size(); i++) {
      long base = bases.get(i);
      Path file = Segments.path(dir, base);
      if (base != expected) {
        long[] cut = deleteFrom(dir, bases, i);
        return new RecoveryReport(i, records, expected, cut[0], cut[1], expected, "gap between segments: expected LSN "
            + expected + ", next segment starts at " + base);
      }
      long size = Files.size(file);
      long validEnd = -1;
      long recordsCut = 0;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
        ByteBuffer buf = size == 0 ? ByteBuffer.allocate(0)
            : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asByteBuffer();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer view = buf.duplicate();
        while (buf.hasRemaining()) {
          int length = WalRecordFormat.check(buf, view, base + buf.position(), crc);
          if (length < 0) {
            validEnd = buf.position();
            recordsCut = countFrames(buf);
            break;
          }
          buf.position(buf.position() + WalRecordFormat.frameBytes(length));
          records++;
        }
      }
      if (validEnd >= 0) { // cut after the mapping is released (a mapped file cannot be truncated everywhere)
        truncate(file, validEnd);
        long[] later = deleteFrom(dir, bases, i + 1);
        return new RecoveryReport(i + 1, records, base + validEnd, size - validEnd + later[0], recordsCut + later[1],
            base + validEnd, "torn or corrupt record at LSN " + (base + validEnd) + " in " + file.getFileName());
      }
      expected = base + size;
    }
    return new RecoveryReport(bases.size(), records, expected, 0, 0, -1, null);
  }

  private static void truncate(Path file, long validEnd) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(validEnd);
      ch.force(true);
    }
  }

  /** Deletes segments {@code from..} and returns {bytes, frames} removed. */
  private static long[] deleteFrom(Path dir, List<Long> bases, int from) throws IOException {
    long bytes = 0;
    long frames = 0;
    for (int j = from; j < bases.size(); j++) {
      Path later = Segments.path(dir, bases.get(j));
      bytes += Files.size(later);
      frames += countFrames(later);
      Files.delete(later);
    }
    Segments.syncDirectory(dir);
    return new long[] {bytes, frames};
  }

  private static long countFrames(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
      if (ch.size() == 0) {
        return 0;
      }
      ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena).asByteBuffer();
      return countFrames(buf.order(ByteOrder.LITTLE_ENDIAN));
    }
  }

  /** Frames from {@code buf.position()} on, walking length fields while they stay inside the data. */
  private static long countFrames(ByteBuffer buf) {
    long n = 0;
    int at = buf.position();
    while (at < buf.limit()) {
      n++;
      if (buf.limit() - at < WalRecordFormat.HEADER_BYTES) {
        break;
      }
      int length = buf.getInt(at);
      if (length < 0 || length > buf.limit() - at - WalRecordFormat.HEADER_BYTES) {
        break;
      }
      at += WalRecordFormat.frameBytes(length);
    }
    return n;
  }
}
