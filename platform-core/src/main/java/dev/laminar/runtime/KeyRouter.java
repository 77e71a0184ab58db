package dev.laminar.runtime;

import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;

/**
 * The end of one copy of a sharded plan's head (engine.Shards): every row goes to shard
 * {@link #shardOf(long, int)} of the hash of its key columns, so all rows of a key meet in one shard.
 * Runs on the reactor of the head copy (the producer); each reactor runs one copy and one router.
 *
 * <p>The router works an event at a time: the head copy's reactor calls {@link #beginEvent} with the
 * event's sequence number (given by the dealer in source order), pushes the event's rows, watermark or
 * end of input through the head, then calls {@link #endEvent}, which hands every shard exactly one final
 * batch for the event (with no rows if none went there), carrying the sequence number, the watermark
 * and the end of input. A shard's {@link ShardInbox} takes events in sequence order from all routers, so
 * each shard sees its rows, watermarks and end in exactly the order one reactor would have: per-key
 * order and lateness do not depend on how the threads interleave. Rows of an event that overflow a
 * batch go in earlier batches marked {@link ColumnarBatch#moreOfEvent}.
 *
 * <p>Every shard, the local one included, is fed through its own {@link ExchangeQueue} (one per
 * router→shard pair), so a shard that is behind makes the router wait (backpressure, nothing dropped);
 * the time it waits is counted per shard. Rows are sorted by shard into index lists, then each shard's
 * rows are gathered a column at a time. Allocates nothing per row or batch.
 */
public final class KeyRouter implements Operator, EventSink {
  private static final byte LONG = 0;
  private static final byte DOUBLE = 1;
  private static final byte OBJECT = 2;
  private static final byte BYTES = 3;
  private static final long NULL_HASH = 0x9E3779B97F4A7C15L;

  private final int[] keyColumns;
  private final byte[] storage;
  private final Lane[] lanes;
  /** Per shard, the input rows going to it (reused across batches). */
  private final int[][] rowsOf;
  private final int[] rowCounts;
  private long sequence = -1;
  private long pendingWatermark = ColumnarBatch.NO_TIME;
  private boolean pendingEnd;
  private long pendingBarrier = -1;
  /** The highest watermark of the rows routed in the current event (to any shard). */
  private long eventRowWatermark = ColumnarBatch.NO_TIME;

  /**
   * @param schema the schema of the rows routed
   * @param keyColumns the columns whose values decide the shard (all rows of a key must agree on them)
   * @param lanes one per shard, indexed by shard
   */
  public KeyRouter(Schema schema, int[] keyColumns, Lane[] lanes) {
    if (lanes.length == 0) {
      throw new IllegalArgumentException("a key router needs at least one shard");
    }
    if (lanes.length == 1 && keyColumns.length > 0) {
      throw new IllegalArgumentException("a key router to one shard (a global stage) routes by no key, not " + keyColumns.length);
    }
    if (lanes.length > 1 && keyColumns.length == 0) {
      throw new IllegalArgumentException("a key router to " + lanes.length + " shards needs at least one key column");
    }
    this.keyColumns = keyColumns.clone();
    this.storage = new byte[keyColumns.length];
    for (int i = 0; i < keyColumns.length; i++) {
      DataType t = schema.column(keyColumns[i]).type();
      storage[i] = t.isLongBacked() ? LONG : t.kind() == TypeKind.DOUBLE ? DOUBLE : t.kind() == TypeKind.BYTES ? BYTES : OBJECT;
    }
    this.lanes = lanes.clone();
    this.rowsOf = new int[lanes.length][0];
    this.rowCounts = new int[lanes.length];
  }

  /** Murmur3's 64-bit finaliser: every input bit affects every output bit, so sequential ids spread. */
  public static long mix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** The shard, in [0, shards), of a key whose hash is {@code hash}: the mixed hash's top bits scaled by Lemire's multiply-shift (no division). */
  public static int shardOf(long hash, int shards) {
    return (int) (((mix64(hash) >>> 32) * shards) >>> 32);
  }

  /** The hash of row {@code row}'s key: equal keys (as the aggregates compare them) hash equal. */
  public long hash(ColumnarBatch batch, int row) {
    long h = 0;
    final int[] cols = keyColumns;
    for (int i = 0; i < cols.length; i++) {
      int c = cols[i];
      long v;
      if (batch.isNull(row, c)) {
        v = NULL_HASH;
      } else {
        v = switch (storage[i]) {
          case LONG -> batch.getLong(row, c);
          case DOUBLE -> Double.doubleToLongBits(batch.getDouble(row, c) + 0.0); // -0.0 and 0.0 are one key
          case BYTES -> java.util.Arrays.hashCode((byte[]) batch.getObjectSlot(row, c));
          default -> batch.getObjectSlot(row, c).hashCode();
        };
      }
      h = 31 * h + v;
    }
    return h;
  }

  @Override
  public void beginEvent(long sequence) {
    this.sequence = sequence;
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    final Lane[] ls = lanes;
    final int shards = ls.length;
    final int[] counts = rowCounts;
    if (rowsOf[0].length < n) {
      for (int k = 0; k < shards; k++) {
        rowsOf[k] = new int[in.capacity()]; // once per larger input batch size, not per batch
      }
    }
    final int[][] rows = rowsOf;
    long high = eventRowWatermark;
    for (int r = 0; r < n; r++) {
      final int k = shardOf(hash(in, r), shards);
      rows[k][counts[k]++] = r;
      high = Math.max(high, in.watermark(r));
    }
    eventRowWatermark = high;
    final long seq = sequence;
    for (int k = 0; k < shards; k++) {
      ls[k].append(in, rows[k], counts[k], seq);
      counts[k] = 0;
    }
  }

  @Override
  public void onWatermark(long watermark) {
    pendingWatermark = Math.max(pendingWatermark, watermark);
  }

  @Override
  public void onEndOfInput() {
    pendingEnd = true;
  }

  /** The current event is checkpoint barrier {@code id}: every shard's final batch of it carries the marker. */
  @Override
  public void onBarrier(long id) {
    pendingBarrier = id;
  }

  /** Hands every shard the final batch of the current event (see the class comment). */
  @Override
  public void endEvent() {
    final Lane[] ls = lanes;
    for (int k = 0; k < ls.length; k++) {
      ls[k].finish(sequence, pendingWatermark, eventRowWatermark, pendingEnd, pendingBarrier);
    }
    pendingWatermark = ColumnarBatch.NO_TIME;
    eventRowWatermark = ColumnarBatch.NO_TIME;
    pendingEnd = false;
    pendingBarrier = -1;
  }

  /** Rows routed to shard {@code shard} so far. */
  public long rowsRouted(int shard) {
    return lanes[shard].rows.get();
  }

  /** Nanoseconds this router waited for shard {@code shard} (no free batch or its queue full). */
  public long blockedNanos(int shard) {
    return lanes[shard].exchange.blockedNanos();
  }

  /** Batches waiting in shard {@code shard}'s queue from this router. */
  public int depth(int shard) {
    return lanes[shard].exchange.depth();
  }

  /** One shard's way in from this router: rows collect in a batch handed over when full or at the end of the event. */
  public static final class Lane {
    final Counter rows = new Counter();
    final ExchangeQueue exchange;
    /** The batch being filled, or null. */
    private ColumnarBatch current;

    /** @param exchange the queue to the shard's {@link ShardInbox} */
    public Lane(ExchangeQueue exchange) {
      this.exchange = exchange;
    }

    /** Appends rows {@code rowIndexes[0 .. count)} of {@code in}, handing over each batch that fills up. */
    void append(ColumnarBatch in, int[] rowIndexes, int count, long sequence) {
      int done = 0;
      while (done < count) {
        ColumnarBatch b = current;
        if (b == null) {
          b = current = exchange.acquire();
          if (b == null) {
            return; // the shard is gone (its pipeline is being dropped): nothing waits for the rows
          }
        }
        int take = Math.min(count - done, b.capacity() - b.size());
        b.appendRows(in, rowIndexes, done, take);
        done += take;
        if (b.size() == b.capacity()) {
          current = null;
          b.setSequence(sequence);
          b.setMoreOfEvent(true);
          exchange.send(b);
        }
      }
      rows.add(count);
    }

    void finish(long sequence, long watermark, long rowWatermark, boolean end, long barrier) {
      ColumnarBatch b = current != null ? current : exchange.acquire();
      current = null;
      if (b == null) {
        return;
      }
      b.setSequence(sequence);
      b.setMoreOfEvent(false);
      b.setBatchWatermark(watermark);
      b.setEventRowWatermark(rowWatermark);
      if (end) {
        b.markEndOfInput();
      }
      if (barrier >= 0) {
        b.markBarrier(barrier);
      }
      exchange.send(b);
    }
  }
}
