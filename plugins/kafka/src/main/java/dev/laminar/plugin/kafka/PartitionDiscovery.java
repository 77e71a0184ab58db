package dev.laminar.plugin.kafka;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Periodic partition discovery for one reader (option {@code scan.partition-discovery.interval}).
 *
 * <p>The SDK fixes a source's splits when the engine starts it, so a partition that appears later
 * cannot become a split of its own while the pipeline runs. Instead it is adopted by one of the
 * existing splits — the one at index {@code floorMod(hash("<topic>-<partition>"), splits)} — whose
 * reader reads it from its start and covers it in its position. After a restart the partition is a split
 * of its own, and {@link AdoptionHandover} moves its offset there.
 */
final class PartitionDiscovery {
  private final SourceSettings settings;
  private final Set<TopicPartition> initial;
  private final int splitCount;
  private final int splitIndex;
  private final long intervalNanos;
  private long nextCheck;

  PartitionDiscovery(SourceSettings settings, List<TopicPartition> initial, int splitIndex) {
    this.settings = settings;
    this.initial = new HashSet<>(initial);
    this.splitCount = initial.size();
    this.splitIndex = splitIndex;
    this.intervalNanos = settings.discoveryInterval().toNanos();
    this.nextCheck = System.nanoTime() + intervalNanos;
  }

  /** Whether a discovery round is due now. */
  boolean due(long now) {
    return now - nextCheck >= 0;
  }

  /** Partitions new since the splits were discovered that this reader owns and does not read yet. */
  List<TopicPartition> newPartitions(KafkaConsumer<byte[], byte[]> consumer, Set<TopicPartition> reading) {
    nextCheck = System.nanoTime() + intervalNanos;
    List<TopicPartition> adopted = new ArrayList<>();
    for (TopicPartition tp : KafkaSource.listPartitions(settings, consumer)) {
      if (!initial.contains(tp) && !reading.contains(tp)
          && Math.floorMod((tp.topic() + "-" + tp.partition()).hashCode(), splitCount) == splitIndex) {
        adopted.add(tp);
      }
    }
    return adopted;
  }
}
