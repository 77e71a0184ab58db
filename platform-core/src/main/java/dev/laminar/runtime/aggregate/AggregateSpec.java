package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;

/**
 * One aggregate call of a GROUP BY: the function, its argument column and the input and result types.
 * Semantics (see docs/SQL.md): COUNT(col) skips NULLs; SUM/MIN/MAX/AVG over no non-NULL value is NULL;
 * AVG of integers is DOUBLE; FIRST_VALUE/LAST_VALUE ignore NULLs and follow event time, ties
 * broken by arrival order.
 */
public record AggregateSpec(AggregateKind kind, int argument, DataType argumentType, DataType resultType, String name,
    int filterColumn, PluginAggregate plugin) {

  /** A call without FILTER. */
  public AggregateSpec(AggregateKind kind, int argument, DataType argumentType, DataType resultType, String name) {
    this(kind, argument, argumentType, resultType, name, -1, null);
  }

  /** A built-in call, possibly with FILTER. */
  public AggregateSpec(AggregateKind kind, int argument, DataType argumentType, DataType resultType, String name, int filterColumn) {
    this(kind, argument, argumentType, resultType, name, filterColumn, null);
  }

  /** Creates a fresh accumulator for one group (honouring {@code FILTER (WHERE ...)} when there is one). */
  public Accumulator create() {
    Accumulator inner = createUnfiltered();
    return filterColumn < 0 ? inner : new Filtered(inner, filterColumn);
  }

  private Accumulator createUnfiltered() {
    TypeKind in = argumentType == null ? null : argumentType.kind();
    return switch (kind) {
      case PLUGIN -> plugin.create(resultType);
      case COUNT_DISTINCT -> new CountDistinct(argument, argumentType);
      case APPROX_COUNT_DISTINCT -> new HyperLogLog(argument, argumentType);
      case COUNT_STAR -> new Count(-1);
      case COUNT -> new Count(argument);
      case SUM -> switch (in) {
        case DOUBLE -> new DoubleSum(argument);
        case DECIMAL -> new DecimalSum(argument, resultType, false);
        default -> new LongSum(argument);
      };
      case AVG -> switch (in) {
        case DECIMAL -> new DecimalSum(argument, resultType, true);
        case DOUBLE -> new DoubleAvg(argument, false);
        default -> new DoubleAvg(argument, true);
      };
      case MIN, MAX -> switch (in) {
        case DOUBLE -> new DoubleExtreme(argument, kind == AggregateKind.MAX);
        case VARCHAR, BYTES -> new ObjectExtreme(argument, kind == AggregateKind.MAX);
        default -> argumentType.isLongBacked() ? new LongExtreme(argument, kind == AggregateKind.MAX)
            : new ObjectExtreme(argument, kind == AggregateKind.MAX);
      };
      case STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP -> new Moments(argument, argumentType, kind);
      case FIRST_VALUE -> new FirstLast(argument, false, argumentType);
      case LAST_VALUE -> new FirstLast(argument, true, argumentType);
    };
  }

  @Override
  public String toString() {
    return name;
  }

  /** {@code agg(...) FILTER (WHERE cond)}: rows whose condition column is not TRUE are skipped. */
  private static final class Filtered implements Accumulator {
    private final Accumulator inner;
    private final int condition;

    Filtered(Accumulator inner, int condition) {
      this.inner = inner;
      this.condition = condition;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (!in.isNull(row, condition) && in.getLong(row, condition) != 0) {
        inner.add(in, row);
      }
    }

    @Override
    public void merge(Accumulator other) {
      inner.merge(((Filtered) other).inner);
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      inner.writeResult(out, row, col);
    }
  }

  /**
   * Variance and standard deviation (population and sample) by Welford's update, merged with Chan et
   * al.'s formula, so panes combine exactly as one pass would up to rounding. Sample statistics of
   * one value are NULL, of no value NULL.
   */
  private static final class Moments implements Accumulator {
    private final int arg;
    private final DataType type;
    private final AggregateKind kind;
    private long n;
    private double mean;
    private double m2;

    Moments(int arg, DataType type, AggregateKind kind) {
      this.arg = arg;
      this.type = type;
      this.kind = kind;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (in.isNull(row, arg)) {
        return;
      }
      double x = switch (type.kind()) {
        case DOUBLE -> in.getDouble(row, arg);
        case DECIMAL -> type.isCompactDecimal() ? AggregateResults.decimalToDouble(in.getLong(row, arg), type.scale())
            : in.getDecimal(row, arg).doubleValue();
        default -> in.getLong(row, arg);
      };
      n++;
      double delta = x - mean;
      mean += delta / n;
      m2 += delta * (x - mean);
    }

    @Override
    public void merge(Accumulator other) {
      Moments o = (Moments) other;
      if (o.n == 0) {
        return;
      }
      long total = n + o.n;
      double delta = o.mean - mean;
      mean += delta * o.n / total;
      m2 += o.m2 + delta * delta * n * o.n / total;
      n = total;
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      AggregateResults.writeMoments(out, row, col, n, m2, kind == AggregateKind.STDDEV_SAMP || kind == AggregateKind.VAR_SAMP,
          kind == AggregateKind.STDDEV_POP || kind == AggregateKind.STDDEV_SAMP);
    }
  }

  /** COUNT(DISTINCT x): the distinct non-NULL values (boxed), so merging is a union. */
  private static final class CountDistinct implements Accumulator {
    private final int arg;
    private final boolean longBacked;
    private final boolean isDouble;
    private final java.util.Set<Object> seen = new java.util.HashSet<>();

    CountDistinct(int arg, DataType type) {
      this.arg = arg;
      this.longBacked = type.isLongBacked();
      this.isDouble = type.kind() == TypeKind.DOUBLE;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (in.isNull(row, arg)) {
        return;
      }
      Object v = longBacked ? (Object) in.getLong(row, arg) : isDouble ? (Object) in.getDouble(row, arg) : in.getObjectSlot(row, arg);
      seen.add(v instanceof byte[] b ? java.nio.ByteBuffer.wrap(b.clone()) : v);
    }

    @Override
    public void merge(Accumulator other) {
      seen.addAll(((CountDistinct) other).seen);
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      out.putLong(row, col, seen.size());
    }
  }

  /** APPROX_COUNT_DISTINCT(x): HyperLogLog ({@link HyperLogLogs}), merged by taking the larger register. */
  private static final class HyperLogLog implements Accumulator {
    private final int arg;
    private final boolean longBacked;
    private final boolean isDouble;
    private final byte[] registers = new byte[HyperLogLogs.M];

    HyperLogLog(int arg, DataType type) {
      this.arg = arg;
      this.longBacked = type.isLongBacked();
      this.isDouble = type.kind() == TypeKind.DOUBLE;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (in.isNull(row, arg)) {
        return;
      }
      long h = longBacked ? HyperLogLogs.hash(in.getLong(row, arg))
          : isDouble ? HyperLogLogs.hash(in.getDouble(row, arg)) : HyperLogLogs.hash(in.getObjectSlot(row, arg));
      h = HyperLogLogs.mix(h);
      int index = HyperLogLogs.index(h);
      int rank = HyperLogLogs.rank(h);
      if (rank > registers[index]) {
        registers[index] = (byte) rank;
      }
    }

    @Override
    public void merge(Accumulator other) {
      byte[] o = ((HyperLogLog) other).registers;
      for (int i = 0; i < registers.length; i++) {
        if (o[i] > registers[i]) {
          registers[i] = o[i];
        }
      }
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      int[] counts = new int[HyperLogLogs.MAX_RANK + 1];
      for (byte r : registers) {
        counts[r]++;
      }
      out.putLong(row, col, HyperLogLogs.estimate(counts));
    }
  }

  private static final class Count implements Accumulator {
    private final int arg;
    private long count;

    Count(int arg) {
      this.arg = arg;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (arg < 0 || !in.isNull(row, arg)) {
        count++;
      }
    }

    @Override
    public void merge(Accumulator other) {
      count += ((Count) other).count;
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      out.putLong(row, col, count);
    }
  }

  private static final class LongSum implements Accumulator {
    private final int arg;
    private long sum;
    private boolean seen;

    LongSum(int arg) {
      this.arg = arg;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (!in.isNull(row, arg)) {
        sum += in.getLong(row, arg);
        seen = true;
      }
    }

    @Override
    public void merge(Accumulator other) {
      LongSum o = (LongSum) other;
      sum += o.sum;
      seen |= o.seen;
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      if (seen) {
        out.putLong(row, col, sum);
      } else {
        out.putNull(row, col);
      }
    }
  }

  private static final class DoubleSum implements Accumulator {
    private final int arg;
    private double sum;
    private boolean seen;

    DoubleSum(int arg) {
      this.arg = arg;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (!in.isNull(row, arg)) {
        sum += in.getDouble(row, arg);
        seen = true;
      }
    }

    @Override
    public void merge(Accumulator other) {
      DoubleSum o = (DoubleSum) other;
      sum += o.sum;
      seen |= o.seen;
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      if (seen) {
        out.putDouble(row, col, sum);
      } else {
        out.putNull(row, col);
      }
    }
  }

  private static final class DoubleAvg implements Accumulator {
    private final int arg;
    private final boolean integerInput;
    private double sum;
    private long count;

    DoubleAvg(int arg, boolean integerInput) {
      this.arg = arg;
      this.integerInput = integerInput;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (!in.isNull(row, arg)) {
        sum += integerInput ? in.getLong(row, arg) : in.getDouble(row, arg);
        count++;
      }
    }

    @Override
    public void merge(Accumulator other) {
      DoubleAvg o = (DoubleAvg) other;
      sum += o.sum;
      count += o.count;
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      if (count > 0) {
        out.putDouble(row, col, sum / count);
      } else {
        out.putNull(row, col);
      }
    }
  }

  /** SUM and AVG of DECIMAL: exact, compact decimals summed as unscaled longs while they fit. */
  private static final class DecimalSum implements Accumulator {
    private final int arg;
    private final DataType result;
    private final boolean average;
    private BigDecimal sum = BigDecimal.ZERO;
    private long count;

    DecimalSum(int arg, DataType result, boolean average) {
      this.arg = arg;
      this.result = result;
      this.average = average;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (!in.isNull(row, arg)) {
        sum = sum.add(in.getDecimal(row, arg));
        count++;
      }
    }

    @Override
    public void merge(Accumulator other) {
      DecimalSum o = (DecimalSum) other;
      sum = sum.add(o.sum);
      count += o.count;
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      AggregateResults.writeDecimalSum(out, row, col, sum, count, result, average);
    }
  }

  private static final class LongExtreme implements Accumulator {
    private final int arg;
    private final boolean max;
    private long value;
    private boolean seen;

    LongExtreme(int arg, boolean max) {
      this.arg = arg;
      this.max = max;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (in.isNull(row, arg)) {
        return;
      }
      long v = in.getLong(row, arg);
      if (!seen || (max ? v > value : v < value)) {
        value = v;
        seen = true;
      }
    }

    @Override
    public void merge(Accumulator other) {
      LongExtreme o = (LongExtreme) other;
      if (o.seen && (!seen || (max ? o.value > value : o.value < value))) {
        value = o.value;
        seen = true;
      }
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      if (seen) {
        out.putLong(row, col, value);
      } else {
        out.putNull(row, col);
      }
    }
  }

  private static final class DoubleExtreme implements Accumulator {
    private final int arg;
    private final boolean max;
    private double value;
    private boolean seen;

    DoubleExtreme(int arg, boolean max) {
      this.arg = arg;
      this.max = max;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (in.isNull(row, arg)) {
        return;
      }
      double v = in.getDouble(row, arg);
      if (!seen || (max ? v > value : v < value)) {
        value = v;
        seen = true;
      }
    }

    @Override
    public void merge(Accumulator other) {
      DoubleExtreme o = (DoubleExtreme) other;
      if (o.seen && (!seen || (max ? o.value > value : o.value < value))) {
        value = o.value;
        seen = true;
      }
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      if (seen) {
        out.putDouble(row, col, value);
      } else {
        out.putNull(row, col);
      }
    }
  }

  private static final class ObjectExtreme implements Accumulator {
    private final int arg;
    private final boolean max;
    private Object value;

    ObjectExtreme(int arg, boolean max) {
      this.arg = arg;
      this.max = max;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void add(ColumnarBatch in, int row) {
      if (in.isNull(row, arg)) {
        return;
      }
      Object v = in.getObjectSlot(row, arg);
      int cmp = value == null ? 0 : (v instanceof byte[] a ? java.util.Arrays.compareUnsigned(a, (byte[]) value)
          : ((Comparable) v).compareTo(value));
      if (value == null || (max ? cmp > 0 : cmp < 0)) {
        value = v;
      }
    }

    @Override
    public void merge(Accumulator other) {
      Object v = ((ObjectExtreme) other).value;
      if (v == null) {
        return;
      }
      @SuppressWarnings({"unchecked", "rawtypes"})
      int cmp = value == null ? 0 : (v instanceof byte[] a ? java.util.Arrays.compareUnsigned(a, (byte[]) value) : ((Comparable) v).compareTo(value));
      if (value == null || (max ? cmp > 0 : cmp < 0)) {
        value = v;
      }
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      out.putObject(row, col, value);
    }
  }

  /** FIRST_VALUE / LAST_VALUE by event time; ties go to the earlier (first) or later (last) arrival. */
  private static final class FirstLast implements Accumulator {
    private final int arg;
    private final boolean last;
    private long time;
    private long longValue;
    private double doubleValue;
    private Object objectValue;
    private boolean seen;
    private final DataType type;

    FirstLast(int arg, boolean last, DataType type) {
      this.arg = arg;
      this.last = last;
      this.type = type;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      if (in.isNull(row, arg)) {
        return;
      }
      long t = in.rowtime(row);
      if (seen && (last ? t < time : t >= time)) {
        return;
      }
      seen = true;
      time = t;
      if (type.isLongBacked()) {
        longValue = in.getLong(row, arg);
      } else if (type.kind() == TypeKind.DOUBLE) {
        doubleValue = in.getDouble(row, arg);
      } else {
        objectValue = in.getObjectSlot(row, arg);
      }
    }

    @Override
    public void merge(Accumulator other) {
      FirstLast o = (FirstLast) other;
      // panes are merged in time order, so on equal times the merged-in one arrived later
      if (!o.seen || (seen && (last ? o.time < time : o.time >= time))) {
        return;
      }
      seen = true;
      time = o.time;
      longValue = o.longValue;
      doubleValue = o.doubleValue;
      objectValue = o.objectValue;
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      if (!seen) {
        out.putNull(row, col);
        return;
      }
      if (type.isLongBacked()) {
        out.putLong(row, col, longValue);
      } else if (type.kind() == TypeKind.DOUBLE) {
        out.putDouble(row, col, doubleValue);
      } else {
        out.putObject(row, col, objectValue);
      }
    }
  }
}
