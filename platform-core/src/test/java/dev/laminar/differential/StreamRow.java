package dev.laminar.differential;

import dev.laminar.api.SourceWriter;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One row of the differential test's source {@code s (k VARCHAR, k2 INT, v BIGINT, d DOUBLE,
 * p DECIMAL(10, 2), ts TIMESTAMP(3) NOT NULL)}, in arrival order; a null field is SQL NULL.
 */
record StreamRow(String k, Integer k2, Long v, Double d, BigDecimal p, long ts) {
  static final String SOURCE_DDL = "CREATE SOURCE s (k VARCHAR, k2 INT, v BIGINT, d DOUBLE, p DECIMAL(10, 2), "
      + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.3' SECOND) WITH ('connector' = 'memory')";

  /** The declared out-of-orderness bound of {@link #SOURCE_DDL}, in milliseconds. */
  static final long BOUND = 300;

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

  /**
   * Where each seed's stream starts: each crosses a minute, hour and day boundary within seconds —
   * into a leap day's successor, across the epoch (negative event times), and across a year end.
   */
  private static final long[] STARTS = {
    millis("2024-02-29T23:59:56.000"), millis("1969-12-31T23:59:57.000"), millis("2026-12-31T23:59:55.000")};

  private static final String[] KEYS = {"a", "a", "b", "b", "Cc", " d ", "", null, null};
  private static final Integer[] KEYS2 = {1, 1, 2, 2, 3, -1, 0, null, null};

  /** A copy with another key, for single-key streams. */
  StreamRow withKey(String key) {
    return new StreamRow(key, k2, v, d, p, ts);
  }

  void write(SourceWriter w) {
    w.beginRow();
    if (k != null) {
      w.setString(0, k);
    }
    if (k2 != null) {
      w.setInt(1, k2);
    }
    if (v != null) {
      w.setLong(2, v);
    }
    if (d != null) {
      w.setDouble(3, d);
    }
    if (p != null) {
      w.setDecimal(4, p);
    }
    w.setTimestampMillis(5, ts);
    w.endRow();
  }

  /** This row as a call of {@link #row}, to paste into a reproduction. */
  String toJava() {
    return "row(" + (k == null ? "null" : "\"" + k + "\"") + ", " + k2 + ", " + (v == null ? "null" : v + "L") + ", " + d + ", "
        + (p == null ? "null" : "\"" + p.toPlainString() + "\"") + ", \"" + ISO.format(time(ts)) + "\")";
  }

  /** The row {@link #toJava} prints. */
  static StreamRow row(String k, Integer k2, Long v, Double d, String p, String ts) {
    return new StreamRow(k, k2, v, d, p == null ? null : new BigDecimal(p), millis(ts));
  }

  static LocalDateTime time(long millis) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), Math.floorMod(millis, 1000) * 1_000_000, ZoneOffset.UTC);
  }

  static long millis(String iso) {
    return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /**
   * A random stream: keys and values with NULLs, event times on a 5 ms grid (so ties are common),
   * mostly out of order within the bound, about one row in twelve delayed up to 3 s (often late),
   * and now and then the watermark put exactly on a window boundary followed by a row just before
   * it (late) or on it (not late).
   */
  static List<StreamRow> generate(long seed, int rows) {
    Random random = new Random(seed);
    long clock = STARTS[(int) Math.floorMod(seed, (long) STARTS.length)];
    List<StreamRow> out = new ArrayList<>(rows);
    while (out.size() < rows) {
      clock += 5L * random.nextInt(9);
      if (random.nextInt(40) == 0) {
        long unit = BOUNDARY_UNITS[random.nextInt(BOUNDARY_UNITS.length)];
        clock = Math.floorDiv(clock - BOUND + unit - 1, unit) * unit + BOUND; // watermark = a multiple of unit
        out.add(random(random, clock));
        out.add(random(random, clock - BOUND - 5L * random.nextInt(2)));
        continue;
      }
      long delay = random.nextInt(12) == 0 ? 5L * random.nextInt(600) : 5L * random.nextInt(60); // < BOUND unless delayed
      out.add(random(random, clock - delay));
    }
    return out.subList(0, rows);
  }

  private static final long[] BOUNDARY_UNITS = {100, 250, 500, 1000};

  private static StreamRow random(Random random, long ts) {
    Long v = random.nextInt(7) == 0 ? null
        : random.nextInt(40) == 0 ? (random.nextBoolean() ? 1L : -1L) * (3_000_000_000L + random.nextInt(1000))
        : (long) (random.nextInt(151) - 50);
    Double d = random.nextInt(7) == 0 ? null : (random.nextInt(2001) - 1000) / 4.0;
    BigDecimal p = random.nextInt(7) == 0 ? null : BigDecimal.valueOf(random.nextInt(200_001) - 100_000, 2);
    return new StreamRow(KEYS[random.nextInt(KEYS.length)], KEYS2[random.nextInt(KEYS2.length)], v, d, p, ts);
  }
}
