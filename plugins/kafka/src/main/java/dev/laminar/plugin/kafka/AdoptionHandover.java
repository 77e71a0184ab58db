package dev.laminar.plugin.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Hands partitions adopted by discovery back to splits of their own when a source with partition
 * discovery restarts from a checkpoint.
 *
 * <p>While a source runs, a partition added to its topics is adopted by an existing split, whose
 * checkpointed position carries that partition's offset ({@link PartitionDiscovery}). After a restart,
 * {@link KafkaSource#discoverSplits()} lists that partition as a split of its own, which has no restored
 * position. The splits of one discovery round meet here when they open: a restored split hands over the
 * offsets of its adopted partitions that are now splits of their own (and keeps reading the others); a
 * split without a restored position waits until every split of the round has opened, then starts at the
 * offset handed over for its partition. So a restart resumes every partition exactly where the
 * checkpoint left it: nothing read twice, nothing skipped.
 *
 * <p>Nothing here blocks: a split without a restored position opens at once and reports
 * {@link dev.laminar.sdk.source.PollStatus#IDLE} until the others have opened (the engine opens all
 * splits of a source together).
 *
 * <p>A split with no restored position that nobody hands over while other splits were restored is a
 * partition new since the checkpoint: it is read from its start, as discovery reads new partitions. When
 * no split was restored (a first start) every split starts as {@code startup.mode} says.
 */
final class AdoptionHandover {
  /** {@link #awaitStart}: no split was restored; start where {@code startup.mode} says. */
  static final long STARTUP_MODE = -1;
  /** {@link #awaitStart}: a partition new since the checkpoint; start at its earliest offset. */
  static final long EARLIEST = -2;

  private final String source;
  private final Set<String> splits;
  private final CountDownLatch opened;
  private final Map<String, Long> handedOver = new ConcurrentHashMap<>();
  private volatile boolean anyRestored;

  /** @param splits ids ({@code <topic>-<partition>}) of the splits of this discovery round */
  AdoptionHandover(String source, List<String> splits) {
    this.source = source;
    this.splits = Set.copyOf(splits);
    this.opened = new CountDownLatch(splits.size());
  }

  /**
   * A restored split opens: hands over those of its adopted partitions (split id → next offset) that are
   * splits of their own now, and returns the ones it keeps reading. Never waits.
   */
  <K> Map<K, Long> restored(Map<K, Long> adopted, java.util.function.Function<K, String> splitId) {
    anyRestored = true;
    Map<K, Long> keep = new LinkedHashMap<>();
    adopted.forEach((partition, offset) -> {
      if (splits.contains(splitId.apply(partition))) {
        handedOver.put(splitId.apply(partition), offset);
      } else {
        keep.put(partition, offset);
      }
    });
    opened.countDown();
    return keep;
  }

  /** A split without a restored position opens; it starts reading once {@link #awaitOpened} is true. Never waits. */
  void opened() {
    opened.countDown();
  }

  /** Whether every split of the round has opened, waiting up to {@code timeout} for it. */
  boolean awaitOpened(Duration timeout) throws InterruptedException {
    return opened.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Where split {@code splitId} (without a restored position) starts, once every split has opened: the
   * offset handed over for it, or {@link #EARLIEST}, or {@link #STARTUP_MODE} (see the class comment).
   */
  long startOf(String splitId) {
    if (opened.getCount() > 0) {
      throw new IllegalStateException(waiting(splitId));
    }
    Long offset = handedOver.get(splitId);
    if (offset != null) {
      return offset;
    }
    return anyRestored ? EARLIEST : STARTUP_MODE;
  }

  /** Why split {@code splitId} cannot start yet. */
  String waiting(String splitId) {
    return "source '" + source + "': split " + splitId + " has no checkpointed position and waits for the source's other splits to"
        + " open (" + opened.getCount() + " of " + splits.size() + " not yet), to learn whether one of them read its partition"
        + " before the restart";
  }
}
