package dev.laminar.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter written by one thread and read by any: increments are plain loads and ordered
 * (release) stores, so the hot path takes no lock and no atomic read-modify-write.
 */
public final class Counter {
  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through VALUE
  private long value;

  /** Adds {@code delta}; only ever called from the owning thread. */
  public void add(long delta) {
    VALUE.setRelease(this, (long) VALUE.get(this) + delta);
  }

  public void increment() {
    add(1);
  }

  /** The current value, from any thread. */
  public long get() {
    return (long) VALUE.getAcquire(this);
  }
}
