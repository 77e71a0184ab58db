package dev.laminar.durability.wal;

import dev.laminar.durability.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Segment files of a log: {@code <base LSN, 20 digits>.wal}, where the base is the LSN of the first record. */
final class Segments {
  static final String SUFFIX = ".wal";

  private Segments() {}

  static Path path(Path dir, long baseLsn) {
    return dir.resolve(String.format("%020d%s", baseLsn, SUFFIX));
  }

  /** Base LSNs of the segments in {@code dir}, ascending. */
  static List<Long> list(Path dir) throws IOException {
    List<Long> bases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length()) {
          try {
            bases.add(Long.parseLong(name.substring(0, 20)));
          } catch (NumberFormatException notOurs) {
            // a file we did not write: leave it alone
          }
        }
      }
    }
    bases.sort(null);
    return bases;
  }

  static void syncDirectory(Path dir) {
    DurableFiles.syncDirectory(dir);
  }
}
