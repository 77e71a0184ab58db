package dev.laminar.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * Backing off when a thread has nothing to do: spin briefly (latency), then yield, then park for
 * growing intervals up to a cap (so an idle engine costs almost no CPU on a 2-core machine).
 */
public final class IdleStrategy {
  private final int spins;
  private final int yields;
  private final long minParkNanos;
  private final long maxParkNanos;

  public IdleStrategy(int spins, int yields, long minParkNanos, long maxParkNanos) {
    this.spins = spins;
    this.yields = yields;
    this.minParkNanos = minParkNanos;
    this.maxParkNanos = maxParkNanos;
  }

  /** The default for engine threads: 100 spins, 20 yields, then parks of 20 µs doubling to 1 ms. */
  public static IdleStrategy standard() {
    return new IdleStrategy(100, 20, 20_000, 1_000_000);
  }

  /** Idles for the {@code count}-th consecutive time without work. */
  public void idle(int count) {
    if (count < spins) {
      Thread.onSpinWait();
    } else if (count < spins + yields) {
      Thread.yield();
    } else {
      int shift = Math.min(count - spins - yields, 10);
      LockSupport.parkNanos(Math.min(maxParkNanos, minParkNanos << shift));
    }
  }
}
