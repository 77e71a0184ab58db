package dev.laminar.differential;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A batch computation of a windowed aggregate over a finite stream in arrival order, following
 * docs/SQL.md: the watermark is the largest event time so far minus the bound, advanced per row;
 * a row counts in each of its windows whose end is after the watermark in force when it arrives,
 * and is late (counted, dropped) when it has no such window.
 *
 * @param <T> the type of the input rows
 */
final class WindowedReference<T> {
  enum Shape { TUMBLE, HOP, CUMULATE }

  record Window(long start, long end) {}

  private final Shape shape;
  private final long pane;
  private final long size;
  private final long bound;
  private final ToLongFunction<T> time;
  private final List<Function<T, Object>> keys = new ArrayList<>();
  private Function<T, Boolean> where = r -> true;
  private Function<Group<T>, Boolean> having = g -> true;
  private Function<Group<T>, Object[]> select;

  private WindowedReference(Shape shape, long pane, long size, long bound, ToLongFunction<T> time) {
    this.shape = shape;
    this.pane = pane;
    this.size = size;
    this.bound = bound;
    this.time = time;
  }

  static <T> WindowedReference<T> tumble(long size, long bound, ToLongFunction<T> time) {
    return new WindowedReference<>(Shape.TUMBLE, size, size, bound, time);
  }

  static <T> WindowedReference<T> hop(long slide, long size, long bound, ToLongFunction<T> time) {
    return new WindowedReference<>(Shape.HOP, slide, size, bound, time);
  }

  static <T> WindowedReference<T> cumulate(long step, long size, long bound, ToLongFunction<T> time) {
    return new WindowedReference<>(Shape.CUMULATE, step, size, bound, time);
  }

  /** GROUP BY these expressions (and the window). */
  @SafeVarargs
  final WindowedReference<T> groupBy(Function<T, Object>... keyExprs) {
    for (Function<T, Object> k : keyExprs) {
      keys.add(k);
    }
    return this;
  }

  /** WHERE before windowing: a row passes only when the condition is TRUE. */
  WindowedReference<T> where(Function<T, Boolean> condition) {
    this.where = condition;
    return this;
  }

  WindowedReference<T> having(Function<Group<T>, Boolean> condition) {
    this.having = condition;
    return this;
  }

  WindowedReference<T> select(Function<Group<T>, Object[]> projection) {
    this.select = projection;
    return this;
  }

  /** The windows containing {@code ts}, ascending by end. */
  List<Window> windowsOf(long ts) {
    List<Window> out = new ArrayList<>();
    switch (shape) {
      case TUMBLE -> {
        long start = Math.floorDiv(ts, size) * size;
        out.add(new Window(start, start + size));
      }
      case HOP -> {
        for (long start = Math.floorDiv(ts, pane) * pane - size + pane; start <= ts; start += pane) {
          if (start + size > ts) {
            out.add(new Window(start, start + size));
          }
        }
      }
      case CUMULATE -> {
        long cycle = Math.floorDiv(ts, size) * size;
        for (long end = Math.floorDiv(ts, pane) * pane + pane; end <= cycle + size; end += pane) {
          out.add(new Window(cycle, end));
        }
      }
    }
    return out;
  }

  /** The groups of all windows, in the order they first appeared, and the count of late rows. */
  record Evaluation<T>(List<Group<T>> groups, long late) {}

  Evaluation<T> evaluate(List<T> input) {
    long watermark = Long.MIN_VALUE;
    long late = 0;
    Map<List<Object>, Group<T>> groups = new LinkedHashMap<>();
    for (T row : input) {
      watermark = Math.max(watermark, time.applyAsLong(row) - bound);
      if (!Sql.isTrue(where.apply(row))) {
        continue;
      }
      boolean counted = false;
      for (Window w : windowsOf(time.applyAsLong(row))) {
        if (w.end() > watermark) {
          groupOf(groups, row, w).rows.add(row);
          counted = true;
        }
      }
      if (!counted) {
        late++;
      }
    }
    return new Evaluation<>(new ArrayList<>(groups.values()), late);
  }

  private Group<T> groupOf(Map<List<Object>, Group<T>> groups, T row, Window w) {
    List<Object> keyValues = new ArrayList<>();
    for (Function<T, Object> k : keys) {
      keyValues.add(k.apply(row));
    }
    List<Object> id = new ArrayList<>(keyValues);
    id.add(w.start());
    id.add(w.end());
    return groups.computeIfAbsent(id, x -> new Group<>(keyValues, w, time));
  }

  /** The rows emitted ON WINDOW CLOSE (groups passing HAVING), in the order windows close. */
  List<Row> windowClose(List<T> input) {
    List<Group<T>> groups = new ArrayList<>(evaluate(input).groups());
    groups.sort(Comparator.comparingLong(g -> g.window().end())); // stable: first appearance within an end
    List<Row> out = new ArrayList<>();
    for (Group<T> g : groups) {
      if (Sql.isTrue(having.apply(g))) {
        out.add(Row.of(select.apply(g)));
      }
    }
    return out;
  }

  /**
   * The changelog of a TUMBLE aggregate under EMIT ON UPDATE ({@code changes} false: +I, then +U
   * new) or EMIT CHANGES (+I, then -U old, +U new), nothing when a result is unchanged.
   */
  List<Row> changelog(List<T> input, boolean changes) {
    long watermark = Long.MIN_VALUE;
    Map<List<Object>, Group<T>> groups = new LinkedHashMap<>();
    Map<Group<T>, Row> emitted = new java.util.IdentityHashMap<>();
    List<Row> out = new ArrayList<>();
    for (T row : input) {
      watermark = Math.max(watermark, time.applyAsLong(row) - bound);
      Window w = windowsOf(time.applyAsLong(row)).get(0);
      if (!Sql.isTrue(where.apply(row)) || w.end() <= watermark) {
        continue;
      }
      Group<T> g = groupOf(groups, row, w);
      g.rows.add(row);
      Row now = Row.of(select.apply(g));
      Row before = emitted.put(g, now);
      if (before == null) {
        out.add(now);
      } else if (!before.equals(now)) {
        if (changes) {
          out.add(Row.ofKind(RowKind.UPDATE_BEFORE, before.values()));
        }
        out.add(Row.ofKind(RowKind.UPDATE_AFTER, now.values()));
      }
    }
    return out;
  }

  /** A finished window's rows as the next stage sees them: event time window_end - 1 ms, in closing order. */
  record Emitted(Row row, long eventTime) {}

  List<Emitted> emitted(List<T> input) {
    List<Group<T>> groups = new ArrayList<>(evaluate(input).groups());
    groups.sort(Comparator.comparingLong(g -> g.window().end()));
    List<Emitted> out = new ArrayList<>();
    for (Group<T> g : groups) {
      if (Sql.isTrue(having.apply(g))) {
        out.add(new Emitted(Row.of(select.apply(g)), g.window().end() - 1));
      }
    }
    return out;
  }
}
