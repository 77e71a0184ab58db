package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * GROUP BY keys, window_start, window_end over SESSION windows, EMIT ON WINDOW CLOSE. Per key, a
 * session is {@code [first event time, last event time + gap)}; a row joins every session it is at
 * most {@code gap} away from, merging them (touching sessions merge). A session is emitted once, when
 * the watermark reaches its end. A row whose session — after merging — would already have ended is
 * late: counted and dropped.
 */
public final class SessionWindowAggregateOperator implements Operator, dev.laminar.runtime.Timer {
  private final long gap;
  private final WindowGroupKeys keys;
  private final GroupAccumulatorFactory aggregates;
  private final BatchEmitter emitter;
  private final Counter lateRowsDropped;
  private final Map<GroupKey, List<Session>> sessionsByKey = new HashMap<>();
  /** Every open session ordered by end (then creation), to fire them in order. */
  private final TreeSet<Session> byEnd = new TreeSet<>((a, b) -> a.end != b.end ? Long.compare(a.end, b.end) : Long.compare(a.id, b.id));
  private long watermark = ColumnarBatch.NO_TIME;
  private long nextId;
  private TumblingWindowAggregateOperator.Emit emit = TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE;

  private final class Session {
    final long id = nextId++;
    final GroupKey key;
    long start;
    long end;
    final GroupAccumulator accs;
    /** The row last emitted for this session (ON UPDATE / CHANGES), or null. */
    Object[] emitted;

    Session(GroupKey key, long start, long end) {
      this.key = key;
      this.start = start;
      this.end = end;
      this.accs = aggregates.create();
    }
  }

  public SessionWindowAggregateOperator(long gap, KeySource[] keySources, int[] keyColumns, Schema inputSchema,
      GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream, Counter lateRowsDropped) {
    if (gap <= 0) {
      throw new IllegalArgumentException("SESSION gap must be positive, was " + gap + " ms");
    }
    this.gap = gap;
    this.keys = new WindowGroupKeys(keySources, keyColumns, inputSchema);
    this.aggregates = aggregates;
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.lateRowsDropped = lateRowsDropped;
  }

  /**
   * ON UPDATE or CHANGES: every change of a session goes out at once (+I, then -U/+U — or +U only
   * for ON UPDATE); when an event merges sessions, each session merged away is retracted with a
   * delete (-D) of the row last emitted for it.
   */
  public void emit(TumblingWindowAggregateOperator.Emit mode) {
    this.emit = mode;
  }

  private long everyMillis;
  private long lastEveryMillis;

  /** EMIT EVERY: the interval of processing time between early results. */
  public void emitEvery(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("EMIT EVERY needs a positive interval, was " + millis + " ms");
    }
    this.everyMillis = millis;
  }

  /** EMIT EVERY: the changed results of every open session (reactor thread). */
  @Override
  public void onTimer(long nowMillis) {
    if (emit != TumblingWindowAggregateOperator.Emit.EVERY || nowMillis - lastEveryMillis < everyMillis) {
      return;
    }
    lastEveryMillis = nowMillis;
    for (Session s : byEnd) {
      emitChange(s, watermark);
    }
    emitter.flush();
  }

  private boolean retracts() {
    return eager() || emit == TumblingWindowAggregateOperator.Emit.EVERY;
  }

  private boolean eager() {
    return emit == TumblingWindowAggregateOperator.Emit.ON_UPDATE || emit == TumblingWindowAggregateOperator.Emit.CHANGES;
  }

  private void retract(Session s, long wm) {
    if (s.emitted != null) {
      ChangelogEmitter.retract(emitter, s.emitted, s.end - 1, wm);
      s.emitted = null;
    }
  }

  private void emitChange(Session s, long wm) {
    int o = emitter.openRow(RowKind.INSERT, s.end - 1, wm);
    keys.writeRow(emitter.batch(), o, s.start, s.end, s.key, s.accs);
    s.emitted = ChangelogEmitter.emit(emitter, o, s.emitted, emit == TumblingWindowAggregateOperator.Emit.ON_UPDATE, s.end - 1, wm);
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    for (int r = 0; r < n; r++) {
      long wm = in.watermark(r);
      if (wm > watermark) {
        advance(wm);
      }
      long t = in.rowtime(r);
      GroupKey key = keys.probe(in, r);
      List<Session> sessions = sessionsByKey.get(key);
      long start = t;
      long end = t + gap;
      List<Session> touching = new ArrayList<>(2);
      if (sessions != null) {
        for (Session s : sessions) {
          if (t <= s.end && t + gap >= s.start) {
            touching.add(s);
            start = Math.min(start, s.start);
            end = Math.max(end, s.end);
          }
        }
      }
      if (end <= watermark) {
        lateRowsDropped.increment();
        continue;
      }
      Session target;
      touching.sort((a, b) -> Long.compare(a.start, b.start)); // merge in time order
      if (touching.isEmpty()) {
        if (sessions == null) {
          key = key.copy();
          sessions = new ArrayList<>(2);
          sessionsByKey.put(key, sessions);
        } else {
          key = sessions.get(0).key;
        }
        target = new Session(key, start, end);
        sessions.add(target);
      } else {
        target = touching.get(0);
        byEnd.remove(target);
        for (int i = 1; i < touching.size(); i++) {
          Session other = touching.get(i);
          byEnd.remove(other);
          sessions.remove(other);
          if (retracts()) {
            retract(other, in.watermark(r));
          }
          target.accs.merge(other.accs);
        }
        target.start = start;
        target.end = end;
      }
      target.accs.add(in, r);
      byEnd.add(target);
      if (eager()) {
        emitChange(target, in.watermark(r));
      }
    }
    emitter.flush();
  }

  private void advance(long wm) {
    watermark = wm;
    while (!byEnd.isEmpty() && byEnd.first().end <= wm) {
      Session s = byEnd.pollFirst();
      List<Session> sessions = sessionsByKey.get(s.key);
      sessions.remove(s);
      if (sessions.isEmpty()) {
        sessionsByKey.remove(s.key);
      }
      if (emit == TumblingWindowAggregateOperator.Emit.EVERY) {
        emitChange(s, wm); // the changes since the last early result
      } else if (!eager()) {
        emit(s);
      }
    }
  }

  private void emit(Session s) {
    int o = emitter.openRow(RowKind.INSERT, s.end - 1, s.end - 1);
    keys.writeRow(emitter.batch(), o, s.start, s.end, s.key, s.accs);
    emitter.commitRow();
  }

  @Override
  public void onWatermark(long wm) {
    if (wm > watermark) {
      advance(wm);
      emitter.flush();
    }
    emitter.downstream().onWatermark(wm);
  }

  @Override
  public void onEndOfInput() {
    advance(Long.MAX_VALUE);
    emitter.flush();
    emitter.downstream().onEndOfInput();
  }

  /** Sessions currently open. */
  public int openSessions() {
    return byEnd.size();
  }
}
