package dev.laminar.differential;

import dev.laminar.differential.WindowedReference.Window;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A SESSION aggregate computed over a finite stream in arrival order, following docs/SQL.md: the
 * watermark is the largest event time so far minus the bound, advanced per row; per key a session is
 * [first time, last time + gap), a row joins (and merges) every kept session it is at most the gap
 * away from; sessions fire when the watermark reaches their end (in end order, then creation order)
 * and are kept {@code lateness} longer; a row whose merged session would end at or before the
 * watermark minus the lateness is late (counted, dropped). After firing — and always for EMIT
 * CHANGES — every change goes out at once: +I, then -U old / +U new; a session absorbed by a merge
 * is retracted with -D.
 */
final class SessionReference {
  private final long gap;
  private final long bound;
  private final long lateness;
  private final Function<StreamRow, Object> key;
  private final Function<Group<StreamRow>, Object[]> select;

  /** A session of one key: its rows in arrival order and the row last emitted for it. */
  private static final class Session {
    final long id;
    final Object key;
    long start;
    long end;
    final List<StreamRow> rows = new ArrayList<>();
    boolean fired;
    Row emitted;

    Session(long id, Object key, long start, long end) {
      this.id = id;
      this.key = key;
      this.start = start;
      this.end = end;
    }
  }

  /** The changelog and the number of rows dropped as late. */
  record Result(List<Row> changelog, long late) {}

  SessionReference(long gap, long bound, long lateness, Function<StreamRow, Object> key, Function<Group<StreamRow>, Object[]> select) {
    this.gap = gap;
    this.bound = bound;
    this.lateness = lateness;
    this.key = key;
    this.select = select;
  }

  /** ON WINDOW CLOSE ({@code changes} false) or EMIT CHANGES. */
  Result run(List<StreamRow> input, boolean changes) {
    List<Session> kept = new ArrayList<>();
    List<Row> out = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    long late = 0;
    long nextId = 0;
    for (StreamRow row : input) {
      if (row.ts() - bound > watermark) {
        watermark = row.ts() - bound;
        fire(kept, watermark, changes, out);
      }
      Object k = key.apply(row);
      long start = row.ts();
      long end = row.ts() + gap;
      List<Session> touching = new ArrayList<>();
      for (Session s : kept) {
        if (java.util.Objects.equals(s.key, k) && row.ts() <= s.end && row.ts() + gap >= s.start) {
          touching.add(s);
          start = Math.min(start, s.start);
          end = Math.max(end, s.end);
        }
      }
      if (end + lateness <= watermark) {
        late++;
        continue;
      }
      touching.sort(Comparator.comparingLong(s -> s.start));
      Session target = touching.isEmpty() ? new Session(nextId++, k, start, end) : touching.get(0);
      if (touching.isEmpty()) {
        kept.add(target);
      }
      for (Session other : touching.subList(Math.min(1, touching.size()), touching.size())) {
        kept.remove(other);
        if (other.emitted != null) {
          out.add(Row.ofKind(RowKind.DELETE, other.emitted.values()));
        }
        target.rows.addAll(other.rows);
        target.fired |= other.fired;
      }
      target.rows.add(row);
      target.start = start;
      target.end = end;
      target.fired |= end <= watermark;
      if (changes || target.fired) {
        emitChange(target, out);
      }
    }
    fire(kept, Long.MAX_VALUE, changes, out);
    return new Result(out, late);
  }

  private void fire(List<Session> kept, long watermark, boolean changes, List<Row> out) {
    List<Session> closing = new ArrayList<>();
    for (Session s : kept) {
      if (!s.fired && s.end <= watermark) {
        closing.add(s);
      }
    }
    closing.sort(Comparator.<Session>comparingLong(s -> s.end).thenComparingLong(s -> s.id));
    for (Session s : closing) {
      s.fired = true;
      if (!changes) {
        s.emitted = result(s);
        out.add(s.emitted);
      }
    }
    kept.removeIf(s -> s.end + lateness <= watermark);
  }

  private void emitChange(Session s, List<Row> out) {
    Row now = result(s);
    if (s.emitted == null) {
      out.add(now);
    } else if (!s.emitted.equals(now)) {
      out.add(Row.ofKind(RowKind.UPDATE_BEFORE, s.emitted.values()));
      out.add(Row.ofKind(RowKind.UPDATE_AFTER, now.values()));
    } else {
      return;
    }
    s.emitted = now;
  }

  private Row result(Session s) {
    List<Object> keys = new ArrayList<>();
    keys.add(s.key);
    Group<StreamRow> g = new Group<>(keys, new Window(s.start, s.end), StreamRow::ts);
    g.rows.addAll(s.rows);
    return Row.of(select.apply(g));
  }
}
