package dev.laminar.plugin.kafka;

import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@code kafka} source: one split per partition of the topics named by {@code topic} or matching
 * {@code topic-pattern}, with id {@code <topic>-<partition>} (stable across restarts).
 */
final class KafkaSource implements SourceConnector {
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
  private final SourceSettings settings;
  /** The partitions of the last {@link #discoverSplits()}, in split order. */
  private List<TopicPartition> discovered = List.of();
  /** Where the readers of the last discovery round meet when they open (with partition discovery only). */
  private AdoptionHandover handover;

  KafkaSource(SourceSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<SourceSplit> discoverSplits() {
    List<TopicPartition> partitions;
    try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(metadataProperties())) {
      partitions = listPartitions(settings, consumer);
    }
    discovered = List.copyOf(partitions);
    List<SourceSplit> splits = new ArrayList<>(partitions.size());
    for (TopicPartition tp : partitions) {
      String id = tp.topic() + "-" + tp.partition();
      splits.add(new SourceSplit(id, id.getBytes(StandardCharsets.UTF_8)));
    }
    handover = settings.discoveryInterval() == null ? null
        : new AdoptionHandover(settings.objectName(), splits.stream().map(SourceSplit::id).toList());
    return splits;
  }

  /**
   * The partitions of the source's topics (or of the topics matching its pattern), sorted by topic and
   * partition, from fresh cluster metadata ({@code listTopics} asks the brokers; {@code partitionsFor}
   * would answer from the consumer's cache and miss partitions added since).
   */
  static List<TopicPartition> listPartitions(SourceSettings settings, KafkaConsumer<byte[], byte[]> consumer) {
    List<TopicPartition> partitions = new ArrayList<>();
    Map<String, List<PartitionInfo>> all = consumer.listTopics(METADATA_TIMEOUT);
    if (settings.topicPattern() != null) {
      for (String topic : new TreeSet<>(all.keySet())) {
        if (settings.topicPattern().matcher(topic).matches()) {
          all.get(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
      }
    } else {
      for (String topic : settings.topics()) {
        List<PartitionInfo> infos = all.get(topic);
        if (infos == null || infos.isEmpty()) {
          throw new IllegalStateException("source '" + settings.objectName() + "': topic '" + topic + "' does not exist");
        }
        infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      }
    }
    partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    return partitions;
  }

  private Map<String, Object> metadataProperties() {
    Map<String, Object> props = new java.util.HashMap<>(settings.consumerProperties());
    props.remove("group.id");
    props.put("client.id", "laminar-" + settings.objectName() + "-metadata");
    return props;
  }

  @Override
  public SourceReader createReader(SourceSplit split) {
    String id = new String(split.descriptor(), StandardCharsets.UTF_8);
    int dash = id.lastIndexOf('-');
    if (dash <= 0) {
      throw new IllegalArgumentException("source '" + settings.objectName() + "': not a kafka split descriptor: " + id);
    }
    TopicPartition partition = new TopicPartition(id.substring(0, dash), Integer.parseInt(id.substring(dash + 1)));
    boolean discovering = settings.discoveryInterval() != null && discovered.contains(partition);
    PartitionDiscovery discovery = discovering ? new PartitionDiscovery(settings, discovered, discovered.indexOf(partition)) : null;
    return new KafkaSourceReader(settings, partition, discovery, discovering ? handover : null);
  }

  @Override
  public void close() {
    // nothing to release: readers and writers own the clients
  }

  @Override
  public boolean isBounded() {
    return settings.boundedAtLatest();
  }
}
