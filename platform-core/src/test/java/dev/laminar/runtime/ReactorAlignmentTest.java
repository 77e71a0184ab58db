package dev.laminar.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint barrier travels in band through the source channels: the reactor holds each channel back
 * at its marker until every expected channel has delivered its own, runs the barrier's action having seen
 * exactly the rows before the markers, and then takes the rows after them.
 */
class ReactorAlignmentTest {
  private static final Schema SCHEMA = Schema.builder().column("v", DataType.VARCHAR, false).build();

  private final Reactor reactor = new Reactor("alignment-test");
  private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() {
    reactor.close();
  }

  /** A channel of its own source, whose rows are recorded in {@link #delivered}. */
  private Reactor.Channel channel(String name) {
    StreamNode node = new StreamNode(name, SCHEMA);
    node.attach(new Operator() {
      @Override
      public void process(ColumnarBatch batch) {
        for (int r = 0; r < batch.size(); r++) {
          delivered.add(batch.getString(r, 0));
        }
      }

      @Override
      public void onWatermark(long watermark) { }

      @Override
      public void onEndOfInput() { }
    }, "test");
    return reactor.addChannel(new SourceInput(node, 1), 0, 16);
  }

  private static ColumnarBatch rows(String... values) {
    ColumnarBatch b = new ColumnarBatch(SCHEMA, 8);
    for (String v : values) {
      b.beginRow();
      b.setString(0, v);
      b.endRow();
    }
    return b;
  }

  private static ColumnarBatch marker(long id) {
    return TestBatches.marker(SCHEMA, id);
  }


  private static ColumnarBatch end() {
    ColumnarBatch b = new ColumnarBatch(SCHEMA, 1);
    b.markEndOfInput();
    return b;
  }

  /**
   * Waits until each channel's queue holds exactly {@code left[i]} batches (what it must keep back), then
   * for one command round trip: a command runs between two passes over the channels, so every batch
   * polled before it has been delivered when it completes.
   */
  private void settle(Reactor.Channel[] channels, int... left) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; i < channels.length; i++) {
      while (channels[i].depth() != left[i]) {
        assertThat(System.nanoTime()).as("channel %d to keep %d batches", i, left[i]).isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
    reactor.submit(() -> null).get(10, TimeUnit.SECONDS);
  }

  @Test
  void rowsAfterAMarkerWaitUntilEveryChannelHasDeliveredItsOwn() throws Exception {
    Reactor.Channel a = channel("a");
    Reactor.Channel b = channel("b");
    Reactor.Channel late = channel("late"); // not part of the barrier: held while it aligns
    List<String> seenAtBarrier = new ArrayList<>();
    reactor.align(5, List.of(a, b), () -> seenAtBarrier.addAll(delivered)).get(10, TimeUnit.SECONDS);

    assertThat(a.queue().offer(rows("a1", "a2"))).isTrue();
    assertThat(a.queue().offer(marker(4))).isTrue(); // an abandoned barrier's marker: dropped
    assertThat(a.queue().offer(rows("a3"))).isTrue();
    assertThat(a.queue().offer(marker(5))).isTrue();
    assertThat(a.queue().offer(rows("a4"))).isTrue();
    assertThat(b.queue().offer(rows("b1"))).isTrue();
    assertThat(late.queue().offer(rows("x1"))).isTrue();
    settle(new Reactor.Channel[] {a, b, late}, 1, 0, 1);
    assertThat(seenAtBarrier).isEmpty();
    assertThat(delivered).containsExactlyInAnyOrder("a1", "a2", "a3", "b1");

    assertThat(b.queue().offer(rows("b2"))).isTrue();
    assertThat(b.queue().offer(marker(5))).isTrue();
    assertThat(b.queue().offer(rows("b3"))).isTrue();
    settle(new Reactor.Channel[] {a, b, late}, 0, 0, 0);
    assertThat(seenAtBarrier).containsExactlyInAnyOrder("a1", "a2", "a3", "b1", "b2");
    assertThat(delivered).containsExactlyInAnyOrder("a1", "a2", "a3", "b1", "b2", "a4", "b3", "x1");
  }

  /** A source that starts while a barrier aligns is not part of it: its rows wait until the barrier's action has run. */
  @Test
  void aChannelAddedDuringAnAlignmentIsHeldUntilItEnds() throws Exception {
    Reactor.Channel a = channel("a");
    List<String> seenAtBarrier = new ArrayList<>();
    reactor.align(7, List.of(a), () -> seenAtBarrier.addAll(delivered)).get(10, TimeUnit.SECONDS);
    Reactor.Channel started = channel("started");
    assertThat(started.queue().offer(rows("s1"))).isTrue();
    assertThat(a.queue().offer(rows("a1"))).isTrue();
    settle(new Reactor.Channel[] {a, started}, 0, 1);
    assertThat(delivered).containsExactly("a1");

    assertThat(a.queue().offer(marker(7))).isTrue();
    settle(new Reactor.Channel[] {a, started}, 0, 0);
    assertThat(seenAtBarrier).as("the new source's rows are not in the checkpoint's state").containsExactly("a1");
    assertThat(delivered).containsExactly("a1", "s1");
  }

  @Test
  void aChannelWhoseSplitEndsHasReachedTheBarrier() throws Exception {
    Reactor.Channel a = channel("a");
    Reactor.Channel finished = channel("finished");
    List<String> seenAtBarrier = new ArrayList<>();
    reactor.align(1, List.of(a, finished), () -> seenAtBarrier.addAll(delivered)).get(10, TimeUnit.SECONDS);
    assertThat(a.queue().offer(rows("a1"))).isTrue();
    assertThat(a.queue().offer(marker(1))).isTrue();
    assertThat(a.queue().offer(rows("a2"))).isTrue();
    settle(new Reactor.Channel[] {a}, 1);
    assertThat(seenAtBarrier).isEmpty();

    assertThat(finished.queue().offer(rows("f1"))).isTrue();
    assertThat(finished.queue().offer(end())).isTrue();
    settle(new Reactor.Channel[] {a, finished}, 0, 0);
    assertThat(seenAtBarrier).containsExactlyInAnyOrder("a1", "f1");
    assertThat(delivered).containsExactlyInAnyOrder("a1", "f1", "a2");
  }

  @Test
  void anAbandonedAlignmentLetsEveryChannelGoOn() throws Exception {
    Reactor.Channel a = channel("a");
    Reactor.Channel b = channel("b");
    List<String> seenAtBarrier = new ArrayList<>();
    reactor.align(3, List.of(a, b), () -> seenAtBarrier.add("aligned")).get(10, TimeUnit.SECONDS);
    assertThat(a.queue().offer(marker(3))).isTrue();
    assertThat(a.queue().offer(rows("a1"))).isTrue();
    settle(new Reactor.Channel[] {a}, 1);
    assertThat(delivered).isEmpty();

    reactor.abandonAlignment(3).get(10, TimeUnit.SECONDS);
    assertThat(b.queue().offer(marker(3))).isTrue(); // comes too late: dropped
    assertThat(b.queue().offer(rows("b1"))).isTrue();
    settle(new Reactor.Channel[] {a, b}, 0, 0);
    assertThat(seenAtBarrier).isEmpty();
    assertThat(delivered).containsExactlyInAnyOrder("a1", "b1");
  }
}
