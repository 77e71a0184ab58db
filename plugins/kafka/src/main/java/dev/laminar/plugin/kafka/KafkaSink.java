package dev.laminar.plugin.kafka;

import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.util.EnumSet;
import java.util.Set;

/**
 * A {@code kafka} sink. At least once: AT_LEAST_ONCE. Exactly once: AT_LEAST_ONCE and
 * TWO_PHASE_COMMIT. With {@code key.fields} also ACCEPTS_CHANGELOG (upsert: deletes and
 * update-befores become tombstones for their key).
 */
final class KafkaSink implements SinkConnector {
  private final SinkSettings settings;

  KafkaSink(SinkSettings settings) {
    this.settings = settings;
  }

  @Override
  public Set<SinkCapability> capabilities() {
    Set<SinkCapability> capabilities = EnumSet.of(SinkCapability.AT_LEAST_ONCE);
    if (settings.exactlyOnce()) {
      capabilities.add(SinkCapability.TWO_PHASE_COMMIT);
    }
    if (settings.keyColumns().length > 0) {
      capabilities.add(SinkCapability.ACCEPTS_CHANGELOG);
    }
    return capabilities;
  }

  @Override
  public void close() {
    // nothing to release: readers and writers own the clients
  }

  @Override
  public SinkWriter createWriter() {
    return settings.exactlyOnce() ? new TransactionalSinkWriter(settings) : new AtLeastOnceSinkWriter(settings);
  }
}
