package dev.laminar.bench;

import dev.laminar.api.SourceWriter;

/**
 * The OHLC workload: its SQL and a deterministic, allocation-free trade generator.
 *
 * <p>Event {@code i} is a trade of symbol {@code i % 100} (names from a pre-built array), price
 * {@code 100 + ((i * 7919) % 1000) / 100}, quantity {@code 1 + i % 500}, event time
 * {@code BASE + i / 10} ms: time advances 1 ms every 10 events, so a 1-second window holds 10,000
 * events (100 per symbol) and, with the watermark 1 s behind the newest event time, windows close
 * continuously, one every 10,000 events.
 */
final class OhlcWorkload {
  static final int SYMBOLS = 100;
  static final int EVENTS_PER_MILLI = 10;
  static final long WINDOW_MILLIS = 1_000;
  static final long WATERMARK_DELAY_MILLIS = 1_000;
  static final long EVENTS_PER_WINDOW = WINDOW_MILLIS * EVENTS_PER_MILLI;
  /** 2026-01-01T00:00:00Z: event time of event 0 (a window boundary). */
  static final long BASE_MILLIS = 1_767_225_600_000L;

  static final String CREATE_SOURCE = """
      CREATE SOURCE trades (
        symbol VARCHAR NOT NULL,
        price  DOUBLE NOT NULL,
        qty    BIGINT NOT NULL,
        ts     TIMESTAMP(3) NOT NULL,
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
      ) WITH ('connector' = 'memory')""";

  static final String CREATE_STREAM = """
      CREATE STREAM bars AS
      SELECT symbol, window_start, window_end,
             FIRST_VALUE(price) AS open, MAX(price) AS high, MIN(price) AS low, LAST_VALUE(price) AS close,
             SUM(qty) AS volume, COUNT(*) AS trades
      FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
      GROUP BY symbol, window_start, window_end
      EMIT ON WINDOW CLOSE""";

  private static final String[] SYMBOL_NAMES = new String[SYMBOLS];

  static {
    for (int s = 0; s < SYMBOLS; s++) {
      SYMBOL_NAMES[s] = String.format("SYM%03d", s);
    }
  }

  private OhlcWorkload() {}

  /** The name of symbol {@code s} (0 to {@link #SYMBOLS} − 1). */
  static String symbol(int s) {
    return SYMBOL_NAMES[s];
  }

  static long eventTime(long i) {
    return BASE_MILLIS + i / EVENTS_PER_MILLI;
  }

  /** The watermark the source derives after event {@code i} (its event time minus the allowed delay). */
  static long watermarkAfter(long i) {
    return eventTime(i) - WATERMARK_DELAY_MILLIS;
  }

  /** Index of the window that ends at {@code windowEndMillis}. */
  static int windowIndex(long windowEndMillis) {
    return (int) ((windowEndMillis - BASE_MILLIS) / WINDOW_MILLIS) - 1;
  }

  /** Writes event {@code i}; allocates nothing. */
  static void push(SourceWriter w, long i) {
    w.beginRow();
    w.setString(0, SYMBOL_NAMES[(int) (i % SYMBOLS)]);
    w.setDouble(1, 100.0 + ((i * 7919) % 1000) / 100.0);
    w.setLong(2, 1 + i % 500);
    w.setTimestampMillis(3, eventTime(i));
    w.endRow();
  }

  /** Bars that {@code events} events produce once the input has ended (every window closed). */
  static long expectedBars(long events) {
    long full = events / EVENTS_PER_WINDOW;
    long rest = events % EVENTS_PER_WINDOW;
    return full * SYMBOLS + Math.min(SYMBOLS, rest);
  }

  /** Windows that {@code events} events touch. */
  static int windows(long events) {
    return (int) ((events + EVENTS_PER_WINDOW - 1) / EVENTS_PER_WINDOW);
  }
}
