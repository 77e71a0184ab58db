package dev.laminar.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * Backing off when a thread has nothing to do: spin briefly (latency), then yield, then park for
 * growing intervals up to a cap (so an idle engine costs almost no CPU on a 2-core machine).
 *
 * <p>A producer that hands the thread work calls {@link #wake()}: a parked consumer is unparked at once
 * instead of sleeping out its park (one volatile read when the consumer is awake). A wake that comes
 * between the consumer's last look at its queue and its park is lost, and that park then runs its
 * course (at most the cap), as without waking.
 */
public final class IdleStrategy {
  private final int spins;
  private final int yields;
  private final long minParkNanos;
  private final long maxParkNanos;
  /** The thread while it is parked in {@link #idle}, else null. */
  private volatile Thread parked;

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
      parked = Thread.currentThread();
      LockSupport.parkNanos(Math.min(maxParkNanos, minParkNanos << shift));
      parked = null;
    }
  }

  /** Any thread: unparks the thread idling here, if it is parked (see the class comment). */
  public void wake() {
    Thread t = parked;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }
}
