package dev.laminar.runtime;

import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.util.function.BooleanSupplier;
import org.jctools.queues.SpscArrayQueue;

/**
 * The exchange in front of a keyed operator that runs as N shards, one per reactor: every row goes to
 * shard {@link #shardOf(long, int)} of the hash of its key columns, so all rows of a key meet in one
 * shard, in the order they arrived. Runs on the reactor of the chain before it (the producer).
 *
 * <p>A shard on another reactor gets batches through its own SPSC queue (one queue per
 * producer→reactor pair), drawn from a pool the shard's reactor releases into; the shard's side is a
 * {@link SourceInput} of one split, so it handles rows, watermarks and the end of input exactly as a
 * source split's batches. When a shard is behind, no batch is free and this thread waits (backpressure,
 * nothing dropped); the time it waits is counted per shard ({@link #blockedNanos(int)}). The shard on
 * the router's own reactor is called directly: a queue to oneself would deadlock once full.
 *
 * <p>Watermarks travel in band: a routed batch carries the watermark after its last row, and a
 * watermark advance with no rows is sent to every shard as a row-less batch. Every input batch is
 * flushed before {@link #process} returns, so once the router's reactor has drained its inputs, every
 * row is in a shard's queue (checkpoint barriers rely on this). Rows are sorted by shard into index
 * lists, then each shard's rows are gathered a column at a time. Allocates nothing per row or batch.
 */
public final class KeyRouter implements Operator {
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
  private long watermarkSent = ColumnarBatch.NO_TIME;
  private boolean ended;

  /**
   * @param schema the schema of the rows routed
   * @param keyColumns the columns whose values decide the shard (all rows of a key must agree on them)
   * @param lanes one per shard, indexed by shard
   */
  public KeyRouter(Schema schema, int[] keyColumns, Lane[] lanes) {
    if (keyColumns.length == 0) {
      throw new IllegalArgumentException("a key router needs at least one key column");
    }
    if (lanes.length < 2) {
      throw new IllegalArgumentException("a key router needs at least two shards, was " + lanes.length);
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
    for (int r = 0; r < n; r++) {
      final int k = shardOf(hash(in, r), shards);
      rows[k][counts[k]++] = r;
    }
    for (int k = 0; k < shards; k++) {
      ls[k].append(in, rows[k], counts[k]);
      counts[k] = 0;
      ls[k].flush();
    }
  }

  @Override
  public void onWatermark(long watermark) {
    if (watermark <= watermarkSent) {
      return;
    }
    watermarkSent = watermark;
    for (Lane l : lanes) {
      l.watermark(watermark);
    }
  }

  @Override
  public void onEndOfInput() {
    if (ended) {
      return;
    }
    ended = true;
    for (Lane l : lanes) {
      l.end();
    }
  }

  /** Rows routed to shard {@code shard} so far. */
  public long rowsRouted(int shard) {
    return lanes[shard].rows.get();
  }

  /** Nanoseconds this router waited for shard {@code shard} (its queue full or no free batch). */
  public long blockedNanos(int shard) {
    return lanes[shard].blockedNanos.get();
  }

  /** Batches waiting in shard {@code shard}'s queue (0 for the local shard). */
  public int depth(int shard) {
    return lanes[shard].depth();
  }

  /** One shard's way in: rows collect in a batch that is handed over at the end of each input batch. */
  public abstract static class Lane {
    final Counter rows = new Counter();
    final Counter blockedNanos = new Counter();
    /** The batch being filled, or null. */
    ColumnarBatch current;

    abstract ColumnarBatch acquire();

    abstract void send(ColumnarBatch batch);

    int depth() {
      return 0;
    }

    /** Appends rows {@code rowIndexes[0 .. count)} of {@code in}, handing over each batch that fills up. */
    final void append(ColumnarBatch in, int[] rowIndexes, int count) {
      int done = 0;
      while (done < count) {
        ColumnarBatch b = current;
        if (b == null) {
          b = current = acquire();
          if (b == null) {
            return; // the shard is gone (its pipeline is being dropped): nothing waits for the rows
          }
        }
        int take = Math.min(count - done, b.capacity() - b.size());
        b.appendRows(in, rowIndexes, done, take);
        done += take;
        if (b.size() == b.capacity()) {
          flush();
        }
      }
      rows.add(count);
    }

    final void flush() {
      ColumnarBatch b = current;
      if (b != null && b.size() > 0) {
        b.setBatchWatermark(b.watermark(b.size() - 1)); // rows carry the watermark after them
        current = null;
        send(b);
      }
    }

    final void watermark(long wm) {
      flush();
      ColumnarBatch b = current != null ? current : acquire();
      current = null;
      if (b != null) {
        b.setBatchWatermark(wm);
        send(b);
      }
    }

    final void end() {
      flush();
      ColumnarBatch b = current != null ? current : acquire();
      current = null;
      if (b != null) {
        b.markEndOfInput();
        send(b);
      }
    }
  }

  /** The shard on the router's own reactor: each batch is delivered at once, then reused. */
  public static final class LocalLane extends Lane {
    private final SourceInput input;
    private final ColumnarBatch scratch;

    public LocalLane(SourceInput input, Schema schema, int batchCapacity) {
      this.input = input;
      this.scratch = new ColumnarBatch(schema, batchCapacity);
    }

    @Override
    ColumnarBatch acquire() {
      scratch.clear();
      return scratch;
    }

    @Override
    void send(ColumnarBatch batch) {
      try {
        input.deliver(batch, 0);
      } finally {
        batch.clear();
      }
    }
  }

  /** A shard on another reactor: batches from a pool the shard releases into, through an SPSC queue it polls. */
  public static final class RemoteLane extends Lane {
    private final BatchPool pool;
    private final SpscArrayQueue<ColumnarBatch> queue;
    private final BooleanSupplier open;
    private final IdleStrategy idle = IdleStrategy.standard();

    /**
     * @param queue the shard reactor's channel queue (its capacity must exceed {@code batches})
     * @param open false once the shard stopped for good: the router then stops waiting and drops nothing
     *     that anyone still expects
     */
    public RemoteLane(Schema schema, int batches, int batchCapacity, SpscArrayQueue<ColumnarBatch> queue, BooleanSupplier open) {
      this.pool = new BatchPool(schema, batches, batchCapacity);
      this.queue = queue;
      this.open = open;
    }

    @Override
    int depth() {
      return queue.size();
    }

    @Override
    ColumnarBatch acquire() {
      ColumnarBatch b = pool.tryAcquire();
      if (b == null) {
        long start = System.nanoTime();
        b = pool.acquire(idle, open);
        blockedNanos.add(System.nanoTime() - start);
      }
      return b;
    }

    @Override
    void send(ColumnarBatch batch) {
      if (queue.offer(batch)) {
        return;
      }
      // the queue holds more slots than the pool has batches, so this is only reached transiently
      long start = System.nanoTime();
      int idles = 0;
      while (!queue.offer(batch)) {
        if (!open.getAsBoolean()) {
          BatchPool.release(batch);
          break;
        }
        idle.idle(idles++);
      }
      blockedNanos.add(System.nanoTime() - start);
    }
  }
}
