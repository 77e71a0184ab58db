package dev.laminar.differential;

import dev.laminar.differential.WindowedReference.Window;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The rows of one group of one window, in arrival order, and the aggregate functions over them as
 * docs/SQL.md defines them: NULLs are skipped; SUM/MIN/MAX/AVG/FIRST_VALUE/LAST_VALUE over no
 * non-NULL value are NULL; FIRST_VALUE/LAST_VALUE follow event time, ties by arrival.
 */
final class Group<T> {
  private final List<Object> keys;
  private final Window window;
  private final ToLongFunction<T> time;
  final List<T> rows = new ArrayList<>();

  Group(List<Object> keys, Window window, ToLongFunction<T> time) {
    this.keys = keys;
    this.window = window;
    this.time = time;
  }

  Window window() {
    return window;
  }

  Object key(int i) {
    return keys.get(i);
  }

  LocalDateTime start() {
    return Sql.time(window.start());
  }

  LocalDateTime end() {
    return Sql.time(window.end());
  }

  /** {@code agg FILTER (WHERE condition)}: the rows for which the condition is TRUE. */
  Group<T> filter(Function<T, Boolean> condition) {
    Group<T> g = new Group<>(keys, window, time);
    for (T r : rows) {
      if (Sql.isTrue(condition.apply(r))) {
        g.rows.add(r);
      }
    }
    return g;
  }

  private <X> List<X> nonNull(Function<T, X> column) {
    List<X> out = new ArrayList<>();
    for (T r : rows) {
      X x = column.apply(r);
      if (x != null) {
        out.add(x);
      }
    }
    return out;
  }

  long count() {
    return rows.size();
  }

  long count(Function<T, ?> column) {
    return nonNull(column).size();
  }

  long countDistinct(Function<T, ?> column) {
    Set<Object> distinct = new HashSet<>(nonNull(column));
    return distinct.size();
  }

  Long sumLong(Function<T, ? extends Number> column) {
    List<? extends Number> xs = nonNull(column);
    return xs.isEmpty() ? null : xs.stream().mapToLong(Number::longValue).sum();
  }

  Integer sumInt(Function<T, Integer> column) {
    List<Integer> xs = nonNull(column);
    return xs.isEmpty() ? null : xs.stream().mapToInt(Integer::intValue).sum();
  }

  Double sumDouble(Function<T, Double> column) {
    List<Double> xs = nonNull(column);
    return xs.isEmpty() ? null : xs.stream().mapToDouble(Double::doubleValue).sum();
  }

  BigDecimal sumDecimal(Function<T, BigDecimal> column) {
    List<BigDecimal> xs = nonNull(column);
    return xs.isEmpty() ? null : xs.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  <X> X min(Function<T, X> column) {
    X best = null;
    for (X x : nonNull(column)) {
      best = best == null || Sql.compare(x, best) < 0 ? x : best;
    }
    return best;
  }

  <X> X max(Function<T, X> column) {
    X best = null;
    for (X x : nonNull(column)) {
      best = best == null || Sql.compare(x, best) > 0 ? x : best;
    }
    return best;
  }

  /** AVG of integers or DOUBLEs is DOUBLE. */
  Double avg(Function<T, ? extends Number> column) {
    List<? extends Number> xs = nonNull(column);
    if (xs.isEmpty()) {
      return null;
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (Number x : xs) {
      sum = sum.add(x instanceof Double d ? new BigDecimal(d) : BigDecimal.valueOf(x.longValue()));
    }
    return sum.doubleValue() / xs.size();
  }

  /** AVG of a DECIMAL keeps the argument's scale. */
  BigDecimal avgDecimal(Function<T, BigDecimal> column, int scale) {
    BigDecimal sum = sumDecimal(column);
    return sum == null ? null : sum.divide(BigDecimal.valueOf(count(column)), scale, RoundingMode.HALF_UP);
  }

  /** The non-NULL value of the earliest event time; the first arrival among equal times. */
  <X> X first(Function<T, X> column) {
    T best = null;
    for (T r : rows) {
      if (column.apply(r) != null && (best == null || time.applyAsLong(r) < time.applyAsLong(best))) {
        best = r;
      }
    }
    return best == null ? null : column.apply(best);
  }

  /** The non-NULL value of the latest event time; the last arrival among equal times. */
  <X> X last(Function<T, X> column) {
    T best = null;
    for (T r : rows) {
      if (column.apply(r) != null && (best == null || time.applyAsLong(r) >= time.applyAsLong(best))) {
        best = r;
      }
    }
    return best == null ? null : column.apply(best);
  }

  private Double variance(Function<T, ? extends Number> column, boolean sample) {
    List<? extends Number> xs = nonNull(column);
    int n = xs.size();
    if (n == 0 || (sample && n == 1)) {
      return null;
    }
    double mean = xs.stream().mapToDouble(Number::doubleValue).sum() / n;
    double squares = 0;
    for (Number x : xs) {
      squares += (x.doubleValue() - mean) * (x.doubleValue() - mean);
    }
    return squares / (sample ? n - 1 : n);
  }

  Double varPop(Function<T, ? extends Number> column) {
    return variance(column, false);
  }

  Double varSamp(Function<T, ? extends Number> column) {
    return variance(column, true);
  }

  Double stddevPop(Function<T, ? extends Number> column) {
    Double v = variance(column, false);
    return v == null ? null : Math.sqrt(v);
  }

  Double stddevSamp(Function<T, ? extends Number> column) {
    Double v = variance(column, true);
    return v == null ? null : Math.sqrt(v);
  }

  @Override
  public String toString() {
    return keys + " " + window + " " + Objects.toString(rows);
  }
}
