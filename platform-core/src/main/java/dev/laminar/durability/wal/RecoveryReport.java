package dev.laminar.durability.wal;

/**
 * What opening a log found and repaired.
 *
 * @param segments segment files found
 * @param records valid records kept
 * @param nextLsn the LSN the next appended record gets (= end of the last valid record)
 * @param bytesCut bytes removed from the tail: the damaged segment after its last valid record, plus
 *     every later segment
 * @param recordsCut frames removed, counted by their length fields where those still made sense (a
 *     torn fragment counts as one)
 * @param cutAtLsn the LSN where the log was cut, or -1 when nothing was cut
 * @param reason why it was cut ("torn or corrupt record", "gap between segments"), or null
 */
public record RecoveryReport(int segments, long records, long nextLsn, long bytesCut, long recordsCut, long cutAtLsn,
    String reason) {

  /** True when a torn or corrupt tail was found and removed. */
  public boolean cut() {
    return cutAtLsn >= 0;
  }
}
