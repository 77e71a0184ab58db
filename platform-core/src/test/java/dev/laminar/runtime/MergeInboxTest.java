package dev.laminar.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.List;
import org.jctools.queues.SpscArrayQueue;
import org.junit.jupiter.api.Test;

/**
 * A sharded stream's merge on reactor 0: it aligns a barrier's markers across its lanes, and while reactor 0 still holds
 * its sources for that barrier it delivers nothing that came after it (a shard's timer may emit after its marker);
 * waits on reactor 0 only buffer the lanes.
 */
class MergeInboxTest {
  private static final Schema SCHEMA = Schema.builder().column("v", DataType.BIGINT, false).build();

  private static final class Recorder implements Operator {
    final List<Long> rows = new ArrayList<>();

    @Override
    public void process(ColumnarBatch batch) {
      for (int r = 0; r < batch.size(); r++) {
        rows.add(batch.getLong(r, 0));
      }
    }

    @Override
    public void onWatermark(long watermark) {
    }

    @Override
    public void onEndOfInput() {
    }
  }

  private static ColumnarBatch rows(long... values) {
    return TestBatches.longs(SCHEMA, values);
  }


  private static ColumnarBatch marker(long id) {
    return TestBatches.marker(SCHEMA, id);
  }


  private record Merge(MergeInbox inbox, Recorder recorder, List<Long> aligned, SpscArrayQueue<ColumnarBatch>[] lanes) {
    static Merge of(java.util.function.LongPredicate sourcesHeld) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      SpscArrayQueue<ColumnarBatch>[] lanes = new SpscArrayQueue[] {new SpscArrayQueue<>(16), new SpscArrayQueue<>(16)};
      Recorder recorder = new Recorder();
      StreamNode node = new StreamNode("stream", SCHEMA);
      node.attach(recorder, recorder);
      List<Long> aligned = new ArrayList<>();
      return new Merge(new MergeInbox(lanes, node, aligned::add, sourcesHeld), recorder, aligned, lanes);
    }

    void fill() {
      lanes[0].offer(rows(1));
      lanes[0].offer(marker(5));
      lanes[0].offer(rows(3)); // emitted by shard 0 after its marker (a timer)
      lanes[1].offer(rows(2));
      lanes[1].offer(marker(5));
      lanes[1].offer(rows(4));
    }

    void drainAll() {
      for (int i = 0; i < 10; i++) {
        inbox.drain();
      }
    }
  }

  @Test
  void whileTheSourcesAreHeldNothingAfterTheBarrierIsDeliveredUntilReleased() {
    Merge m = Merge.of(id -> id == 5);
    m.fill();
    m.drainAll();
    assertThat(m.aligned()).containsExactly(5L);
    assertThat(m.recorder().rows).containsExactlyInAnyOrder(1L, 2L);
    assertThat(m.lanes()[0].isEmpty() && m.lanes()[1].isEmpty()).as("the lanes were still taken into the buffers").isTrue();
    m.inbox().release(5);
    m.drainAll();
    assertThat(m.recorder().rows).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
  }

  @Test
  void aBarrierNoLongerHeldDoesNotHoldTheMerge() {
    Merge m = Merge.of(id -> false); // abandoned before its markers came out
    m.fill();
    m.drainAll();
    assertThat(m.aligned()).containsExactly(5L);
    assertThat(m.recorder().rows).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
  }
}
