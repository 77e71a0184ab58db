package dev.laminar.bench;

import dev.laminar.api.SourceWriter;
import java.util.SplittableRandom;

/**
 * A deterministic, pre-generated Nexmark-shaped bid stream and the catalogue's queries.
 *
 * <p>Bid {@code i}: event time {@code BASE + i / 10} ms (10 bids per millisecond, so a 10-second
 * window holds 100,000 bids; the watermark is 1 s behind, so windows close continuously);
 * auction: half of the bids go to one of 100 hot auctions, the others to one of 10,000 recent ones,
 * and the auction ids drift by one every 1,000 bids (new auctions open, old ones go quiet); bidder
 * uniform in [0, 100,000); price uniform in [1, 100,000] (BIGINT, cents). Seeded, so every run
 * pushes the same bids. Generated before the run into arrays so that generation costs nothing
 * while measuring.
 */
final class NexmarkWorkload {
  static final int EVENTS_PER_MILLI = 10;
  static final long WATERMARK_DELAY_MILLIS = 1_000;
  /** 2026-01-01T00:00:00Z: event time of bid 0 (a window boundary). */
  static final long BASE_MILLIS = 1_767_225_600_000L;
  static final long SEED = 20261126L;

  static final String CREATE_SOURCE = """
      CREATE SOURCE bids (
        auction BIGINT NOT NULL,
        bidder  BIGINT NOT NULL,
        price   BIGINT NOT NULL,
        ts      TIMESTAMP(3) NOT NULL,
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
      ) WITH ('connector' = 'memory')""";

  /** How a query's output rows map back to the bid whose push they are timed from. */
  enum Timing {
    /** Row k of the output is the k-th bid the query keeps (order is kept: one source split, one reactor). */
    PER_ROW,
    /** A row of the window ending at {@code window_end} is due when the watermark reaches that end. */
    WINDOW_END
  }

  /**
   * One query of the catalogue.
   *
   * @param name short name (the JSON key and {@code --query} value)
   * @param statements CREATE STREAM statements; the last one's stream is subscribed
   * @param timing how latency is attributed
   * @param countColumn a column whose values sum to the bids (checks the result), or null
   */
  record Query(String name, String description, String[] statements, Timing timing, String countColumn) {
    String output() {
      String last = statements[statements.length - 1];
      return last.substring("CREATE STREAM ".length(), last.indexOf(" AS"));
    }

    /** The last statement's query (what {@code -Dnexmark.subscribe=query} subscribes instead of its stream). */
    String lastQuery() {
      String last = statements[statements.length - 1];
      return last.substring(last.indexOf(" AS ") + " AS ".length());
    }
  }

  static final Query[] QUERIES = {
      new Query("passthrough", "Nexmark q0: every bid, all columns",
          new String[] {"CREATE STREAM q_pass AS SELECT auction, bidder, price, ts FROM bids"}, Timing.PER_ROW, null),
      new Query("projection", "Nexmark q1: price * 0.908 (currency conversion)",
          new String[] {"CREATE STREAM q_proj AS SELECT auction, bidder, price * 0.908 AS price_eur, ts FROM bids"},
          Timing.PER_ROW, null),
      new Query("selection", "Nexmark q2: bids of auctions with auction % 123 = 0",
          new String[] {"CREATE STREAM q_sel AS SELECT auction, price FROM bids WHERE MOD(auction, 123) = 0"},
          Timing.PER_ROW, null),
      new Query("tumbling", "TUMBLE 10 s, COUNT/SUM/MIN/MAX/AVG(price) by auction % 1000",
          new String[] {"""
              CREATE STREAM q_tumble AS SELECT MOD(auction, 1000) AS bucket, window_start, window_end,
                COUNT(*) AS bids, SUM(price) AS total, MIN(price) AS low, MAX(price) AS high, AVG(price) AS mean
              FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
              GROUP BY MOD(auction, 1000), window_start, window_end"""}, Timing.WINDOW_END, "bids"),
      new Query("hot_items", "Nexmark q5-shaped: HOP 10 s / 2 s bids per auction, then the max per window (one statement, WITH)",
          new String[] {"""
              CREATE STREAM q_hot AS WITH q_auction_bids AS (
                SELECT auction, window_start AS hop_start, window_end AS hop_end, window_time AS hop_time, COUNT(*) AS num
                FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
                GROUP BY auction, window_start, window_end, window_time)
              SELECT window_start, window_end, MAX(num) AS max_bids, COUNT(*) AS auctions
              FROM TABLE(TUMBLE(TABLE q_auction_bids, DESCRIPTOR(hop_time), INTERVAL '2' SECOND))
              GROUP BY window_start, window_end"""}, Timing.WINDOW_END, null),
      new Query("highest_bid", "Nexmark q7: the bids with the highest price of each TUMBLE 10 s window (max, then an interval join)",
          new String[] {"""
              CREATE STREAM q_max_price AS SELECT window_start, window_end, MAX(price) AS maxprice
              FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
              GROUP BY window_start, window_end""", """
              CREATE STREAM q_highest AS SELECT b.auction, b.bidder, b.price, b.ts, m.window_end
              FROM bids b JOIN q_max_price m ON b.price = m.maxprice
                AND b.ts >= m.window_end - INTERVAL '10' SECOND AND b.ts < m.window_end"""}, Timing.WINDOW_END, null),
      new Query("ohlc", "OHLC bars: TUMBLE 10 s FIRST_VALUE/MAX/MIN/LAST_VALUE/SUM/COUNT of price per auction % 1000",
          new String[] {"""
              CREATE STREAM q_ohlc AS SELECT MOD(auction, 1000) AS bucket, window_start, window_end,
                FIRST_VALUE(price) AS open, MAX(price) AS high, MIN(price) AS low, LAST_VALUE(price) AS close,
                SUM(price) AS volume, COUNT(*) AS bids
              FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
              GROUP BY MOD(auction, 1000), window_start, window_end"""}, Timing.WINDOW_END, "bids")};

  static Query query(String name) {
    for (Query q : QUERIES) {
      if (q.name().equals(name)) {
        return q;
      }
    }
    throw new IllegalArgumentException("unknown query " + name);
  }

  final long[] auction;
  final long[] bidder;
  final long[] price;

  NexmarkWorkload(int events) {
    auction = new long[events];
    bidder = new long[events];
    price = new long[events];
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < events; i++) {
      long drift = i / 1_000;
      auction[i] = 1_000 + drift + (random.nextBoolean() ? random.nextInt(100) : random.nextInt(10_000));
      bidder[i] = random.nextInt(100_000);
      price[i] = 1 + random.nextInt(100_000);
    }
  }

  int size() {
    return auction.length;
  }

  static long eventTime(long i) {
    return BASE_MILLIS + i / EVENTS_PER_MILLI;
  }

  /** The first bid whose watermark reaches {@code millis}: rows of a window ending there are due from its push. */
  static long firstEventWithWatermark(long millis) {
    return Math.max(0, (millis + WATERMARK_DELAY_MILLIS - BASE_MILLIS) * EVENTS_PER_MILLI);
  }

  /** Writes bid {@code i}; allocates nothing. */
  void push(SourceWriter w, int i) {
    w.beginRow();
    w.setLong(0, auction[i]);
    w.setLong(1, bidder[i]);
    w.setLong(2, price[i]);
    w.setTimestampMillis(3, eventTime(i));
    w.endRow();
  }

  /** The bids of the first {@code events} that the selection query keeps, in order. */
  int[] selected(int events) {
    int n = 0;
    for (int i = 0; i < events; i++) {
      if (auction[i] % 123 == 0) {
        n++;
      }
    }
    int[] kept = new int[n];
    n = 0;
    for (int i = 0; i < events; i++) {
      if (auction[i] % 123 == 0) {
        kept[n++] = i;
      }
    }
    return kept;
  }
}
