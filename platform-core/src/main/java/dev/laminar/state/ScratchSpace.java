package dev.laminar.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where this process's off-heap stores keep their memory-mapped files: {@code <root>/<pid>/}. The files
 * are scratch space (durability comes from snapshots), so folders of processes that no longer run —
 * killed before they could delete their files — are removed when the folder is first asked for.
 */
public final class ScratchSpace {
  /** System property: the root folder (default {@code <java.io.tmpdir>/laminar-state}). */
  public static final String ROOT_PROPERTY = "laminar.state.scratch";

  private static volatile Path folder;

  private ScratchSpace() {}

  /** This process's folder, created (and the dead processes' folders removed) on first use. */
  public static Path folder() {
    Path f = folder;
    if (f == null) {
      synchronized (ScratchSpace.class) {
        f = folder;
        if (f == null) {
          folder = f = create();
        }
      }
    }
    return f;
  }

  private static Path create() {
    String configured = System.getProperty(ROOT_PROPERTY);
    Path root = configured != null ? Path.of(configured) : Path.of(System.getProperty("java.io.tmpdir"), "laminar-state");
    try {
      Files.createDirectories(root);
      try (Stream<Path> dirs = Files.list(root)) {
        for (Path d : (Iterable<Path>) dirs::iterator) {
          String name = d.getFileName().toString();
          if (name.chars().allMatch(Character::isDigit) && ProcessHandle.of(Long.parseLong(name)).isEmpty()) {
            try {
              deleteTree(d);
            } catch (IOException e) {
              // best effort: another process starting at the same time may be removing the same folder
              // (its files vanish under the walk); whatever is left goes at a later start
            }
          }
        }
      }
      return Files.createDirectories(root.resolve(Long.toString(ProcessHandle.current().pid())));
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("cannot prepare the state scratch folder under " + root + " (" + ROOT_PROPERTY + "): " + e, e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
