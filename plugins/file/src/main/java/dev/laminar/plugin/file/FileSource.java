package dev.laminar.plugin.file;

import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code file} source: one split per file — the file named by {@code path}, or each regular,
 * non-hidden file directly in the directory {@code path} whose name matches {@code glob}. Split ids
 * are file names, in name order. Bounded.
 */
final class FileSource implements SourceConnector {
  private final String objectName;
  private final Schema schema;
  private final FileSettings settings;

  FileSource(String objectName, Schema schema, FileSettings settings) {
    this.objectName = objectName;
    this.schema = schema;
    this.settings = settings;
  }

  @Override
  public List<SourceSplit> discoverSplits() throws IOException {
    Path path = settings.path();
    if (Files.isRegularFile(path)) {
      return List.of(split(path));
    }
    if (!Files.isDirectory(path)) {
      throw new NoSuchFileException(path.toString(), null,
          "source '" + objectName + "' (connector 'file'): option 'path' names no file or directory");
    }
    PathMatcher matcher = settings.fileNameMatcher();
    List<SourceSplit> splits = new ArrayList<>();
    try (Stream<Path> files = Files.list(path)) {
      for (Path file : files.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
        Path name = file.getFileName();
        if (!name.toString().startsWith(".") && Files.isRegularFile(file) && matcher.matches(name)) {
          splits.add(split(file));
        }
      }
    }
    return splits;
  }

  private static SourceSplit split(Path file) {
    return new SourceSplit(file.getFileName().toString(), file.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public FileSourceReader createReader(SourceSplit split) {
    Path file = Path.of(new String(split.descriptor(), StandardCharsets.UTF_8));
    return new FileSourceReader(file, schema, settings);
  }

  @Override
  public boolean isBounded() {
    return true;
  }

  /** Nothing to release; declared without {@code throws Exception} so callers need not handle it. */
  @Override
  public void close() {}
}
