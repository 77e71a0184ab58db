package dev.laminar.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * File operations whose result survives a power loss: write-to-temp, fsync, atomic rename, fsync of
 * the directory. Shared by the write-ahead log, checkpoint storage and state snapshots.
 */
public final class DurableFiles {
  private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");

  private DurableFiles() {}

  /**
   * Replaces {@code target} with {@code data} atomically: a reader sees the old file or the whole new
   * one, never a part. Writes {@code <target>.tmp}, forces it, renames it over {@code target} and
   * forces the directory.
   */
  public static void writeAtomically(Path target, byte[] data) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * The numbers of the files in {@code dir} named {@code <20-digit number><suffix>} (segments by base
   * LSN, manifests by epoch), ascending; other files are ignored.
   */
  public static List<Long> numberedFiles(Path dir, String suffix) throws IOException {
    List<Long> numbers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(suffix) && name.length() == 20 + suffix.length() && name.chars().limit(20).allMatch(Character::isDigit)) {
          numbers.add(Long.parseLong(name.substring(0, 20)));
        }
      }
    }
    numbers.sort(null);
    return numbers;
  }

  /** {@code <number, 20 digits><suffix>}. */
  public static String numberedName(long number, String suffix) {
    return String.format("%020d%s", number, suffix);
  }

  /** Forces the contents and metadata of an existing file. */
  public static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Forces a directory, so that files created, renamed or deleted in it stay so after a power loss. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory as a channel; there, renames are as durable as NTFS makes them.
      if (!WINDOWS) {
        throw new UncheckedIOException("cannot fsync directory " + dir, e);
      }
    }
  }
}
