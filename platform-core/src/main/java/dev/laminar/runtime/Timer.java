package dev.laminar.runtime;

/**
 * A processing-time callback an operator registers with its reactor: called on the reactor thread
 * (so it may touch operator state and push rows downstream) about every few milliseconds.
 */
public interface Timer {
  /** The wall clock is {@code nowMillis}. */
  void onTimer(long nowMillis);
}
