package dev.laminar.sdk.sink;

import dev.laminar.sdk.annotation.Stable;
import java.util.Set;

/**
 * The sink behind one {@code CREATE SINK}: declares its capabilities and creates its writer.
 * Called from the control thread; {@link #close()} runs once after the writer is closed.
 */
@Stable
public interface SinkConnector extends AutoCloseable {
  /** What this sink guarantees and accepts. */
  Set<SinkCapability> capabilities();

  /** Creates the writer. Must not block or start I/O (do that in {@link SinkWriter#open()}). */
  SinkWriter createWriter() throws Exception;

  @Override
  default void close() throws Exception {}
}
