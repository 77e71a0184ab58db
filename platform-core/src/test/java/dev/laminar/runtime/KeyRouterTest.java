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

/** Rows reach the shard of their key, in the dealt event order, with watermarks and the end in band; a full shard stops the router. */
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

  /** An exchange between a router and a shard in one thread (the test plays both reactors). */
  private static ExchangeQueue exchange(Schema schema, int batches, int capacity) {
    return new ExchangeQueue(schema, batches, capacity, () -> true, () -> 0);
  }

  /** Routers [producer] feeding shard inboxes [shard] through exchanges[producer][shard]. */
  private record Mesh(KeyRouter[] routers, ShardInbox[] inboxes, ExchangeQueue[][] exchanges) {
    static Mesh of(Schema schema, int[] keys, int batches, int capacity, Operator... shards) {
      return of(schema, keys, batches, capacity, (shard, id) -> { }, shards);
    }

    /** {@code barriers} hears (shard, barrier id) when a shard takes a barrier event. */
    static Mesh of(Schema schema, int[] keys, int batches, int capacity, java.util.function.ObjLongConsumer<Integer> barriers,
        Operator... shards) {
      int n = shards.length;
      ExchangeQueue[][] ex = new ExchangeQueue[n][n];
      KeyRouter[] routers = new KeyRouter[n];
      for (int p = 0; p < n; p++) {
        KeyRouter.Lane[] lanes = new KeyRouter.Lane[n];
        for (int k = 0; k < n; k++) {
          ex[p][k] = exchange(schema, batches, capacity);
          lanes[k] = new KeyRouter.Lane(ex[p][k]);
        }
        routers[p] = new KeyRouter(schema, keys, lanes);
      }
      ShardInbox[] inboxes = new ShardInbox[n];
      for (int k = 0; k < n; k++) {
        StreamNode node = new StreamNode("shard" + k, schema);
        node.attach(shards[k], "t");
        @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
        SpscArrayQueue<ColumnarBatch>[] from = new SpscArrayQueue[n];
        for (int p = 0; p < n; p++) {
          from[p] = ex[p][k].queue();
        }
        final int shard = k;
        inboxes[k] = new ShardInbox(from, new SourceInput(node, 1), id -> barriers.accept(shard, id));
      }
      return new Mesh(routers, inboxes, ex);
    }

    void drainAll() {
      for (ShardInbox i : inboxes) {
        while (i.drain() > 0) {
          // until nothing is ready
        }
      }
    }
  }

  @Test
  void aBarrierReachesEachShardAfterEveryEventBeforeItAndBeforeAnyAfterIt() {
    Recorder local = new Recorder();
    Recorder remote = new Recorder();
    Recorder[] shards = {local, remote};
    List<String> taken = new ArrayList<>();
    Mesh mesh = Mesh.of(SCHEMA, new int[] {0}, 8, 1024, (k, id) -> taken.add("shard " + k + " took barrier " + id + " after "
        + shards[k].rows.size() + " rows"), local, remote);
    KeyRouter[] routers = mesh.routers();
    routers[0].beginEvent(0);
    routers[0].process(batch(0, 100));
    routers[0].endEvent();
    routers[1].beginEvent(1);
    routers[1].process(batch(100, 200));
    routers[1].endEvent();
    routers[0].beginEvent(3); // after the barrier, routed before it: the shards must keep it back
    routers[0].process(batch(300, 400));
    routers[0].endEvent();
    mesh.drainAll();
    assertThat(taken).isEmpty();
    assertThat(local.rows.size() + remote.rows.size()).isEqualTo(200);

    routers[1].beginEvent(2);
    routers[1].onBarrier(9);
    routers[1].endEvent();
    mesh.drainAll();

    int[] before = new int[2];
    for (int i = 0; i < 200; i++) {
      before[KeyRouter.shardOf(("key-" + (i % 37)).hashCode(), 2)]++;
    }
    assertThat(before[0]).isPositive();
    assertThat(before[1]).isPositive();
    assertThat(taken).containsExactly("shard 0 took barrier 9 after " + before[0] + " rows",
        "shard 1 took barrier 9 after " + before[1] + " rows");
    assertThat(local.rows.size() + remote.rows.size()).isEqualTo(300);
  }

  @Test
  void everyRowReachesTheShardOfItsKeyInOrderWithWatermarksAndTheEnd() {
    Recorder local = new Recorder();
    Recorder remote = new Recorder();
    Mesh mesh = Mesh.of(SCHEMA, new int[] {0}, 4, 256, local, remote);
    long seq = 0;
    for (int start = 0; start < 1000; start += 100) {
      KeyRouter router = mesh.routers()[(start / 100) % 2]; // events dealt round-robin to the two routers
      router.beginEvent(seq++);
      router.process(batch(start, start + 100));
      router.endEvent();
      router.beginEvent(seq++);
      router.onWatermark(start + 100 - 10);
      router.endEvent();
      mesh.drainAll();
    }
    mesh.routers()[1].beginEvent(seq);
    mesh.routers()[1].onEndOfInput();
    mesh.routers()[1].endEvent();
    mesh.drainAll();

    assertThat(local.rows.size() + remote.rows.size()).isEqualTo(1000);
    long routed = 0;
    for (KeyRouter r : mesh.routers()) {
      routed += r.rowsRouted(0) + r.rowsRouted(1);
    }
    assertThat(routed).isEqualTo(1000);
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
    // both shards saw every watermark, in order, then +inf and the end
    List<Long> expected = new ArrayList<>();
    for (int start = 0; start < 1000; start += 100) {
      expected.add((long) start + 90);
    }
    expected.add(Long.MAX_VALUE);
    assertThat(local.watermarks).containsExactlyElementsOf(expected);
    assertThat(remote.watermarks).containsExactlyElementsOf(expected);
    assertThat(local.ended).isTrue();
    assertThat(remote.ended).isTrue();
  }

  @Test
  void aShardTakesEventsInSequenceOrderWhateverRouterFinishesFirst() {
    Recorder shard0 = new Recorder();
    Recorder shard1 = new Recorder();
    Mesh mesh = Mesh.of(SCHEMA, new int[] {0}, 8, 1024, shard0, shard1);
    // router 1 finishes events 1 and 3 before router 0 has even started event 0
    KeyRouter r0 = mesh.routers()[0];
    KeyRouter r1 = mesh.routers()[1];
    r1.beginEvent(1);
    r1.process(batch(100, 200));
    r1.endEvent();
    r1.beginEvent(3);
    r1.process(batch(300, 400));
    r1.endEvent();
    mesh.drainAll();
    assertThat(shard0.rows).isEmpty(); // event 0 is missing: nothing may pass it
    assertThat(shard1.rows).isEmpty();
    r0.beginEvent(0);
    r0.process(batch(0, 100));
    r0.endEvent();
    mesh.drainAll();
    assertThat(shard0.rows.size() + shard1.rows.size()).isEqualTo(200); // events 0 and 1; 3 waits for 2
    r0.beginEvent(2);
    r0.process(batch(200, 300));
    r0.endEvent();
    mesh.drainAll();
    List<Long> all = new ArrayList<>();
    for (List<Long> values : byKey(shard0.rows).values()) {
      assertThat(values).isSorted();
      all.addAll(values);
    }
    for (List<Long> values : byKey(shard1.rows).values()) {
      assertThat(values).isSorted();
      all.addAll(values);
    }
    assertThat(all).hasSize(400).doesNotHaveDuplicates();
    assertThat(mesh.inboxes()[0].eventsTaken()).isEqualTo(4);
    assertThat(mesh.inboxes()[1].eventsTaken()).isEqualTo(4);
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
    Recorder local = new Recorder();
    Recorder remote = new Recorder();
    Mesh mesh = Mesh.of(SCHEMA, new int[] {0}, 2, 8, local, remote);
    KeyRouter router = mesh.routers()[0];
    AtomicBoolean routed = new AtomicBoolean();
    Thread producer = new Thread(() -> {
      router.beginEvent(0);
      router.process(batch(0, 1000)); // far more rows per shard than 2 batches of 8 hold
      router.endEvent();
      routed.set(true);
    });
    producer.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (mesh.exchanges()[0][0].depth() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(mesh.exchanges()[0][0].depth()).isEqualTo(2); // both batches of the pool are queued: the router cannot go on
    assertThat(routed).isFalse();
    while (!routed.get() || mesh.exchanges()[0][0].depth() > 0 || mesh.exchanges()[0][1].depth() > 0) {
      mesh.drainAll();
      assertThat(System.nanoTime()).isLessThan(deadline);
    }
    producer.join();
    mesh.drainAll();
    assertThat(local.rows.size() + remote.rows.size()).isEqualTo(1000);
    assertThat(router.blockedNanos(0)).isPositive();
  }

  @Test
  void equalKeysHashEqualAcrossStorageKinds() {
    Schema schema = Schema.builder().column("d", DataType.DOUBLE, true).column("b", DataType.BYTES, true).build();
    KeyRouter router = new KeyRouter(schema, new int[] {0, 1}, new KeyRouter.Lane[] {
        new KeyRouter.Lane(exchange(schema, 1, 4)), new KeyRouter.Lane(exchange(schema, 1, 4))});
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
    // batches of 3, smaller than the input: the gather goes in pieces, the event spans several batches
    Mesh mesh = Mesh.of(schema, new int[] {0}, 8, 3, recorder, recorder);
    KeyRouter router = mesh.routers()[0];
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
    router.beginEvent(0);
    router.process(in);
    router.endEvent();
    mesh.drainAll();
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
  void refusesAKeyForOneShardAndNoKeyForSeveral() {
    KeyRouter.Lane lane = new KeyRouter.Lane(exchange(SCHEMA, 1, 4));
    assertThatThrownBy(() -> new KeyRouter(SCHEMA, new int[0], new KeyRouter.Lane[0])).hasMessageContaining("at least one shard");
    assertThatThrownBy(() -> new KeyRouter(SCHEMA, new int[] {0}, new KeyRouter.Lane[] {lane}))
        .hasMessageContaining("to one shard (a global stage) routes by no key");
    assertThatThrownBy(() -> new KeyRouter(SCHEMA, new int[0], new KeyRouter.Lane[] {lane, lane}))
        .hasMessageContaining("at least one key column");
  }
}
