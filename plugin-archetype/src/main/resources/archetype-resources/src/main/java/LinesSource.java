package ${package};

import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import java.util.List;

/**
 * The source behind one {@code CREATE SOURCE}: a single split, the file, read to its end. A connector
 * over several partitions or files returns one split per partition, each with a stable id, since
 * checkpointed positions are keyed by it.
 */
final class LinesSource implements SourceConnector {
  private final LinesSettings settings;

  LinesSource(LinesSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<SourceSplit> discoverSplits() {
    return List.of(SourceSplit.of(settings.path().toString()));
  }

  @Override
  public SourceReader createReader(SourceSplit split) {
    // no I/O here: the engine opens the reader on its source thread
    return new LinesReader(settings);
  }

  @Override
  public boolean isBounded() {
    return true;
  }

  /** Nothing to release: the readers hold the file. Narrowed to throw nothing, so callers need no catch. */
  @Override
  public void close() {}
}
