package dev.laminar.sdk.source;

import dev.laminar.sdk.annotation.Stable;
import java.util.List;

/**
 * The source behind one {@code CREATE SOURCE}: enumerates splits and creates a reader per split.
 *
 * <p>Threads: {@link #discoverSplits()} and {@link #createReader} are called from the engine's control
 * thread; readers then run on source threads. {@link #close()} is called once, after every reader
 * is closed.
 */
@Stable
public interface SourceConnector extends AutoCloseable {
  /** The splits to read, in a stable order with stable ids. */
  List<SourceSplit> discoverSplits() throws Exception;

  /** Creates a reader for one split. Must not block or start I/O (do that in {@link SourceReader#open()}). */
  SourceReader createReader(SourceSplit split) throws Exception;

  /** True when every split ends by itself (the pipeline can finish); false for unbounded sources. */
  boolean isBounded();

  @Override
  default void close() throws Exception {}
}
