package dev.laminar.runtime;

import dev.laminar.sdk.type.Schema;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;
import org.jctools.queues.SpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way into one shard of a plan's second keyed stage ({@code engine.RekeyedShards}), on the shard's reactor: one
 * queue from each shard of the first stage, whose chain ends in a {@link KeyRouter} by the second stage's key. Every
 * first-stage shard takes every numbered event and hands this shard one final batch per event, so event {@code e} is
 * complete once every queue has delivered its final batch of {@code e}.
 *
 * <p>The inbox takes event {@code e} from every queue before event {@code e + 1}, then merges the queues' rows of the
 * event by their row watermarks (ties by queue), and delivers them to the shard's node, then the event's watermark (the
 * smallest the queues carried) and end. A first stage whose rows' watermarks rise within each shard's event (a windowed
 * aggregate emits window by window, each row with {@code window_end - 1}) therefore reaches the second stage with the
 * watermarks one reactor would have fed it, in the same order, and interleaved with the same rows per watermark: which
 * rows are late, when windows fire and what each key's rows are is the same as with one reactor. Only the order of rows
 * of different first-stage keys under one watermark differs (so the second stage must not depend on it).
 *
 * <p>The rows of the event being assembled are copied out of the queues' batches at once, into batches of the inbox's
 * own (reused), so a first-stage shard that emits more for one event than its queue holds is never left waiting for
 * this shard while this shard waits for the rest of the event: the event with the lowest number can always be
 * completed. Reactor thread only; never waits for a reactor (the second stage ends in its sink's lanes), so it is
 * drained also while this reactor waits ({@link Reactor#addCombinerInbox}).
 */
public final class RekeyInbox implements Reactor.Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(RekeyInbox.class);
  private static final int MAX_BATCHES_PER_DRAIN = 64;

  private final SpscArrayQueue<ColumnarBatch>[] from;
  private final SourceInput input;
  private final LongConsumer onBarrier;
  /** Rows take the stage's watermark before their event rather than their own (a join's first stage). */
  private final boolean rowsAtStageWatermark;
  /** Per queue, the highest watermark it delivered so far. */
  private final long[] queueWatermark;
  private final Schema schema;
  private final int batchSize;
  /** Per queue, the copies of its rows of the current event, {@code held[q][0 .. heldCount[q])}. */
  private ColumnarBatch[][] held;
  private final int[] heldCount;
  private final boolean[] done;
  private int doneCount;
  private long eventRowWatermark = ColumnarBatch.NO_TIME;
  private int ended;
  private long barrier = -1;
  private long next;
  private final ArrayDeque<ColumnarBatch> free = new ArrayDeque<>();
  /** Merged rows waiting to be delivered, and the batch that carries an event's watermark and end. */
  private final ColumnarBatch out;
  /** Told where each event begins and ends (a consumer whose chain ends in the next stage's router), or null. */
  private EventSink frame;
  private final ColumnarBatch control;
  /** Merge cursors: per queue, the held batch and the row within it. */
  private final int[] batchAt;
  private final int[] rowAt;

  /**
   * @param from the queues from the first stage's routers, indexed by the producing shard
   * @param node the shard's node (the second stage's chain is attached to it)
   * @param onBarrier called with a checkpoint barrier's id when the shard takes it: every event before it has been
   *     processed, none after it
   * @param rowsAtStageWatermark whether each row takes the first stage's watermark as of the end of the event before its
   *     own (the smallest of the shards'), as a join's rows do with one reactor, rather than keep its own
   */
  public RekeyInbox(SpscArrayQueue<ColumnarBatch>[] from, StreamNode node, int batchSize, LongConsumer onBarrier, boolean rowsAtStageWatermark) {
    this.from = from.clone();
    this.input = new SourceInput(node, 1);
    this.onBarrier = onBarrier;
    this.rowsAtStageWatermark = rowsAtStageWatermark;
    this.queueWatermark = new long[from.length];
    java.util.Arrays.fill(queueWatermark, ColumnarBatch.NO_TIME);
    this.schema = node.schema();
    this.batchSize = batchSize;
    int n = from.length;
    this.held = new ColumnarBatch[n][4];
    this.heldCount = new int[n];
    this.done = new boolean[n];
    this.out = new ColumnarBatch(schema, batchSize);
    this.control = new ColumnarBatch(schema, 1);
    this.batchAt = new int[n];
    this.rowAt = new int[n];
  }

  /**
   * Frames each event for {@code frame} (call before the inbox is drained): {@link EventSink#beginEvent} before it is
   * delivered, {@link EventSink#onBarrier} for a barrier, {@link EventSink#endEvent} after, so what the chain passes on
   * in between belongs to that event (a consumer whose chain ends in the next stage's {@link KeyRouter}).
   */
  public RekeyInbox framing(EventSink frame) {
    this.frame = frame;
    return this;
  }

  @Override
  public int drain() {
    final SpscArrayQueue<ColumnarBatch>[] qs = from;
    final int n = qs.length;
    int work = 0;
    while (work < MAX_BATCHES_PER_DRAIN) {
      for (int q = 0; q < n && work < MAX_BATCHES_PER_DRAIN; q++) {
        ColumnarBatch b;
        while (!done[q] && (b = qs[q].poll()) != null) { // a queue holds only the current event until its final batch
          take(q, b);
          work++;
        }
      }
      if (doneCount < n) {
        break; // the event is still being emitted by a shard of the first stage
      }
      completeEvent();
      work++;
    }
    return work;
  }

  private void take(int q, ColumnarBatch b) {
    try {
      if (b.sequence() != next) {
        throw new IllegalStateException("queue " + q + " of " + input.node().name() + " delivered event " + b.sequence() + ", expected " + next);
      }
      int size = b.size();
      int copied = 0;
      while (copied < size) {
        ColumnarBatch into = heldCount[q] == 0 ? null : held[q][heldCount[q] - 1];
        if (into == null || into.size() == into.capacity()) {
          into = hold(q);
        }
        int take = Math.min(size - copied, into.capacity() - into.size());
        int at = into.size();
        into.appendRowsFrom(b, copied, take);
        copied += take;
        if (rowsAtStageWatermark) {
          for (int r = at; r < at + take; r++) {
            into.setWatermark(r, ColumnarBatch.NO_TIME); // the input raises it to the watermark delivered before the event
          }
        }
      }
      if (!b.moreOfEvent()) {
        done[q] = true;
        doneCount++;
        queueWatermark[q] = Math.max(queueWatermark[q], b.batchWatermark());
        if (!rowsAtStageWatermark) { // a join's rows advance nothing beyond the stage's watermark
          eventRowWatermark = Math.max(eventRowWatermark, b.eventRowWatermark());
        }
        if (b.isEndOfInput()) {
          ended++;
        }
        if (b.barrierEpoch() >= 0) {
          barrier = b.barrierEpoch();
        }
      }
    } finally {
      BatchPool.release(b); // the producer may reuse it at once
    }
  }

  private ColumnarBatch hold(int q) {
    if (heldCount[q] == held[q].length) {
      held[q] = java.util.Arrays.copyOf(held[q], held[q].length * 2); // once per larger event, not per event
    }
    ColumnarBatch b = free.poll();
    if (b == null) {
      b = new ColumnarBatch(schema, batchSize);
    }
    held[q][heldCount[q]++] = b;
    return b;
  }

  /** Every queue delivered its final batch of event {@code next}: delivers the event, merged. */
  private void completeEvent() {
    final int n = from.length;
    final EventSink f = frame;
    try {
      if (f != null) {
        f.beginEvent(next);
      }
      merge();
      long wm = Long.MAX_VALUE; // the stage's watermark: the smallest of its shards' (NO_TIME while one has none)
      for (int q = 0; q < n; q++) {
        wm = Math.min(wm, queueWatermark[q]);
      }
      if (wm != ColumnarBatch.NO_TIME || ended == n || eventRowWatermark != ColumnarBatch.NO_TIME) {
        control.clear();
        control.setBatchWatermark(wm);
        control.setEventRowWatermark(eventRowWatermark); // rows of the event that went to other shards
        if (ended == n) {
          control.markEndOfInput();
        }
        input.deliver(control, 0);
      }
      if (barrier >= 0) {
        onBarrier.accept(barrier); // a barrier event has no rows
        if (f != null) {
          f.onBarrier(barrier);
        }
      }
      if (f != null) {
        f.endEvent();
      }
    } catch (RuntimeException e) {
      LOG.error("Unexpected failure delivering an event to {}", input.node().name(), e);
    } finally {
      for (int q = 0; q < n; q++) {
        for (int i = 0; i < heldCount[q]; i++) {
          ColumnarBatch b = held[q][i];
          held[q][i] = null;
          b.clear();
          free.add(b);
        }
        heldCount[q] = 0;
        done[q] = false;
      }
      doneCount = 0;
      eventRowWatermark = ColumnarBatch.NO_TIME;
      ended = 0;
      barrier = -1;
      next++;
    }
  }

  /** Delivers the held rows ordered by row watermark, ties by queue (each queue's rows keep their order). */
  private void merge() {
    final int n = from.length;
    int withRows = -1;
    for (int q = 0; q < n; q++) {
      batchAt[q] = 0;
      rowAt[q] = 0;
      if (heldCount[q] > 0) {
        withRows = withRows == -1 ? q : -2;
      }
    }
    if (withRows == -1) {
      return;
    }
    if (withRows >= 0) { // one queue has rows: they are the merge
      for (int i = 0; i < heldCount[withRows]; i++) {
        input.deliver(held[withRows][i], 0);
      }
      return;
    }
    out.clear();
    while (true) {
      int best = -1;
      long bestWm = 0;
      for (int q = 0; q < n; q++) {
        if (batchAt[q] < heldCount[q]) {
          long wm = held[q][batchAt[q]].watermark(rowAt[q]);
          if (best < 0 || wm < bestWm) {
            best = q;
            bestWm = wm;
          }
        }
      }
      if (best < 0) {
        break;
      }
      // the run of best's rows that come before every other queue's next row
      ColumnarBatch src = held[best][batchAt[best]];
      int start = rowAt[best];
      int end = start + 1;
      int size = src.size();
      while (end < size && before(best, src.watermark(end))) {
        end++;
      }
      int copied = start;
      while (copied < end) {
        int take = Math.min(end - copied, out.capacity() - out.size());
        out.appendRowsFrom(src, copied, take);
        copied += take;
        if (out.size() == out.capacity()) {
          input.deliver(out, 0);
          out.clear();
        }
      }
      if (end == size) {
        batchAt[best]++;
        rowAt[best] = 0;
      } else {
        rowAt[best] = end;
      }
    }
    if (out.size() > 0) {
      input.deliver(out, 0);
      out.clear();
    }
  }

  /** Whether a row of queue {@code q} with watermark {@code wm} comes before every other queue's next row. */
  private boolean before(int q, long wm) {
    for (int o = 0; o < from.length; o++) {
      if (o != q && batchAt[o] < heldCount[o]) {
        long other = held[o][batchAt[o]].watermark(rowAt[o]);
        if (other < wm || (other == wm && o < q)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Events taken so far (the next expected sequence number). */
  public long eventsTaken() {
    return next;
  }
}
