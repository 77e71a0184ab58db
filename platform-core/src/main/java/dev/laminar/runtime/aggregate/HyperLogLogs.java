package dev.laminar.runtime.aggregate;

import java.util.Arrays;

/**
 * The arithmetic of APPROX_COUNT_DISTINCT, shared by the heap accumulator and the store-backed state
 * ({@link SlotSets}): HyperLogLog with 2^{@value #P} registers (standard error about 1.6%), small counts by
 * linear counting. The estimate is computed from the registers' histogram (how many registers hold each rank), in
 * rank order, so both forms give the same number for the same registers whatever order they were raised in.
 */
public final class HyperLogLogs {
  /** Index bits. */
  static final int P = 12;
  /** Registers. */
  static final int M = 1 << P;
  /** Ranks are 1..{@value}: the 64 - P bits after the index, plus one. */
  static final int MAX_RANK = 64 - P + 1;

  private HyperLogLogs() {}

  /** The hash of a long-backed value (before {@link #mix}). */
  public static long hash(long v) {
    return v;
  }

  /** The hash of a DOUBLE value (its bits; before {@link #mix}). */
  public static long hash(double v) {
    return Double.doubleToLongBits(v);
  }

  /** The hash of a VARCHAR, BYTES or wide DECIMAL value (before {@link #mix}). */
  public static long hash(Object o) {
    if (o instanceof byte[] b) {
      return Arrays.hashCode(b);
    }
    if (o instanceof String s) {
      long h = 1125899906842597L;
      for (int i = 0; i < s.length(); i++) {
        h = 31 * h + s.charAt(i);
      }
      return h;
    }
    return o.hashCode();
  }

  /** Spreads a hash over all 64 bits (the finaliser of MurmurHash3). */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** The register a mixed hash goes to. */
  static int index(long mixed) {
    return (int) (mixed >>> (64 - P));
  }

  /** The rank a mixed hash gives its register (1..{@value #MAX_RANK}). */
  static int rank(long mixed) {
    return Long.numberOfLeadingZeros((mixed << P) | (1L << (P - 1))) + 1;
  }

  /** The estimate of registers whose histogram is {@code counts} ({@code counts[r]}: registers of rank r, r ≥ 0). */
  static long estimate(int[] counts) {
    double sum = 0;
    for (int r = 0; r <= MAX_RANK; r++) {
      sum += counts[r] * Math.scalb(1.0, -r);
    }
    int zeros = counts[0];
    double alpha = 0.7213 / (1 + 1.079 / M);
    double estimate = alpha * M * M / sum;
    if (estimate <= 2.5 * M && zeros > 0) {
      estimate = M * Math.log((double) M / zeros);
    }
    return Math.round(estimate);
  }
}
