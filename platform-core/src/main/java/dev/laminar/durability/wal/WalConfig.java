package dev.laminar.durability.wal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Settings of one write-ahead log.
 *
 * @param directory the log's own directory (one per reactor); created if missing
 * @param segmentBytes a new segment is started when the next record would take the current one past
 *     this size (a record never spans two segments; a single record larger than this gets a segment of its own)
 * @param bufferBytes size of each append buffer handed from the owner thread to the flusher
 * @param maxBuffers append buffers in flight before {@code append} waits for the flusher (backpressure)
 * @param syncPolicy when records are forced to the device
 * @param syncIntervalMillis the force period of {@link SyncPolicy#INTERVAL}
 */
public record WalConfig(Path directory, long segmentBytes, int bufferBytes, int maxBuffers, SyncPolicy syncPolicy,
    long syncIntervalMillis) {

  public WalConfig {
    requireNonNull(directory, "directory is null");
    requireNonNull(syncPolicy, "syncPolicy is null");
    if (segmentBytes < WalRecordFormat.HEADER_BYTES) {
      throw new IllegalArgumentException("segmentBytes must be >= " + WalRecordFormat.HEADER_BYTES + ": " + segmentBytes);
    }
    if (segmentBytes > 1L << 30) {
      throw new IllegalArgumentException("segmentBytes must be <= 1 GiB (segments are mapped whole when read): " + segmentBytes);
    }
    if (bufferBytes < 4096) {
      throw new IllegalArgumentException("bufferBytes must be >= 4096: " + bufferBytes);
    }
    if (maxBuffers < 2) {
      throw new IllegalArgumentException("maxBuffers must be >= 2: " + maxBuffers);
    }
    if (syncIntervalMillis < 1) {
      throw new IllegalArgumentException("syncIntervalMillis must be >= 1: " + syncIntervalMillis);
    }
  }

  /** 64 MiB segments, 8 × 1 MiB buffers, group commit on every round, 10 ms interval. */
  public static WalConfig defaults(Path directory) {
    return new WalConfig(directory, 64L << 20, 1 << 20, 8, SyncPolicy.EVERY_COMMIT, 10);
  }

  public WalConfig withSyncPolicy(SyncPolicy policy) {
    return new WalConfig(directory, segmentBytes, bufferBytes, maxBuffers, policy, syncIntervalMillis);
  }

  public WalConfig withSyncIntervalMillis(long millis) {
    return new WalConfig(directory, segmentBytes, bufferBytes, maxBuffers, syncPolicy, millis);
  }

  public WalConfig withSegmentBytes(long bytes) {
    return new WalConfig(directory, bytes, bufferBytes, maxBuffers, syncPolicy, syncIntervalMillis);
  }

  public WalConfig withBuffers(int bytes, int count) {
    return new WalConfig(directory, segmentBytes, bytes, count, syncPolicy, syncIntervalMillis);
  }
}
