package dev.laminar.bench;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.ExchangeQueue;
import dev.laminar.runtime.KeyRouter;
import dev.laminar.runtime.ShardInbox;
import dev.laminar.runtime.SourceInput;
import dev.laminar.runtime.StreamNode;
import dev.laminar.runtime.aggregate.GroupKey;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.jctools.queues.SpscArrayQueue;

/**
 * Routing a group key to a shard (reactor) index, as the N-reactor runtime's {@link KeyRouter} does for
 * every row of a batch before handing it over ({@code routeBatch}: the whole router, copy and hand-off
 * included): the function is {@link KeyRouter#shardOf(long, int)} — the key's
 * 64-bit hash through the Murmur3 finaliser (so sequential ids and low-entropy hashes spread), then
 * Lemire's multiply-shift range reduction (no division, any shard count). A numeric key hashes its
 * value; a string key its {@link String#hashCode()} (cached on the String after the first call), which
 * is also the hash {@link GroupKey} already computes for the aggregate's own lookup, so the router and
 * the shard's state table can share it.
 *
 * <p>Variants, per row of a {@value #BATCH}-row batch, writing the shard of each row into an int[]:
 * {@code numericColumn} (BIGINT auction id), {@code stringColumn} (VARCHAR names, hash cached),
 * {@code stringUncached} (the same names hashed over their characters, the cost when every row brings
 * a freshly decoded String), {@code groupKeyNumeric}/{@code groupKeyString} (through the engine's
 * {@link GroupKey} probe, what a router that reuses the aggregate's key would pay), and {@code moduloBaseline}
 * ({@code Math.floorMod(Long.hashCode(k), shards)}, the naive function, for comparison).
 * The set-up checks the spread over the shards of 1 M sequential ids and prints the max/min shard load.
 *
 * <p>Run: {@code java -jar bench/target/laminar-bench.jar KeyRouting -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class KeyRoutingBenchmark {
  static final int BATCH = 1024;

  @Param({"2", "16"})
  public int shards;

  private ColumnarBatch batch;
  private String[] names;
  private final int[] shardOfRow = new int[BATCH];
  private GroupKey numericProbe;
  private GroupKey stringProbe;
  private final boolean[] longBacked = {true};
  private final boolean[] objectBacked = {false};

  /** Murmur3's 64-bit finaliser (the engine's, {@link KeyRouter#mix64}). */
  static long mix64(long h) {
    return KeyRouter.mix64(h);
  }

  /** The engine's router function: the shard of a key whose hash is {@code hash}, in [0, shards). */
  static int shardOf(long hash, int shards) {
    return KeyRouter.shardOf(hash, shards);
  }

  private KeyRouter router;
  private ShardInbox[] inboxes;
  private long sequence;

  /** The engine's {@link KeyRouter}: every shard behind its exchange queue and {@link ShardInbox}, drained here as their reactors would. */
  @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
  private void setUpRouter(Schema schema) {
    KeyRouter.Lane[] lanes = new KeyRouter.Lane[shards];
    inboxes = new ShardInbox[shards];
    for (int k = 0; k < shards; k++) {
      ExchangeQueue exchange = new ExchangeQueue(schema, 4, BATCH, () -> true, () -> 0);
      lanes[k] = new KeyRouter.Lane(exchange);
      inboxes[k] = new ShardInbox(new SpscArrayQueue[] {exchange.queue()}, new SourceInput(new StreamNode("shard-" + k, schema), 1),
          barrier -> { }); // no checkpoints in this benchmark
    }
    router = new KeyRouter(schema, new int[] {0}, lanes);
  }

  /**
   * A whole batch through the engine's {@link KeyRouter} on a BIGINT key, as one event: hash, shard, copy
   * each row into its shard's batch, hand every shard its batch through its SPSC queue, and the receiving
   * side's in-order take, delivery and release, all on this thread.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public KeyRouter routeBatch() {
    router.beginEvent(sequence++);
    router.process(batch);
    router.endEvent();
    for (int k = 0; k < shards; k++) {
      while (inboxes[k].drain() > 0) {
        // what the shard's reactor would take
      }
    }
    return router;
  }

  @Setup
  public void setUp() {
    Schema schema = Schema.builder().column("auction", DataType.BIGINT, false).column("name", DataType.VARCHAR, false).build();
    NexmarkWorkload bids = new NexmarkWorkload(BATCH);
    batch = new ColumnarBatch(schema, BATCH);
    names = new String[BATCH];
    for (int r = 0; r < BATCH; r++) {
      names[r] = "auction-" + bids.auction[r];
      batch.beginRow();
      batch.setLong(0, bids.auction[r]);
      batch.setString(1, names[r]);
      batch.endRow();
    }
    setUpRouter(schema);
    numericProbe = new GroupKey(new int[] {0}, new DataType[] {DataType.BIGINT});
    stringProbe = new GroupKey(new int[] {1}, new DataType[] {DataType.VARCHAR});
    int[] load = new int[shards];
    for (long k = 0; k < 1_000_000; k++) {
      load[shardOf(k, shards)]++;
    }
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int l : load) {
      min = Math.min(min, l);
      max = Math.max(max, l);
    }
    System.err.printf("KeyRouting: 1M sequential ids over %d shards: max/min load %.4f%n", shards, (double) max / min);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int[] numericColumn() {
    final ColumnarBatch b = batch;
    final int[] out = shardOfRow;
    final int n = shards;
    for (int r = 0; r < BATCH; r++) {
      out[r] = shardOf(b.getLong(r, 0), n);
    }
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int[] moduloBaseline() {
    final ColumnarBatch b = batch;
    final int[] out = shardOfRow;
    final int n = shards;
    for (int r = 0; r < BATCH; r++) {
      out[r] = Math.floorMod(Long.hashCode(b.getLong(r, 0)), n);
    }
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int[] stringColumn() {
    final ColumnarBatch b = batch;
    final int[] out = shardOfRow;
    final int n = shards;
    for (int r = 0; r < BATCH; r++) {
      out[r] = shardOf(b.getObjectSlot(r, 1).hashCode(), n);
    }
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int[] stringUncached() {
    final String[] s = names;
    final int[] out = shardOfRow;
    final int n = shards;
    for (int r = 0; r < BATCH; r++) {
      String name = s[r];
      int h = 0;
      for (int i = 0; i < name.length(); i++) {
        h = 31 * h + name.charAt(i);
      }
      out[r] = shardOf(h, n);
    }
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int[] groupKeyNumeric() {
    final ColumnarBatch b = batch;
    final int[] out = shardOfRow;
    final int n = shards;
    for (int r = 0; r < BATCH; r++) {
      out[r] = shardOf(numericProbe.load(b, r, longBacked).hashCode(), n);
    }
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int[] groupKeyString() {
    final ColumnarBatch b = batch;
    final int[] out = shardOfRow;
    final int n = shards;
    for (int r = 0; r < BATCH; r++) {
      out[r] = shardOf(stringProbe.load(b, r, objectBacked).hashCode(), n);
    }
    return out;
  }
}
