package dev.laminar.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jctools.queues.SpscArrayQueue;
import org.junit.jupiter.api.Test;

/** Rows reach the shard of their key, in order per key, with watermarks and the end in band; a full shard stops the router. */
class KeyRouterTest {
  private static final Schema SCHEMA = Schema.builder().column("k", DataType.VARCHAR, false).column("v", DataType.BIGINT, false).build();

  /** Records what a shard's chain receives. */
  static final class Recorder implements Operator {
    final List<String> rows = new ArrayList<>();
    final List<Long> watermarks = new ArrayList<>();
    boolean ended;

    @Override
    public void process(ColumnarBatch batch) {
      for (int r = 0; r < batch.size(); r++) {
        rows.add(batch.getString(r, 0) + "=" + batch.getLong(r, 1));
      }
    }

    @Override
    public void onWatermark(long watermark) {
      watermarks.add(watermark);
    }

    @Override
    public void onEndOfInput() {
      ended = true;
    }
  }

  private static ColumnarBatch batch(int from, int to) {
    ColumnarBatch b = new ColumnarBatch(SCHEMA, 1024);
    for (int i = from; i < to; i++) {
      b.beginRow();
      b.setString(0, "key-" + (i % 37));
      b.setLong(1, i);
      b.setRowtime(b.size(), i);
      b.setWatermark(b.size(), i - 10);
      b.endRow();
    }
    return b;
  }

  /** Delivers whatever the remote lane queued, as the shard's reactor would. */
  private static void drain(SpscArrayQueue<ColumnarBatch> queue, SourceInput input) {
    ColumnarBatch b;
    while ((b = queue.relaxedPoll()) != null) {
      input.deliver(b, 0);
      BatchPool.release(b);
    }
  }

  @Test
  void everyRowReachesTheShardOfItsKeyInOrderWithWatermarksAndTheEnd() {
    Recorder local = new Recorder();
    Recorder remote = new Recorder();
    StreamNode localNode = new StreamNode("s0", SCHEMA);
    localNode.attach(local, "t");
    StreamNode remoteNode = new StreamNode("s1", SCHEMA);
    remoteNode.attach(remote, "t");
    SourceInput remoteInput = new SourceInput(remoteNode, 1);
    SpscArrayQueue<ColumnarBatch> queue = new SpscArrayQueue<>(5);
    KeyRouter router = new KeyRouter(SCHEMA, new int[] {0}, new KeyRouter.Lane[] {
        new KeyRouter.LocalLane(new SourceInput(localNode, 1), SCHEMA, 16),
        new KeyRouter.RemoteLane(SCHEMA, 4, 256, queue, () -> true)}); // room for a batch of rows and a watermark per round

    for (int start = 0; start < 1000; start += 100) {
      router.process(batch(start, start + 100));
      router.onWatermark(start + 100 - 10);
      drain(queue, remoteInput);
    }
    router.onEndOfInput();
    drain(queue, remoteInput);

    assertThat(local.rows.size() + remote.rows.size()).isEqualTo(1000);
    assertThat(router.rowsRouted(0) + router.rowsRouted(1)).isEqualTo(1000);
    // each key in exactly one shard, the one its hash names, with its rows in arrival order
    Map<String, List<Long>> byKeyLocal = byKey(local.rows);
    Map<String, List<Long>> byKeyRemote = byKey(remote.rows);
    assertThat(byKeyLocal.keySet()).doesNotContainAnyElementsOf(byKeyRemote.keySet());
    assertThat(byKeyLocal).isNotEmpty();
    assertThat(byKeyRemote).isNotEmpty();
    for (Map.Entry<String, List<Long>> e : byKeyLocal.entrySet()) {
      assertThat(KeyRouter.shardOf(e.getKey().hashCode(), 2)).as(e.getKey()).isZero();
      assertThat(e.getValue()).isSorted();
    }
    for (Map.Entry<String, List<Long>> e : byKeyRemote.entrySet()) {
      assertThat(KeyRouter.shardOf(e.getKey().hashCode(), 2)).as(e.getKey()).isOne();
      assertThat(e.getValue()).isSorted();
    }
    // both shards saw every watermark the router was given (monotonic), then +inf and the end
    assertThat(local.watermarks).isSorted().contains(990L, Long.MAX_VALUE);
    assertThat(remote.watermarks).isSorted().contains(990L, Long.MAX_VALUE);
    assertThat(local.ended).isTrue();
    assertThat(remote.ended).isTrue();
  }

  private static Map<String, List<Long>> byKey(List<String> rows) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (String row : rows) {
      String[] kv = row.split("=");
      out.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(Long.parseLong(kv[1]));
    }
    return out;
  }

  @Test
  void aFullShardStopsTheRouterWithoutDroppingRows() throws Exception {
    StreamNode remoteNode = new StreamNode("s1", SCHEMA);
    Recorder remote = new Recorder();
    remoteNode.attach(remote, "t");
    SourceInput remoteInput = new SourceInput(remoteNode, 1);
    SpscArrayQueue<ColumnarBatch> queue = new SpscArrayQueue<>(3);
    Recorder local = new Recorder();
    StreamNode localNode = new StreamNode("s0", SCHEMA);
    localNode.attach(local, "t");
    KeyRouter router = new KeyRouter(SCHEMA, new int[] {0}, new KeyRouter.Lane[] {
        new KeyRouter.LocalLane(new SourceInput(localNode, 1), SCHEMA, 8),
        new KeyRouter.RemoteLane(SCHEMA, 2, 8, queue, () -> true)});
    AtomicBoolean routed = new AtomicBoolean();
    Thread producer = new Thread(() -> {
      router.process(batch(0, 1000)); // far more rows for shard 1 than 2 batches of 8 hold
      routed.set(true);
    });
    producer.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (queue.size() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(queue.size()).isEqualTo(2); // both batches of the pool are queued: the router cannot go on
    assertThat(routed).isFalse();
    while (!routed.get() || !queue.isEmpty()) {
      drain(queue, remoteInput);
      assertThat(System.nanoTime()).isLessThan(deadline);
    }
    producer.join();
    assertThat(local.rows.size() + remote.rows.size()).isEqualTo(1000);
    assertThat(router.blockedNanos(1)).isPositive();
  }

  @Test
  void equalKeysHashEqualAcrossStorageKinds() {
    Schema schema = Schema.builder().column("d", DataType.DOUBLE, true).column("b", DataType.BYTES, true).build();
    KeyRouter router = new KeyRouter(schema, new int[] {0, 1}, new KeyRouter.Lane[] {
        new KeyRouter.LocalLane(new SourceInput(new StreamNode("a", schema), 1), schema, 4),
        new KeyRouter.LocalLane(new SourceInput(new StreamNode("b", schema), 1), schema, 4)});
    ColumnarBatch b = new ColumnarBatch(schema, 4);
    b.beginRow();
    b.setDouble(0, 0.0);
    b.setBytes(1, new byte[] {1, 2});
    b.endRow();
    b.beginRow();
    b.setDouble(0, -0.0);
    b.setBytes(1, new byte[] {1, 2});
    b.endRow();
    b.beginRow();
    b.setNull(0);
    b.setNull(1);
    b.endRow();
    assertThat(router.hash(b, 0)).isEqualTo(router.hash(b, 1));
    assertThat(router.hash(b, 2)).isNotEqualTo(router.hash(b, 0));
  }

  @Test
  void routedRowsKeepEveryCellNullsRowKindsAndTimes() {
    Schema schema = Schema.builder().column("k", DataType.BIGINT, false).column("d", DataType.DOUBLE, true)
        .column("s", DataType.VARCHAR, true).build();
    List<String> received = new ArrayList<>();
    Operator recorder = new Operator() {
      @Override
      public void process(ColumnarBatch batch) {
        for (int r = 0; r < batch.size(); r++) {
          received.add(batch.getLong(r, 0) + "|" + (batch.isNull(r, 1) ? "null" : batch.getDouble(r, 1)) + "|"
              + (batch.isNull(r, 2) ? "null" : batch.getString(r, 2)) + "|" + batch.rowKind(r) + "|" + batch.rowtime(r) + "|" + batch.watermark(r));
        }
      }

      @Override
      public void onWatermark(long watermark) {}

      @Override
      public void onEndOfInput() {}
    };
    StreamNode a = new StreamNode("a", schema);
    a.attach(recorder, "t");
    StreamNode b = new StreamNode("b", schema);
    b.attach(recorder, "t");
    KeyRouter router = new KeyRouter(schema, new int[] {0}, new KeyRouter.Lane[] {
        new KeyRouter.LocalLane(new SourceInput(a, 1), schema, 3), // smaller than the input: the gather goes in pieces
        new KeyRouter.LocalLane(new SourceInput(b, 1), schema, 3)});
    ColumnarBatch in = new ColumnarBatch(schema, 16);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      in.beginRow();
      in.setRowKind(i % 3 == 0 ? dev.laminar.sdk.row.RowKind.UPDATE_AFTER : dev.laminar.sdk.row.RowKind.INSERT);
      in.setLong(0, i);
      if (i % 4 == 0) {
        in.setNull(1);
        in.setNull(2);
      } else {
        in.setDouble(1, i * 1.5);
        in.setString(2, "s" + i);
      }
      in.setRowtime(i, 1000 + i);
      in.setWatermark(i, 900 + i);
      in.endRow();
      expected.add(i + "|" + (i % 4 == 0 ? "null" : Double.toString(i * 1.5)) + "|" + (i % 4 == 0 ? "null" : "s" + i) + "|"
          + (i % 3 == 0 ? dev.laminar.sdk.row.RowKind.UPDATE_AFTER : dev.laminar.sdk.row.RowKind.INSERT) + "|" + (1000 + i) + "|" + (900 + i));
    }
    router.process(in);
    assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(router.rowsRouted(0)).isPositive();
    assertThat(router.rowsRouted(1)).isPositive();
  }

  @Test
  void shardOfSpreadsSequentialIdsEvenly() {
    int[] load = new int[4];
    for (long k = 0; k < 100_000; k++) {
      load[KeyRouter.shardOf(k, 4)]++;
    }
    for (int l : load) {
      assertThat(l).isBetween(24_000, 26_000);
    }
  }

  @Test
  void refusesFewerThanTwoShardsOrNoKey() {
    KeyRouter.Lane lane = new KeyRouter.LocalLane(new SourceInput(new StreamNode("a", SCHEMA), 1), SCHEMA, 4);
    assertThatThrownBy(() -> new KeyRouter(SCHEMA, new int[] {0}, new KeyRouter.Lane[] {lane}))
        .hasMessageContaining("at least two shards");
    assertThatThrownBy(() -> new KeyRouter(SCHEMA, new int[0], new KeyRouter.Lane[] {lane, lane}))
        .hasMessageContaining("at least one key column");
  }
}
