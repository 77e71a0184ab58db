package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * GROUP BY keys, window_start, window_end over SESSION windows. Per key, a session is
 * {@code [first event time, last event time + gap)}; a row joins every session it is at most
 * {@code gap} away from, merging them (touching sessions merge). A session fires when the watermark
 * reaches its end (EMIT ON WINDOW CLOSE: its row goes out then) and is kept {@code ALLOW LATENESS}
 * longer: until the watermark reaches end + lateness, a late row may still extend it or merge it with
 * others, and the fired result is corrected as a change (-U old / +U new; a session absorbed by a
 * merge is retracted with -D). A row whose session — after merging — would end at or before the
 * watermark minus the lateness is too late: it goes to the LATE DATA TO stream, or is dropped; both
 * are counted.
 *
 * <p>Checkpoints: each session is an entry of a {@link dev.laminar.runtime.HeapStateJournal}, so a
 * barrier encodes only the sessions changed since the previous one.
 */
public final class SessionWindowAggregateOperator implements Operator, dev.laminar.runtime.Timer, dev.laminar.runtime.StoreBacked,
    AutoCloseable {
  /** By end, then creation: the order sessions fire and expire in. */
  private static final Comparator<Session> BY_END = (a, b) -> a.end != b.end ? Long.compare(a.end, b.end) : Long.compare(a.id, b.id);
  /** Sessions of one key do not overlap, so their starts order them in time. */
  private static final Comparator<Session> BY_START = (a, b) -> Long.compare(a.start, b.start);

  private final long gap;
  private final WindowGroupKeys keys;
  private final GroupAccumulatorFactory aggregates;
  private final BatchEmitter emitter;
  private final LateRows late;
  private final Map<GroupKey, List<Session>> sessionsByKey = new HashMap<>();
  /** Every session kept (open, or fired and within the allowed lateness), to expire them in order. */
  private final TreeSet<Session> byEnd = new TreeSet<>(BY_END);
  /** The sessions that have not fired yet, to fire them in order. */
  private final TreeSet<Session> pending = new TreeSet<>(BY_END);
  /** Reused per row: the sessions a row touches. */
  private final List<Session> touching = new ArrayList<>(4);
  private long watermark = ColumnarBatch.NO_TIME;
  private long nextId;
  private Emit emit = Emit.ON_WINDOW_CLOSE;
  private final EmitEvery every = new EmitEvery();
  private final dev.laminar.runtime.HeapStateJournal journal = new dev.laminar.runtime.HeapStateJournal();

  private final class Session extends dev.laminar.runtime.HeapStateJournal.Entry {
    final long id = nextId++;
    final GroupKey key;
    long start;
    long end;
    final GroupAccumulator accs;
    /** Whether the watermark has reached its end: from then on every change goes out at once. */
    boolean fired;
    /** The row last emitted for this session (to retract or update it), or null. */
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
    this.late = new LateRows(lateRowsDropped);
  }

  /**
   * ON UPDATE or CHANGES: every change of a session goes out at once (+I, then -U/+U — or +U only
   * for ON UPDATE); when an event merges sessions, each session merged away is retracted with a
   * delete (-D) of the row last emitted for it.
   */
  public void emit(Emit mode) {
    this.emit = mode;
  }

  /**
   * ALLOW LATENESS / LATE DATA TO: sessions are kept {@code millis} after their end; a row in that
   * time updates (extends, merges) them and fired results are corrected as changes. Rows later than
   * that go to {@code lateOutput}, or are dropped; all are counted.
   */
  public void allowLateness(long millis, Operator lateOutput, Schema inputSchema, int batchCapacity, Counter accepted,
      Counter redirected) {
    late.configure(millis, lateOutput, inputSchema, batchCapacity, accepted, redirected);
  }

  /** EMIT EVERY: the interval of processing time between early results. */
  public void emitEvery(long millis) {
    every.interval(millis);
  }

  /** EMIT EVERY: the changed results of every session that has not fired yet (reactor thread). */
  @Override
  public void onTimer(long nowMillis) {
    if (emit != Emit.EVERY || !every.due(nowMillis)) {
      return;
    }
    for (Session s : pending) {
      emitChange(s, watermark);
    }
    emitter.flush();
  }

  @Override
  public Map<String, dev.laminar.state.StateStore> stores() {
    return journal.stores("sessions");
  }

  @Override
  public void close() {
    journal.close();
  }

  /** The watermark; the sessions changed since the last barrier go to the journal's store. */
  @Override
  public void snapshot(java.io.DataOutput out) throws java.io.IOException {
    out.writeLong(watermark);
    out.writeLong(every.last());
    out.writeLong(nextId);
    journal.<Session>flush(visit -> byEnd.forEach(visit), (session, o) -> {
      dev.laminar.runtime.StateCodec.writeState(session.key, o);
      o.writeLong(session.id);
      o.writeLong(session.start);
      o.writeLong(session.end);
      o.writeBoolean(session.fired); // not fired = pending
      GroupStateIo.writeRow(session.emitted, o);
      dev.laminar.runtime.StateCodec.writeState(session.accs, o);
    });
  }

  @Override
  public void restore(java.io.DataInput in) throws java.io.IOException {
    watermark = in.readLong();
    every.last(in.readLong());
    nextId = in.readLong();
    sessionsByKey.clear();
    byEnd.clear();
    pending.clear();
  }

  @Override
  public void restoreStores(Map<String, List<java.nio.file.Path>> chains) throws java.io.IOException {
    dev.laminar.runtime.StoreBacked.requireOwnStores(chains, "sessions"::equals, "the heap SESSION aggregate");
    long savedNextId = nextId;
    journal.restore(chains, "sessions", in -> {
      GroupKey key = keys.blank();
      dev.laminar.runtime.StateCodec.readState(key, in);
      nextId = in.readLong(); // the session takes its old id (ids order sessions that end together)
      long start = in.readLong();
      long end = in.readLong();
      Session session = new Session(key, start, end);
      session.fired = in.readBoolean();
      session.emitted = GroupStateIo.readRow(in);
      dev.laminar.runtime.StateCodec.readState(session.accs, in);
      sessionsByKey.computeIfAbsent(key, k -> new ArrayList<>(2)).add(session);
      byEnd.add(session);
      if (!session.fired) {
        pending.add(session);
      }
      return session;
    });
    nextId = savedNextId;
  }

  private boolean eager() {
    return emit == Emit.ON_UPDATE || emit == Emit.CHANGES;
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
    Object[] before = s.emitted;
    s.emitted = ChangelogEmitter.emit(emitter, o, before, emit == Emit.ON_UPDATE, s.end - 1, wm);
    if (s.emitted != before) {
      journal.changed(s);
    }
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    for (int r = 0; r < n; r++) {
      long wm = in.watermark(r);
      if (wm > watermark) {
        advance(wm);
      }
      processRow(in, r, wm);
    }
    emitter.flush();
    late.flush();
  }

  private void processRow(ColumnarBatch in, int r, long wm) {
    long t = in.rowtime(r);
    GroupKey key = keys.probe(in, r);
    List<Session> sessions = sessionsByKey.get(key);
    long start = t;
    long end = t + gap;
    boolean touchesFired = false;
    touching.clear();
    if (sessions != null) {
      for (Session s : sessions) {
        if (t <= s.end && t + gap >= s.start) {
          touching.add(s);
          start = Math.min(start, s.start);
          end = Math.max(end, s.end);
          touchesFired |= s.fired;
        }
      }
    }
    if (end + late.lateness() <= watermark) {
      late.reject(in, r);
      return;
    }
    if (end <= watermark || touchesFired) {
      late.accept(); // it changes a result that has gone out (or would have)
    }
    Session target;
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
      journal.added(target);
    } else {
      if (touching.size() > 1) {
        touching.sort(BY_START); // merge in time order
      }
      target = touching.get(0);
      unindex(target);
      for (int i = 1; i < touching.size(); i++) {
        Session other = touching.get(i);
        unindex(other);
        sessions.remove(other);
        journal.dropped(other);
        retract(other, wm);
        target.accs.merge(other.accs);
        target.fired |= other.fired;
      }
      target.start = start;
      target.end = end;
      journal.changed(target);
    }
    target.accs.add(in, r);
    if (!target.fired && end <= watermark) {
      target.fired = true; // a session first seen (or only completed) after its end: it goes out as a change now
    }
    byEnd.add(target);
    if (!target.fired) {
      pending.add(target);
    }
    if (eager() || target.fired) {
      emitChange(target, wm);
    }
  }

  private void unindex(Session s) {
    byEnd.remove(s);
    pending.remove(s);
  }

  /** Fires every session whose end the watermark reached, then forgets those past the allowed lateness. */
  private void advance(long wm) {
    watermark = wm;
    while (!pending.isEmpty() && pending.first().end <= wm) {
      Session s = pending.pollFirst();
      s.fired = true;
      journal.changed(s);
      if (emit == Emit.EVERY) {
        emitChange(s, wm); // the changes since the last early result
      } else if (!eager()) {
        fire(s);
      }
    }
    while (!byEnd.isEmpty() && byEnd.first().end + late.lateness() <= wm) {
      Session s = byEnd.pollFirst();
      journal.dropped(s);
      List<Session> sessions = sessionsByKey.get(s.key);
      sessions.remove(s);
      if (sessions.isEmpty()) {
        sessionsByKey.remove(s.key);
      }
    }
  }

  /** ON WINDOW CLOSE: the session's row, kept when a late row may still change it. */
  private void fire(Session s) {
    int o = emitter.openRow(RowKind.INSERT, s.end - 1, s.end - 1);
    keys.writeRow(emitter.batch(), o, s.start, s.end, s.key, s.accs);
    if (late.lateness() > 0) {
      s.emitted = ChangelogEmitter.snapshot(emitter.batch(), o);
    }
    emitter.commitRow();
  }

  @Override
  public void onRowWatermark(long wm) {
    if (wm > watermark) {
      advance(wm);
      emitter.flush();
    }
  }

  @Override
  public void onWatermark(long wm) {
    onRowWatermark(wm);
    emitter.downstream().onWatermark(wm);
    late.onWatermark(wm);
  }

  @Override
  public void onEndOfInput() {
    advance(Long.MAX_VALUE);
    emitter.flush();
    late.onEndOfInput();
    emitter.downstream().onEndOfInput();
  }

  /** Sessions currently kept (open, or fired and within the allowed lateness). */
  public int openSessions() {
    return byEnd.size();
  }
}
