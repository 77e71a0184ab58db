package dev.laminar.durability.wal;

import dev.laminar.durability.DurableFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Segment files of a log: {@code <base LSN, 20 digits>.wal}, where the base is the LSN of the first record. */
final class Segments {
  static final String SUFFIX = ".wal";

  private Segments() {}

  static Path path(Path dir, long baseLsn) {
    return dir.resolve(DurableFiles.numberedName(baseLsn, SUFFIX));
  }

  /** Base LSNs of the segments in {@code dir}, ascending. */
  static List<Long> list(Path dir) throws IOException {
    return DurableFiles.numberedFiles(dir, SUFFIX);
  }

  static void syncDirectory(Path dir) {
    DurableFiles.syncDirectory(dir);
  }
}
