package dev.laminar.runtime.aggregate;

/**
 * EMIT EVERY of a window operator: the interval of processing time between early results and the time of the
 * last one (checkpointed with the operator, so a restart keeps the rhythm). Shared by the heap and store-backed
 * TUMBLE, HOP/CUMULATE and SESSION operators. Reactor thread only.
 */
final class EmitEvery {
  private long intervalMillis;
  private long lastMillis;

  /** The interval; it must be positive. */
  void interval(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("EMIT EVERY needs a positive interval, was " + millis + " ms");
    }
    this.intervalMillis = millis;
  }

  /** Whether early results are due at {@code nowMillis} (the interval has passed since the last); if so, that is now the last. */
  boolean due(long nowMillis) {
    if (nowMillis - lastMillis < intervalMillis) {
      return false;
    }
    lastMillis = nowMillis;
    return true;
  }

  /** The time of the last early results (for the operator's snapshot). */
  long last() {
    return lastMillis;
  }

  /** Restore: the time of the last early results. */
  void last(long millis) {
    this.lastMillis = millis;
  }
}
