package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.EventSink;
import dev.laminar.runtime.IdleStrategy;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.Reactor;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import org.jctools.queues.SpscArrayQueue;

/**
 * Two-phase aggregation of a global windowed aggregate (no grouping column; TUMBLE, HOP or CUMULATE) over N
 * reactors ({@code engine.GlobalShards}): every row must meet in one place, so instead of routing rows by key,
 * each head copy folds the rows of each event dealt to it into one partial group state per window (a TUMBLE
 * window, or a HOP/CUMULATE pane: {@link Windows}) ({@link Producer}), and one combiner takes the events of all
 * copies in their dealt order and merges the partial states into the aggregate, a {@link Target} ({@link Combiner}). Merged in dealt order,
 * the result is what one reactor folding the rows one by one computes (FIRST_VALUE and LAST_VALUE
 * included: {@link GroupAccumulator#merge} takes a later state in time order).
 *
 * <p>Lateness is decided as one reactor decides it: a row is late when its window ends at or before the
 * watermark in force at it, the highest of every earlier event's watermarks and of the row watermarks of
 * its own event up to it. The copy drops rows late by the latter; the combiner drops a partial state whose
 * window fired before its event. Each event then advances the combiner to its highest row watermark.
 */
public final class PartialAggregates {
  private PartialAggregates() {}

  /** What the combiner merges into: the heap TUMBLE or HOP/CUMULATE operator, which emits the results. */
  public interface Target extends Operator, dev.laminar.runtime.StoreBacked, AutoCloseable {
    /**
     * Folds a partial group state of the window (TUMBLE) or pane (HOP/CUMULATE) starting at {@code start}, made
     * of {@code rows} rows of one event that were not late where they were folded; drops (and counts) them if
     * every window they belong to fired before this event.
     */
    void mergePartial(long start, GroupAccumulator partial, int rows);

    /** {@code rows} rows were late where they were folded: counted as dropped here. */
    void dropLate(int rows);

    /** The watermark reached {@code wm} within an event's rows: fires the windows it closes. */
    void advanceTo(long wm);
  }

  /** Which partial state a row goes to, and when it is too late for every window it belongs to. */
  public interface Windows {
    /** The start of the TUMBLE window or HOP/CUMULATE pane of row {@code r}. */
    long startOf(ColumnarBatch in, int r);

    /** The end of the last window containing the window or pane starting at {@code start}: at or below the watermark, it is late. */
    long lastEnd(long start);

    /** Every window ends at a multiple of this (the TUMBLE size, the HOP slide, the CUMULATE step). */
    long grid();

    /** TUMBLE: the head computed the window's start into {@code windowStartColumn}. */
    static Windows tumble(long size, int windowStartColumn) {
      return new Tumble(size, windowStartColumn);
    }

    /** HOP (panes of the slide) or CUMULATE (panes of the step) over the rows' event time, as {@link PaneWindowAggregateOperator} cuts them. */
    static Windows panes(PaneWindowAggregateOperator.Shape shape, long pane, long size) {
      return new Panes(shape, pane, size);
    }
  }

  private record Tumble(long size, int windowStartColumn) implements Windows {
    @Override
    public long startOf(ColumnarBatch in, int r) {
      return in.getLong(r, windowStartColumn);
    }

    @Override
    public long lastEnd(long start) {
      return start + size;
    }

    @Override
    public long grid() {
      return size;
    }
  }

  private record Panes(PaneWindowAggregateOperator.Shape shape, long pane, long size) implements Windows {
    @Override
    public long startOf(ColumnarBatch in, int r) {
      return Math.floorDiv(in.rowtime(r), pane) * pane;
    }

    @Override
    public long lastEnd(long start) {
      return PaneWindowAggregateOperator.lastEnd(shape, size, start);
    }

    @Override
    public long grid() {
      return pane;
    }
  }

  /**
   * One dealt event as a copy saw it: a partial state per window its rows touched, or a marker. When the rows'
   * watermark crosses a window end within the event (a multiple of {@link Windows#grid}), the rows after it go
   * to new partial states (a new <i>generation</i>), each recording the watermark it was folded under: the
   * combiner fires what that watermark closes before merging them, so a HOP/CUMULATE window that fired between
   * two rows of one event gets the first and not the second, as one operator folding row by row would.
   */
  static final class Event {
    long sequence = -1;
    /** The highest row watermark of the event's rows. */
    long rowWatermark = ColumnarBatch.NO_TIME;
    /** A watermark event's watermark. */
    long watermark = ColumnarBatch.NO_TIME;
    boolean end;
    long barrier = -1;
    /** Rows the copy found late. */
    int late;
    int windows;
    long[] starts = new long[2];
    int[] rows = new int[2];
    GroupAccumulator[] partials = new GroupAccumulator[2];
    /** Per partial state: the rows' watermark its generation was folded under. */
    long[] watermarks = new long[2];
    /** The first partial state of the current generation, its watermark, and that watermark's grid cell. */
    int generationStart;
    long generationWatermark = ColumnarBatch.NO_TIME;
    long generationCell = Long.MIN_VALUE;

    /** The rows' watermark rose to {@code wm}: a new generation when it crossed a multiple of {@code grid}. */
    void watermarkRose(long wm, long grid) {
      long cell = Math.floorDiv(wm, grid);
      if (cell != generationCell) {
        generationCell = cell;
        generationStart = windows;
      }
      generationWatermark = wm;
    }

    /** The index of the current generation's partial state of the window starting at {@code start}, created when missing. */
    int window(long start, GroupAccumulatorFactory factory) {
      for (int i = windows - 1; i >= generationStart; i--) {
        if (starts[i] == start) {
          return i;
        }
      }
      if (windows == starts.length) {
        starts = Arrays.copyOf(starts, windows * 2);
        rows = Arrays.copyOf(rows, windows * 2);
        partials = Arrays.copyOf(partials, windows * 2);
        watermarks = Arrays.copyOf(watermarks, windows * 2);
      }
      starts[windows] = start;
      rows[windows] = 0;
      partials[windows] = factory.create(); // per window, generation and event, not per row
      watermarks[windows] = generationWatermark;
      return windows++;
    }

    void clear() {
      sequence = -1;
      rowWatermark = ColumnarBatch.NO_TIME;
      watermark = ColumnarBatch.NO_TIME;
      end = false;
      barrier = -1;
      late = 0;
      Arrays.fill(partials, 0, windows, null);
      windows = 0;
      generationStart = 0;
      generationWatermark = ColumnarBatch.NO_TIME;
      generationCell = Long.MIN_VALUE;
    }
  }

  /**
   * The end of one head copy: folds the rows of each event into partial states per window and hands the
   * event to the {@link Combiner} through a bounded SPSC queue (a fixed set of events circulates between
   * the two: none free means the combiner is behind, and the copy waits, helping its own reactor).
   */
  public static final class Producer implements Operator, EventSink {
    private final Windows windows;
    private final GroupAccumulatorFactory factory;
    final SpscArrayQueue<Event> queue;
    final SpscArrayQueue<Event> free;
    private final BooleanSupplier open;
    private final IntSupplier help;
    private final Runnable wakeCombiner;
    private final IdleStrategy idle = IdleStrategy.standard();
    private final Counter blockedNanos = new Counter();
    private Event current;

    /**
     * @param events how many events may be on their way to the combiner at once
     * @param open false once the combiner is gone: a waiting copy stops waiting
     * @param help drains the copy's reactor's shard inboxes while it waits (returns batches taken)
     */
    public Producer(Windows windows, GroupAccumulatorFactory factory, int events, BooleanSupplier open, IntSupplier help,
        Runnable wakeCombiner) {
      this.windows = windows;
      this.factory = factory;
      this.queue = new SpscArrayQueue<>(events + 1);
      this.free = new SpscArrayQueue<>(events + 1);
      for (int i = 0; i < events; i++) {
        free.offer(new Event());
      }
      this.open = open;
      this.help = help;
      this.wakeCombiner = wakeCombiner;
    }

    @Override
    public void beginEvent(long sequence) {
      Event e = free.relaxedPoll();
      if (e == null) {
        long start = System.nanoTime();
        int idles = 0;
        while ((e = free.relaxedPoll()) == null) {
          if (!open.getAsBoolean()) {
            return; // the plan is being dropped: nothing waits for the event
          }
          if (help.getAsInt() > 0) {
            idles = 0;
          } else {
            idle.idle(idles++);
          }
        }
        blockedNanos.add(System.nanoTime() - start);
      }
      e.sequence = sequence;
      current = e;
    }

    @Override
    public void process(ColumnarBatch in) {
      final Event e = current;
      if (e == null) {
        return;
      }
      final int n = in.size();
      for (int r = 0; r < n; r++) {
        long wm = in.watermark(r);
        if (wm > e.rowWatermark) {
          e.rowWatermark = wm;
          e.watermarkRose(wm, windows.grid());
        }
        long start = windows.startOf(in, r);
        if (windows.lastEnd(start) <= e.rowWatermark) {
          e.late++;
          continue;
        }
        int w = e.window(start, factory);
        e.partials[w].add(in, r);
        e.rows[w]++;
      }
    }

    @Override
    public void onWatermark(long watermark) {
      if (current != null && watermark > current.watermark) {
        current.watermark = watermark;
      }
    }

    @Override
    public void onEndOfInput() {
      if (current != null) {
        current.end = true;
      }
    }

    @Override
    public void onBarrier(long id) {
      if (current != null) {
        current.barrier = id;
      }
    }

    @Override
    public void endEvent() {
      Event e = current;
      current = null;
      if (e != null) {
        queue.offer(e); // never full: it holds as many slots as there are events
        wakeCombiner.run();
      }
    }

    /** Combiner's thread, after returning events to {@link #free}: unparks the copy if it waits for one. */
    void wakeWaiting() {
      idle.wake();
    }

    /** Events on their way to the combiner (approximate, for metrics). */
    public int depth() {
      return queue.size();
    }

    /** Nanoseconds this copy waited for the combiner. */
    public long blockedNanos() {
      return blockedNanos.get();
    }
  }

  /**
   * The combiner's way in, on its reactor, never waiting. Over head copies ({@code engine.GlobalShards}) each event was
   * dealt to one copy: it takes the events of every copy in their dealt order (the next one is always at the head of
   * exactly one queue) and applies each to the aggregate. Over the shards of a keyed node ({@link #overShards}) every
   * shard takes every event: it takes event {@code e} from every shard and applies them together
   * ({@link #applyTogether}) before event {@code e + 1}.
   */
  public static final class Combiner implements Reactor.Inbox {
    private static final int MAX_EVENTS_PER_DRAIN = 16;
    private final Producer[] from;
    private final Target aggregate;
    private final LongConsumer onBarrier;
    private final Consumer<RuntimeException> onFailure;
    /** Every producer gives one event per number (the shards of a keyed node), not one producer per number. */
    private final boolean everyProducer;
    /** The current number's events taken so far (over shards): from[0..taken-1]. */
    private final Event[] taken;
    private final int[] cursor;
    private int takenCount;
    private boolean failed;
    private long next;

    /**
     * @param onBarrier told a checkpoint barrier's id when the combiner takes it (every event before it applied)
     * @param onFailure told once when the aggregate (or what follows it) fails; events are then taken and dropped
     */
    public Combiner(Producer[] from, Target aggregate, LongConsumer onBarrier, Consumer<RuntimeException> onFailure) {
      this(from, aggregate, onBarrier, onFailure, false);
    }

    private Combiner(Producer[] from, Target aggregate, LongConsumer onBarrier, Consumer<RuntimeException> onFailure, boolean everyProducer) {
      this.from = from.clone();
      this.aggregate = aggregate;
      this.onBarrier = onBarrier;
      this.onFailure = onFailure;
      this.everyProducer = everyProducer;
      this.taken = new Event[from.length];
      this.cursor = new int[from.length];
    }

    /**
     * A combiner over the shards of a keyed node that run before the global aggregate ({@code engine.KeyedGlobalShards}):
     * shard k's chain ends in {@code from[k]}, and every shard takes every event (in the same numbered order).
     */
    public static Combiner overShards(Producer[] from, Target aggregate, LongConsumer onBarrier, Consumer<RuntimeException> onFailure) {
      return new Combiner(from, aggregate, onBarrier, onFailure, true);
    }

    @Override
    public int drain() {
      return everyProducer ? drainTogether() : drainDealt();
    }

    private int drainDealt() {
      int work = 0;
      while (work < MAX_EVENTS_PER_DRAIN) {
        Producer p = null;
        for (Producer candidate : from) {
          Event head = candidate.queue.peek();
          if (head != null && head.sequence == next) {
            p = candidate;
            break;
          }
        }
        if (p == null) {
          break; // the next event is still being folded
        }
        Event e = p.queue.poll();
        next++;
        apply(e);
        e.clear();
        p.free.offer(e);
        p.wakeWaiting();
        work++;
      }
      return work;
    }

    private int drainTogether() {
      int work = 0;
      while (work < MAX_EVENTS_PER_DRAIN) {
        while (takenCount < from.length) {
          Event head = from[takenCount].queue.peek();
          if (head == null) {
            return work; // the next shard is still folding this event
          }
          if (head.sequence != next) {
            if (!from[takenCount].open.getAsBoolean()) {
              return work; // the plan is being dropped: its shards stopped handing over whole events, nothing reads on
            }
            throw new IllegalStateException("shard " + takenCount + " gave event " + head.sequence + " where " + next + " was due");
          }
          taken[takenCount] = from[takenCount].queue.poll();
          takenCount++;
        }
        applyTogether(taken);
        for (int k = 0; k < from.length; k++) {
          taken[k].clear();
          from[k].free.offer(taken[k]);
          from[k].wakeWaiting();
          taken[k] = null;
        }
        takenCount = 0;
        next++;
        work++;
      }
      return work;
    }

    /**
     * Applies one event as every shard folded it, as one reactor running the keyed node would have fed the aggregate:
     * the partial states in the order of the watermarks they were folded under (a generation's; within equal ones, shard
     * by shard), each after advancing to its watermark, so what a window end crossed within the event closes is fired
     * between the rows before and after it, over all shards. Then the late rows, the highest row watermark, and the
     * event's watermark or end.
     */
    private void applyTogether(Event[] events) {
      Event first = events[0];
      if (first.barrier >= 0) {
        onBarrier.accept(first.barrier); // every shard took the barrier as this event; it has nothing else
        return;
      }
      if (failed) {
        return;
      }
      try {
        java.util.Arrays.fill(cursor, 0);
        int late = 0;
        long rowWatermark = ColumnarBatch.NO_TIME;
        long watermark = ColumnarBatch.NO_TIME;
        boolean end = false;
        for (Event e : events) {
          late += e.late;
          rowWatermark = Math.max(rowWatermark, e.rowWatermark);
          watermark = Math.max(watermark, e.watermark);
          end |= e.end;
        }
        while (true) {
          int pick = -1;
          long lowest = Long.MAX_VALUE;
          for (int k = 0; k < events.length; k++) {
            Event e = events[k];
            if (cursor[k] < e.windows && (pick < 0 || e.watermarks[cursor[k]] < lowest)) {
              pick = k;
              lowest = e.watermarks[cursor[k]];
            }
          }
          if (pick < 0) {
            break;
          }
          Event e = events[pick];
          int i = cursor[pick]++;
          if (e.watermarks[i] != ColumnarBatch.NO_TIME) {
            aggregate.advanceTo(e.watermarks[i]);
          }
          aggregate.mergePartial(e.starts[i], e.partials[i], e.rows[i]);
        }
        if (late > 0) {
          aggregate.dropLate(late);
        }
        if (rowWatermark != ColumnarBatch.NO_TIME) {
          aggregate.advanceTo(rowWatermark);
        }
        if (end) {
          aggregate.onEndOfInput();
        } else if (watermark != ColumnarBatch.NO_TIME) {
          aggregate.onWatermark(watermark);
        }
      } catch (RuntimeException ex) {
        failed = true;
        onFailure.accept(ex);
      }
    }

    private void apply(Event e) {
      if (e.barrier >= 0) {
        onBarrier.accept(e.barrier); // a barrier event has nothing else
        return;
      }
      if (failed) {
        return;
      }
      try {
        for (int i = 0; i < e.windows; i++) {
          if (e.watermarks[i] != ColumnarBatch.NO_TIME) {
            aggregate.advanceTo(e.watermarks[i]); // fires what closed before these rows, as row by row
          }
          aggregate.mergePartial(e.starts[i], e.partials[i], e.rows[i]);
        }
        if (e.late > 0) {
          aggregate.dropLate(e.late);
        }
        if (e.rowWatermark != ColumnarBatch.NO_TIME) {
          aggregate.advanceTo(e.rowWatermark);
        }
        if (e.end) {
          aggregate.onEndOfInput();
        } else if (e.watermark != ColumnarBatch.NO_TIME) {
          aggregate.onWatermark(e.watermark);
        }
      } catch (RuntimeException ex) {
        failed = true;
        onFailure.accept(ex);
      }
    }

    /** Events taken so far. */
    public long eventsTaken() {
      return next;
    }
  }
}
