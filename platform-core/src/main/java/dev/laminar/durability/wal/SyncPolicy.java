package dev.laminar.durability.wal;

/**
 * When the write-ahead log forces appended records to the storage device. Chosen per database.
 * Whatever the policy, {@link WriteAheadLog#append} never waits for the disk: writing and forcing
 * happen on the log's flusher thread.
 */
public enum SyncPolicy {
  /**
   * Group commit: the flusher writes whatever has been appended since its last round and then calls
   * {@code FileChannel.force(false)} (fdatasync); a record counts as durable only after that force.
   */
  EVERY_COMMIT,
  /** Records are written as they arrive and forced every {@link WalConfig#syncIntervalMillis()} ms. */
  INTERVAL,
  /**
   * Records are written to the operating system and forced only when asked ({@link WriteAheadLog#requestSync()},
   * which the engine does before a checkpoint relies on the log), when a segment is closed, and on
   * {@link WriteAheadLog#close()}. "Durable" then means "handed to the OS": it survives a crash of the process,
   * not of the operating system or a power failure, which can lose records appended since the last force.
   */
  NONE
}
