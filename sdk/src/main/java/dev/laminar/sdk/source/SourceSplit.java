package dev.laminar.sdk.source;

import dev.laminar.sdk.annotation.Stable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One independently readable part of a source (a Kafka partition, a file, a shard). The id is
 * stable across restarts: checkpointed positions are keyed by it. The descriptor is opaque bytes the
 * connector needs to open the split.
 */
@Stable
public final class SourceSplit {
  private final String id;
  private final byte[] descriptor;

  public SourceSplit(String id, byte[] descriptor) {
    this.id = Objects.requireNonNull(id, "id is null");
    this.descriptor = Objects.requireNonNull(descriptor, "descriptor is null").clone();
  }

  /** A split with an empty descriptor. */
  public static SourceSplit of(String id) {
    return new SourceSplit(id, new byte[0]);
  }

  public String id() {
    return id;
  }

  public byte[] descriptor() {
    return descriptor.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceSplit s && s.id.equals(id) && Arrays.equals(s.descriptor, descriptor);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "SourceSplit[" + id + "]";
  }
}
