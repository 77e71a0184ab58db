package dev.laminar.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.SpscArrayQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The second stage's way in: an event is delivered once every first-stage shard handed it over, its rows merged by row
 * watermark (ties by shard), then its watermark (the smallest of the shards'), end and barrier; a shard may emit more
 * for one event than its queue holds.
 */
class RekeyInboxTest {
  private static final Schema SCHEMA = Schema.builder().column("k", DataType.VARCHAR, false).column("v", DataType.BIGINT, false).build();

  /** Records "v@watermark" per row, and the watermarks. */
  static final class Recorder implements Operator {
    final List<String> rows = new ArrayList<>();
    final List<Long> watermarks = new ArrayList<>();
    boolean ended;

    @Override
    public void process(ColumnarBatch batch) {
      for (int r = 0; r < batch.size(); r++) {
        rows.add(batch.getLong(r, 1) + "@" + batch.watermark(r));
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

  /** Two first-stage shards' routers feeding one second-stage inbox (every row has key "a": one shard of two gets all). */
  private static final class Stage {
    final Recorder recorder = new Recorder();
    final List<Long> barriers = new ArrayList<>();
    final KeyRouter[] routers = new KeyRouter[2];
    final RekeyInbox inbox;
    final int target;
    final ExchangeQueue[][] ex = new ExchangeQueue[2][2];

    Stage(int batches, int capacity, boolean rowsAtStageWatermark) {
      RekeyInbox[] self = new RekeyInbox[1];
      for (int p = 0; p < 2; p++) {
        for (int k = 0; k < 2; k++) {
          ex[p][k] = new ExchangeQueue(SCHEMA, batches, capacity, () -> true, () -> self[0].drain()); // the reactor drains it while waiting
        }
        routers[p] = new KeyRouter(SCHEMA, new int[] {0}, new KeyRouter.Lane[] {new KeyRouter.Lane(ex[p][0]), new KeyRouter.Lane(ex[p][1])});
      }
      target = KeyRouter.shardOf(routers[0].hash(rows("a", new long[] {0}, new long[] {0}), 0), 2);
      StreamNode node = new StreamNode("second stage", SCHEMA);
      node.attach(recorder, this);
      @SuppressWarnings({"unchecked", "rawtypes"})
      SpscArrayQueue<ColumnarBatch>[] from = new SpscArrayQueue[] {ex[0][target].queue(), ex[1][target].queue()};
      inbox = new RekeyInbox(from, node, capacity, barriers::add, rowsAtStageWatermark);
      self[0] = inbox;
    }

    /** First-stage shard {@code p} emits {@code values} (row watermarks {@code wms}) and {@code watermark} for event {@code e}. */
    void emit(int p, long e, long[] values, long[] wms, long watermark) {
      KeyRouter r = routers[p];
      r.beginEvent(e);
      if (values.length > 0) {
        r.process(rows("a", values, wms));
      }
      if (watermark != ColumnarBatch.NO_TIME) {
        r.onWatermark(watermark);
      }
      r.endEvent();
      ColumnarBatch b;
      while ((b = ex[p][1 - target].queue().poll()) != null) {
        BatchPool.release(b); // the other second-stage shard's final batches (it gets no rows here)
      }
    }
  }

  private static ColumnarBatch rows(String key, long[] values, long[] wms) {
    ColumnarBatch b = new ColumnarBatch(SCHEMA, Math.max(1, values.length));
    for (int i = 0; i < values.length; i++) {
      b.beginRow();
      b.setString(0, key);
      b.setLong(1, values[i]);
      b.setRowtime(b.size(), wms[i]);
      b.setWatermark(b.size(), wms[i]);
      b.endRow();
    }
    return b;
  }

  @Test
  void anEventIsDeliveredOnceEveryShardHandedItOverWithRowsMergedByWatermark() {
    Stage s = new Stage(4, 16, false);
    s.emit(0, 0, new long[] {1, 2, 3}, new long[] {10, 10, 30}, 5);
    s.inbox.drain();
    assertThat(s.recorder.rows).as("shard 1 has not handed event 0 over").isEmpty();
    s.emit(1, 0, new long[] {4, 5, 6}, new long[] {10, 20, 30}, 5);
    s.inbox.drain();
    // by watermark, then by shard: each shard's rows keep their order
    assertThat(s.recorder.rows).containsExactly("1@10", "2@10", "4@10", "5@20", "3@30", "6@30");
    assertThat(s.recorder.watermarks).containsExactly(5L);
    assertThat(s.inbox.eventsTaken()).isEqualTo(1);
  }

  @Test
  void theStagesWatermarkIsTheSmallestOfItsShardsAndTheEndComesWhenAllEnded() {
    Stage s = new Stage(4, 16, false);
    s.emit(0, 0, new long[0], new long[0], 100);
    s.emit(1, 0, new long[0], new long[0], 50);
    s.inbox.drain();
    assertThat(s.recorder.watermarks).containsExactly(50L);
    s.emit(0, 1, new long[0], new long[0], ColumnarBatch.NO_TIME); // no change: shard 0 is still at 100
    s.emit(1, 1, new long[0], new long[0], 80);
    s.inbox.drain();
    assertThat(s.recorder.watermarks).containsExactly(50L, 80L);
    s.routers[0].beginEvent(2);
    s.routers[0].onEndOfInput();
    s.routers[0].endEvent();
    s.inbox.drain();
    assertThat(s.recorder.ended).isFalse();
    s.routers[1].beginEvent(2);
    s.routers[1].onEndOfInput();
    s.routers[1].endEvent();
    s.inbox.drain();
    assertThat(s.recorder.ended).isTrue();
  }

  @Test
  void aJoinsRowsTakeTheStagesWatermarkBeforeTheirEvent() {
    // each shard stamps its rows with its own join watermark; one reactor's is the smallest of the shards'
    Stage s = new Stage(4, 16, true);
    s.emit(0, 0, new long[0], new long[0], 100);
    s.emit(1, 0, new long[0], new long[0], 50);
    s.inbox.drain();
    s.emit(0, 1, new long[] {1}, new long[] {100}, 120);
    s.emit(1, 1, new long[] {2}, new long[] {50}, 60);
    s.inbox.drain();
    assertThat(s.recorder.rows).containsExactly("1@50", "2@50");
    assertThat(s.recorder.watermarks).containsExactly(50L, 60L);
  }

  @Test
  void aBarrierIsTakenOnceAfterTheRowsBeforeIt() {
    Stage s = new Stage(4, 16, false);
    s.emit(0, 0, new long[] {1}, new long[] {10}, ColumnarBatch.NO_TIME);
    s.emit(1, 0, new long[0], new long[0], ColumnarBatch.NO_TIME);
    for (int p = 0; p < 2; p++) {
      s.routers[p].beginEvent(1);
      s.routers[p].onBarrier(7);
      s.routers[p].endEvent();
      s.inbox.drain();
      assertThat(s.barriers).as("after shard %d", p).hasSize(p);
    }
    assertThat(s.recorder.rows).containsExactly("1@10");
    assertThat(s.barriers).containsExactly(7L);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aShardMayEmitMoreForOneEventThanItsQueueHolds() {
    // 2 batches of 4 rows per queue, 40 rows in one event while the other shard has not begun it: the router waits for a
    // free batch and its reactor drains the inbox, which copies the rows out (holding the queue's batches would wait for good)
    Stage s = new Stage(2, 4, false);
    long[] values = new long[40];
    long[] wms = new long[40];
    for (int i = 0; i < 40; i++) {
      values[i] = i;
      wms[i] = i;
    }
    s.emit(0, 0, values, wms, ColumnarBatch.NO_TIME);
    assertThat(s.recorder.rows).isEmpty();
    s.emit(1, 0, new long[] {100}, new long[] {15}, ColumnarBatch.NO_TIME);
    s.inbox.drain();
    assertThat(s.recorder.rows).hasSize(41).startsWith("0@0").contains("100@15");
    assertThat(s.recorder.rows.indexOf("100@15")).isEqualTo(s.recorder.rows.indexOf("15@15") + 1);
  }
}
