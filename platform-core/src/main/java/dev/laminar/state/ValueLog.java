package dev.laminar.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Append-only storage of variable-size values in a memory-mapped file: a value is written once at
 * the end and addressed by (offset, length) from its table slot. Replacing or removing a value leaves
 * garbage; the store compacts (copies live values into a fresh log) when garbage outweighs live bytes.
 * The mapping grows by remapping the same file larger, so growth copies nothing.
 */
final class ValueLog implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private Arena arena;
  private MemorySegment mapped;
  private long end;
  private long garbage;

  ValueLog(Path file, long initialBytes) {
    this.file = file;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create state value log " + file, e);
    }
    map(Math.max(4096, initialBytes));
  }

  private void map(long size) {
    Arena next = Arena.ofShared();
    try {
      mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, next);
    } catch (IOException e) {
      next.close();
      throw new UncheckedIOException("cannot map state value log " + file + " to " + size + " bytes", e);
    }
    if (arena != null) {
      arena.close();
    }
    arena = next;
  }

  /** Appends {@code length} bytes of {@code src} from {@code offset}; returns the value's offset. */
  long append(MemorySegment src, long offset, int length) {
    if (end + length > mapped.byteSize()) {
      map(Math.max(mapped.byteSize() * 2, end + length));
    }
    long at = end;
    MemorySegment.copy(src, offset, mapped, at, length);
    end += length;
    return at;
  }

  MemorySegment segment() {
    return mapped;
  }

  /** Bytes appended so far (live and garbage): a full snapshot copies {@code [0, end)}. */
  long end() {
    return end;
  }

  /**
   * Restore from a table image: the caller has written {@code end} bytes at the start of
   * {@link #segment()} (made large enough with {@link #reserve}); {@code garbage} of them are dead.
   */
  void restored(long end, long garbage) {
    this.end = end;
    this.garbage = garbage;
  }

  /** Makes {@link #segment()} at least {@code bytes} long. */
  void reserve(long bytes) {
    if (bytes > mapped.byteSize()) {
      map(bytes);
    }
  }

  void release(int length) {
    garbage += length;
  }

  long liveBytes() {
    return end - garbage;
  }

  long garbageBytes() {
    return garbage;
  }

  @Override
  public void close() {
    arena.close();
    try {
      channel.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete state value log " + file, e);
    }
  }
}
