package dev.laminar.state;

import dev.laminar.durability.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A snapshot copied out of a {@link StateStore} at a barrier (a {@link SnapshotFormat} file to be). The
 * owner thread builds it; afterwards it belongs to whoever writes it: {@link #writeTo} may run on any
 * thread (Ring 1), and {@link #close()} frees the memory.
 *
 * <p>Two kinds: an entry list ({@link EntryListCapture}: an incremental capture, or a heap store's full
 * one), built entry by entry, and a table image ({@link TableImageCapture}: an off-heap store's full
 * capture), which is one bulk copy of the store's memory on the owner; leaving out empty slots, the
 * checksum and the I/O are the writer's.
 *
 * <p>Why a copy of the changed entries at the barrier rather than copy-on-write pages: the owner pays
 * O(changed entries) once, at the barrier, and nothing on later writes; copy-on-write would add a
 * check (and sometimes a page copy) to every {@code put} until the writer finishes, and a page-level
 * delta of a hash table is mostly unchanged bytes (one changed 32-byte entry dirties a 4 KiB page).
 * A full capture copies the whole table on the owner (memcpy speed); later full snapshots are made by
 * {@link SnapshotFiles#compact} in the background.
 */
public abstract sealed class SnapshotCapture implements AutoCloseable permits EntryListCapture, TableImageCapture {
  SnapshotCapture() {}

  /** Keys removed since the previous capture (0 for a full capture). */
  public abstract long deletes();

  /** Entries written (changed ones for an incremental capture, all live ones for a full one). */
  public abstract long upserts();

  /** Bytes of the snapshot file this capture becomes. */
  public abstract long bytes();

  /** Whether this is a full snapshot (else incremental: it applies on top of the chain before it). */
  public abstract boolean full();

  /** Writes the file's content after the header's magic, CRC32C of everything written included in {@code crc}. */
  abstract void writeBody(FileChannel ch, CRC32C crc) throws IOException;

  /**
   * Writes the snapshot durably and atomically to {@code file} (temp file, fsync, rename, fsync of the
   * directory) and returns its size. Any thread; the store may keep changing meanwhile.
   */
  public final long writeTo(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      CRC32C crc = new CRC32C();
      writeBody(ch, crc);
      ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue());
      writeFully(ch, trailer);
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    DurableFiles.syncDirectory(file.toAbsolutePath().getParent());
    return bytes();
  }

  /** Updates {@code crc} with {@code b}'s remaining bytes and writes them all. */
  static void writeChecked(FileChannel ch, CRC32C crc, ByteBuffer b) throws IOException {
    crc.update(b.duplicate());
    writeFully(ch, b);
  }

  static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** Frees the copy. Idempotent. */
  @Override
  public abstract void close();
}
