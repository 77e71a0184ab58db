package ${package};

import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.util.Set;

/**
 * The sink behind one {@code CREATE SINK}. It promises {@link SinkCapability#AT_LEAST_ONCE}: rows written
 * before a successful {@code preCommit} are on disk, and after a crash the engine may write some of them
 * again. A sink that must never duplicate would declare {@link SinkCapability#TWO_PHASE_COMMIT} (stage rows
 * per epoch, publish them in {@code commit}) or {@link SinkCapability#IDEMPOTENT} (upsert by key); the TCK
 * then runs its replay and abort cases too.
 */
final class LinesSink implements SinkConnector {
  private final LinesSettings settings;

  LinesSink(LinesSettings settings) {
    this.settings = settings;
  }

  @Override
  public Set<SinkCapability> capabilities() {
    return Set.of(SinkCapability.AT_LEAST_ONCE);
  }

  @Override
  public SinkWriter createWriter() {
    // no I/O here: the engine opens the writer on its sink thread
    return new LinesWriter(settings);
  }

  /** Nothing to release: the writer holds the file. Narrowed to throw nothing, so callers need no catch. */
  @Override
  public void close() {}
}
