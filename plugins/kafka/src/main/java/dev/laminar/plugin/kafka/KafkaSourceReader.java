package dev.laminar.plugin.kafka;

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one partition with its own consumer ({@code assign}, never {@code subscribe}, never
 * auto-commit).
 *
 * <p>Position: the offset of the next record to hand over (9 bytes: version 1, offset); when the
 * reader has adopted partitions found by {@link PartitionDiscovery}, the offset of each partition it
 * reads (version 2). Without a restored position the reader starts where {@code startup.mode} says,
 * resolved to an offset when it opens, so a position taken before the first poll already names that
 * offset. Adopted partitions are read from their start. Under partition discovery the splits of a
 * restarted source meet in an {@link AdoptionHandover} when they open, so partitions adopted before the
 * restart resume in splits of their own exactly at their checkpointed offsets.
 *
 * <p>Consumer-group offsets: each {@link #position()} call is remembered; {@link #notifyCheckpointComplete}
 * commits the oldest remembered one (the engine takes one position per checkpoint and completes
 * checkpoints in order, so that is the position of the completed epoch) and forgets it. The SDK's
 * {@code position()} carries no epoch, so a checkpoint that never completes leaves the committed offset
 * one position behind, never ahead.
 */
final class KafkaSourceReader implements SourceReader {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSourceReader.class);
  private static final byte POSITION_VERSION = 1;
  private static final byte POSITION_VERSION_WITH_ADOPTED = 2;
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** How long {@link #position()} of a split without a checkpointed position waits for the other splits to open ({@link AdoptionHandover}). */
  private static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(30);
  /** Positions remembered for commits at most; older ones are dropped (their checkpoints never completed). */
  private static final int MAX_PENDING_POSITIONS = 64;

  private final SourceSettings settings;
  private final TopicPartition partition;
  private final String location;
  private final PartitionDiscovery discovery;
  private final AdoptionHandover handover;
  private final ArrayDeque<Map<TopicPartition, OffsetAndMetadata>> pendingCommits = new ArrayDeque<>();
  /** Next offsets of adopted partitions (besides {@link #partition}); empty without discovery. */
  private final Map<TopicPartition, Long> adopted = new LinkedHashMap<>();
  private Long restored;
  private Map<TopicPartition, Long> restoredAdopted = Map.of();
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> deadLetters;
  private RecordCodec codec;
  private Iterator<ConsumerRecord<byte[], byte[]>> pending = Collections.emptyIterator();
  private long nextOffset = -1;
  private long stopOffset = Long.MAX_VALUE;
  private boolean finished;
  /** Without a checkpointed position, under partition discovery: not positioned until the other splits have opened. */
  private boolean undecided;
  private boolean closed;
  private long skipped;
  private long deadLettered;
  private long lostRecords;

  KafkaSourceReader(SourceSettings settings, TopicPartition partition, PartitionDiscovery discovery, AdoptionHandover handover) {
    this.settings = settings;
    this.partition = partition;
    this.discovery = discovery;
    this.handover = handover;
    this.location = partition.topic() + "-" + partition.partition();
  }

  /** Records skipped under {@code format.on-error = skip}. */
  long skippedRecords() {
    return skipped;
  }

  /** Records deleted before they were read, skipped under {@code scan.offset-out-of-range = skip}. */
  long lostRecords() {
    return lostRecords;
  }

  /** Records copied to the dead-letter topic. */
  long deadLetteredRecords() {
    return deadLettered;
  }

  @Override
  public void restore(byte[] position) {
    ByteBuffer b = ByteBuffer.wrap(position);
    byte version = position.length == 0 ? 0 : b.get();
    if (version == POSITION_VERSION && position.length == 9) {
      restored = b.getLong();
      return;
    }
    if (version != POSITION_VERSION_WITH_ADOPTED) {
      throw new IllegalArgumentException(location + ": not a position of this connector version (" + position.length + " bytes)");
    }
    restored = b.getLong();
    Map<TopicPartition, Long> more = new LinkedHashMap<>();
    for (int i = b.getInt(); i > 0; i--) {
      byte[] topic = new byte[b.getShort()];
      b.get(topic);
      more.put(new TopicPartition(new String(topic, StandardCharsets.UTF_8), b.getInt()), b.getLong());
    }
    restoredAdopted = more;
  }

  @Override
  public void open() {
    Map<String, Object> props = new HashMap<>(settings.consumerProperties());
    props.putIfAbsent("client.id", "laminar-" + settings.objectName() + "-" + location);
    // every start offset is resolved here; a position out of range fails poll() (outOfRange()), never resets silently
    props.put("auto.offset.reset", "none");
    consumer = Clients.consumer(props);
    codec = settings.newCodec();
    if (handover == null) {
      adopted.putAll(restoredAdopted);
    } else if (restored != null) {
      adopted.putAll(handover.restored(restoredAdopted, KafkaSourceReader::splitId));
      if (adopted.size() < restoredAdopted.size()) {
        LOG.info("source '{}': split {} hands partitions it adopted before the restart back to their own splits: {}",
            settings.objectName(), location, restoredAdopted.keySet().stream().filter(tp -> !adopted.containsKey(tp)).toList());
      }
    } else {
      handover.opened();
      undecided = true;
      assign(); // positioned once the other splits have opened (decided())
      return;
    }
    assign();
    if (restored != null) {
      consumer.seek(partition, restored);
    } else {
      seekToStart();
    }
    adopted.forEach(consumer::seek);
    positioned();
  }

  private void positioned() {
    nextOffset = consumer.position(partition);
    if (settings.boundedAtLatest()) {
      stopOffset = consumer.endOffsets(List.of(partition)).get(partition);
    }
  }

  /**
   * Whether this split has its start offset: a split without a checkpointed position, under partition
   * discovery, starts once every split of the source has opened (waiting up to {@code wait}), where
   * {@link AdoptionHandover} says.
   */
  private boolean decided(Duration wait) throws InterruptedException {
    if (!undecided) {
      return true;
    }
    if (!handover.awaitOpened(wait)) {
      return false;
    }
    long start = handover.startOf(location);
    if (start >= 0) {
      consumer.seek(partition, start);
      LOG.info("source '{}': split {} resumes at offset {}, where the split that read it before the restart stopped",
          settings.objectName(), location, start);
    } else if (start == AdoptionHandover.EARLIEST) {
      consumer.seekToBeginning(List.of(partition));
      LOG.info("source '{}': split {} is new since the checkpoint: read from its start", settings.objectName(), location);
    } else {
      seekToStart();
    }
    positioned();
    undecided = false;
    return true;
  }

  private static String splitId(TopicPartition tp) {
    return tp.topic() + "-" + tp.partition();
  }

  private void assign() {
    List<TopicPartition> all = new ArrayList<>(1 + adopted.size());
    all.add(partition);
    all.addAll(adopted.keySet());
    consumer.assign(all);
  }

  /** Starts reading partitions the discovery assigns to this reader, from their start. */
  private void discoverPartitions() {
    List<TopicPartition> found = discovery.newPartitions(consumer, adopted.keySet());
    if (found.isEmpty()) {
      return;
    }
    for (TopicPartition tp : found) {
      adopted.put(tp, 0L);
    }
    assign(); // keeps the positions of the partitions already assigned
    consumer.seekToBeginning(found);
    for (TopicPartition tp : found) {
      adopted.put(tp, consumer.position(tp));
    }
    LOG.info("source '{}': split {} now also reads new partitions {} from their start", settings.objectName(), location, found);
  }

  private void seekToStart() {
    switch (settings.startupMode()) {
      case EARLIEST -> consumer.seekToBeginning(List.of(partition));
      case LATEST -> consumer.seekToEnd(List.of(partition));
      case GROUP_OFFSETS -> {
        OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
        if (committed != null) {
          consumer.seek(partition, committed.offset());
        } else {
          String reset = String.valueOf(settings.consumerProperties().getOrDefault("auto.offset.reset", "latest"));
          switch (reset) {
            case "earliest" -> consumer.seekToBeginning(List.of(partition));
            case "latest" -> consumer.seekToEnd(List.of(partition));
            default -> throw new IllegalStateException(location + ": group '" + settings.groupId() + "' has no committed offset"
                + " and properties.auto.offset.reset is '" + reset + "'");
          }
        }
      }
      case TIMESTAMP -> {
        OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(partition, settings.startupTimestamp())).get(partition);
        if (at == null) {
          consumer.seekToEnd(List.of(partition));
        } else {
          consumer.seek(partition, at.offset());
        }
      }
      case SPECIFIC_OFFSETS -> {
        Long offset = settings.specificOffsets().get(partition.partition());
        if (offset == null) {
          consumer.seekToBeginning(List.of(partition));
        } else {
          consumer.seek(partition, offset);
        }
      }
    }
  }

  @Override
  public PollStatus poll(BatchWriter out) throws BadRecordException, ExecutionException, InterruptedException {
    if (finished) {
      return PollStatus.FINISHED;
    }
    if (!decided(POLL_TIMEOUT)) {
      return PollStatus.IDLE;
    }
    final KafkaConsumer<byte[], byte[]> c = consumer;
    if (discovery != null && !pending.hasNext() && discovery.due(System.nanoTime())) {
      discoverPartitions();
    }
    if (!pending.hasNext()) {
      if (reachedStop()) {
        return finish();
      }
      try {
        pending = c.poll(POLL_TIMEOUT).iterator();
      } catch (OffsetOutOfRangeException e) {
        outOfRange(e.offsetOutOfRangePartitions());
        return PollStatus.IDLE;
      }
      if (!pending.hasNext()) {
        advanceToConsumerPositions();
        return reachedStop() ? finish() : PollStatus.IDLE;
      }
    }
    final MetadataColumns metadata = settings.metadata();
    final String topic = partition.topic();
    final int own = partition.partition();
    while (!out.isFull() && pending.hasNext()) {
      ConsumerRecord<byte[], byte[]> r = pending.next();
      boolean mine = r.partition() == own && r.topic().equals(topic);
      if (mine && r.offset() >= stopOffset) {
        pending = Collections.emptyIterator();
        nextOffset = stopOffset;
        return finish();
      }
      out.beginRow();
      try {
        metadata.fill(r, settings.schema(), out);
        codec.decode(r.value(), out);
        out.endRow();
      } catch (IllegalArgumentException e) {
        out.cancelRow();
        badRecord(r, e.getMessage());
      }
      if (mine) {
        nextOffset = r.offset() + 1;
      } else {
        adopted.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
      }
    }
    if (!pending.hasNext()) {
      advanceToConsumerPositions();
      if (reachedStop()) {
        return finish();
      }
    }
    return PollStatus.MORE_AVAILABLE;
  }

  /**
   * Positions no longer in their partitions (option {@code scan.offset-out-of-range}): fails naming each
   * partition, its position and the offsets still there; or moves to the earliest record still there
   * (the end, when the position is past it), counting the records deleted before they were read.
   */
  private void outOfRange(Map<TopicPartition, Long> positions) {
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(positions.keySet());
    Map<TopicPartition, Long> end = consumer.endOffsets(positions.keySet());
    for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
      TopicPartition tp = e.getKey();
      long position = e.getValue();
      long first = begin.get(tp);
      long next = end.get(tp);
      long lost = position < first ? first - position : 0;
      String what = "source '" + settings.objectName() + "': partition " + splitId(tp) + ": position " + position
          + " is no longer in the partition, which holds offsets " + first + " to " + next + " (exclusive) now: "
          + (lost > 0 ? "records " + position + " to " + (first - 1) + " were deleted (retention) before they were read"
              : "the partition's log now ends before the position (truncated, e.g. by an unclean leader election)");
      if (!settings.skipOutOfRange()) {
        throw new IllegalStateException(what + "; set 'scan.offset-out-of-range' = 'skip' to read on from what is there");
      }
      long resume = lost > 0 ? first : next;
      consumer.seek(tp, resume);
      if (tp.equals(partition)) {
        nextOffset = resume;
      } else {
        adopted.put(tp, resume);
      }
      lostRecords += lost;
      LOG.warn("{}; skipping to offset {} ({} records lost so far)", what, resume, lostRecords);
    }
  }

  /**
   * Once every fetched record is handed over, the consumer's positions also cover the transaction
   * markers and aborted records it passed over.
   */
  private void advanceToConsumerPositions() {
    nextOffset = Math.max(nextOffset, consumer.position(partition));
    for (Map.Entry<TopicPartition, Long> e : adopted.entrySet()) {
      e.setValue(Math.max(e.getValue(), consumer.position(e.getKey())));
    }
  }

  private boolean reachedStop() {
    return nextOffset >= stopOffset || (settings.boundedAtLatest() && consumer.position(partition) >= stopOffset);
  }

  private PollStatus finish() {
    finished = true;
    return PollStatus.FINISHED;
  }

  private void badRecord(ConsumerRecord<byte[], byte[]> r, String reason)
      throws BadRecordException, ExecutionException, InterruptedException {
    String where = location + "@" + r.offset();
    switch (settings.onError()) {
      case FAIL -> throw new BadRecordException(where, reason);
      case SKIP -> {
        skipped++;
        LOG.warn("source '{}': skipping bad record at {}: {} ({} skipped so far)", settings.objectName(), where, reason, skipped);
      }
      case DEAD_LETTER -> {
        RecordHeaders headers = new RecordHeaders(r.headers().toArray());
        headers.add("laminar.error", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("laminar.topic", r.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("laminar.partition", Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("laminar.offset", Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8));
        // acknowledged before reading on, so a position past this record never hides an unsent copy
        deadLetters().send(new ProducerRecord<>(settings.deadLetterTopic(), null, r.timestamp(), r.key(), r.value(), headers)).get();
        deadLettered++;
        LOG.warn("source '{}': bad record at {} copied to dead-letter topic '{}': {}", settings.objectName(), where,
            settings.deadLetterTopic(), reason);
      }
    }
  }

  private KafkaProducer<byte[], byte[]> deadLetters() {
    if (deadLetters == null) {
      Map<String, Object> props = new HashMap<>(settings.consumerProperties());
      for (String consumerOnly : List.of("group.id", "isolation.level", "enable.auto.commit", "key.deserializer",
          "value.deserializer", "auto.offset.reset", "max.poll.records", "client.id")) {
        props.remove(consumerOnly);
      }
      props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
      props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
      props.put("acks", "all");
      props.put("enable.idempotence", "true");
      props.put("client.id", "laminar-" + settings.objectName() + "-" + location + "-dead-letters");
      deadLetters = Clients.producer(props);
    }
    return deadLetters;
  }

  @Override
  public byte[] position() {
    try {
      if (!decided(HANDOVER_TIMEOUT)) {
        throw new IllegalStateException(handover.waiting(location));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(location + ": interrupted while waiting for the source's other splits to open", e);
    }
    if (nextOffset < 0) {
      if (restored == null) {
        throw new IllegalStateException(location + ": position() before open() and without restore()");
      }
      return ByteBuffer.allocate(9).put(POSITION_VERSION).putLong(restored).array();
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    commit.put(partition, new OffsetAndMetadata(nextOffset));
    adopted.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    pendingCommits.addLast(commit);
    while (pendingCommits.size() > MAX_PENDING_POSITIONS) {
      pendingCommits.removeFirst();
    }
    if (adopted.isEmpty()) {
      return ByteBuffer.allocate(9).put(POSITION_VERSION).putLong(nextOffset).array();
    }
    int size = 1 + 8 + 4;
    for (TopicPartition tp : adopted.keySet()) {
      size += 2 + tp.topic().getBytes(StandardCharsets.UTF_8).length + 4 + 8;
    }
    ByteBuffer b = ByteBuffer.allocate(size).put(POSITION_VERSION_WITH_ADOPTED).putLong(nextOffset).putInt(adopted.size());
    adopted.forEach((tp, offset) -> {
      byte[] topic = tp.topic().getBytes(StandardCharsets.UTF_8);
      b.putShort((short) topic.length).put(topic).putInt(tp.partition()).putLong(offset);
    });
    return b.array();
  }

  @Override
  public void notifyCheckpointComplete(long epoch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = pendingCommits.pollFirst();
    if (offsets == null || settings.groupId() == null || consumer == null) {
      return;
    }
    consumer.commitSync(offsets);
    LOG.debug("source '{}': committed offsets {} for epoch {}", settings.objectName(), offsets, epoch);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (consumer != null) {
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      }
    } finally {
      if (deadLetters != null) {
        deadLetters.close(CLOSE_TIMEOUT);
      }
    }
  }
}
