package dev.laminar.durability.checkpoint;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * What one checkpoint (epoch) consists of. Written once, atomically, by {@link CheckpointStore#write};
 * its durability <i>is</i> the commit decision of the epoch's two-phase commit: a sink pre-commit whose
 * epoch has a durable manifest is committed (re-driven on recovery until {@link CheckpointStore#markCommitted}),
 * one whose epoch has none is aborted (presumed abort).
 *
 * @param epoch the checkpoint's epoch id (strictly increasing)
 * @param createdMillis wall-clock time the manifest was written, for operators and logs only
 * @param walLsn the write-ahead log position covered: replay starts here, segments below may go
 * @param sources each source split's position, opaque to the engine (the connector's own encoding)
 * @param operators each stateful operator's snapshot files, relative to {@link CheckpointStore#stateDirectory()}
 * @param watermarks each stream's watermark at the barrier
 * @param sinks each sink's pre-commit handle for this epoch
 */
public record CheckpointManifest(long epoch, long createdMillis, long walLsn, List<SourcePosition> sources,
    List<OperatorSnapshot> operators, List<Watermark> watermarks, List<SinkPreCommit> sinks) {

  public CheckpointManifest {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be >= 1: " + epoch);
    }
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    operators = List.copyOf(requireNonNull(operators, "operators is null"));
    watermarks = List.copyOf(requireNonNull(watermarks, "watermarks is null"));
    sinks = List.copyOf(requireNonNull(sinks, "sinks is null"));
  }

  /** Position of one split of a source: the connector's opaque bytes. */
  public record SourcePosition(String source, String split, byte[] position) {
    public SourcePosition {
      requireNonNull(source, "source is null");
      requireNonNull(split, "split is null");
      position = requireNonNull(position, "position is null").clone();
    }

    @Override
    public byte[] position() {
      return position.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SourcePosition p && p.source.equals(source) && p.split.equals(split)
          && Arrays.equals(p.position, position);
    }

    @Override
    public int hashCode() {
      return (source.hashCode() * 31 + split.hashCode()) * 31 + Arrays.hashCode(position);
    }
  }

  /** The snapshot files (full base plus incremental deltas, in apply order) of one operator's state. */
  public record OperatorSnapshot(String operator, List<String> files) {
    public OperatorSnapshot {
      requireNonNull(operator, "operator is null");
      files = List.copyOf(requireNonNull(files, "files is null"));
    }
  }

  /** A stream's watermark (epoch milliseconds) when the barrier passed. */
  public record Watermark(String stream, long millis) {
    public Watermark {
      requireNonNull(stream, "stream is null");
    }
  }

  /** The handle a sink's {@code preCommit(epoch)} returned. */
  public record SinkPreCommit(String sink, byte[] handle) {
    public SinkPreCommit {
      requireNonNull(sink, "sink is null");
      handle = requireNonNull(handle, "handle is null").clone();
    }

    @Override
    public byte[] handle() {
      return handle.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SinkPreCommit p && p.sink.equals(sink) && Arrays.equals(p.handle, handle);
    }

    @Override
    public int hashCode() {
      return sink.hashCode() * 31 + Arrays.hashCode(handle);
    }
  }
}
