package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.function.ScalarFunction;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A call of a plugin's or the application's {@link ScalarFunction}. The function sees NULL
 * arguments (it decides what NULL in means) through one reused {@link Arguments} view that reads
 * the argument expressions of the current row. {@link #isNull} calls the function and keeps the
 * result for the value accessor that follows it for the same row. Anything the function throws,
 * or a result of the wrong Java type, fails the pipeline with a message naming the function.
 */
public final class ScalarFunctionExpr extends Expr {
  private final ScalarFunction function;
  private final String origin;
  private final Expr[] args;
  private final View view = new View();
  private ColumnarBatch lastBatch;
  private int lastRow = -1;
  private Object lastResult;

  /** @param origin where the function comes from ("application", "plugin ID VERSION"), for messages */
  public ScalarFunctionExpr(ScalarFunction function, String origin, DataType type, Expr... args) {
    super(type);
    this.function = function;
    this.origin = origin;
    this.args = args.clone();
  }

  private Object result(ColumnarBatch b, int row) {
    if (b != lastBatch || row != lastRow) {
      call(b, row);
    }
    return lastResult;
  }

  private void call(ColumnarBatch b, int row) {
    view.batch = b;
    view.row = row;
    Object r;
    try {
      r = function.evaluate(view);
    } catch (RuntimeException | LinkageError e) {
      lastBatch = null;
      throw new IllegalStateException("function " + name() + " failed: " + e, e);
    } finally {
      view.batch = null;
    }
    lastResult = r == null ? null : convert(r);
    lastBatch = b;
    lastRow = row;
  }

  private String name() {
    return function.name().toUpperCase(java.util.Locale.ROOT) + " (" + origin + ")";
  }

  private Object convert(Object r) {
    return toStorage(r, type, "function " + name());
  }

  /**
   * A value a plugin returned, in the storage class of {@code type} (Long, Double, BigDecimal,
   * String or byte[]); {@code what} names the function in the error for a value of the wrong class.
   */
  public static Object toStorage(Object r, DataType type, String what) {
    Object v = switch (type.kind()) {
      case BOOLEAN -> r instanceof Boolean bool ? (Long) (bool ? 1L : 0L) : null;
      case INT, BIGINT -> r instanceof Integer || r instanceof Long || r instanceof Short || r instanceof Byte ? (Long) ((Number) r).longValue() : null;
      case TIMESTAMP -> r instanceof LocalDateTime t ? (Long) t.toInstant(ZoneOffset.UTC).toEpochMilli()
          : r instanceof Instant i ? (Long) i.toEpochMilli() : r instanceof Long l ? l : null;
      case DOUBLE -> r instanceof Number n ? (Double) n.doubleValue() : null;
      case DECIMAL -> r instanceof BigDecimal d ? d.setScale(type.scale(), RoundingMode.HALF_UP)
          : r instanceof Integer || r instanceof Long ? BigDecimal.valueOf(((Number) r).longValue()).setScale(type.scale()) : null;
      case VARCHAR -> r instanceof String ? r : null;
      case BYTES -> r instanceof byte[] ? r : null;
    };
    if (v == null) {
      throw new IllegalStateException(what + " returned a " + r.getClass().getName() + " for its result type " + type);
    }
    return v;
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    call(b, row); // always call: batches are reused, so (batch, row) alone does not identify a row
    return lastResult == null;
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return (Long) result(b, row);
  }

  @Override
  public double evalDouble(ColumnarBatch b, int row) {
    return (Double) result(b, row);
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    return result(b, row);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(function.name()).append('(');
    for (int i = 0; i < args.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(args[i]);
    }
    return sb.append(')').toString();
  }

  /** The arguments of the current row, read from the argument expressions on demand. */
  private final class View implements Arguments {
    ColumnarBatch batch;
    int row;

    @Override
    public int size() {
      return args.length;
    }

    private Expr arg(int index, String what) {
      Expr a = args[index];
      if (a.isNull(batch, row)) {
        throw new IllegalArgumentException("argument " + index + " is NULL; check isNull before " + what);
      }
      return a;
    }

    @Override
    public boolean isNull(int index) {
      return args[index].isNull(batch, row);
    }

    @Override
    public boolean getBoolean(int index) {
      return arg(index, "getBoolean").evalLong(batch, row) != 0;
    }

    @Override
    public long getLong(int index) {
      Expr a = arg(index, "getLong");
      if (!a.type().isLongBacked()) {
        throw new IllegalArgumentException("argument " + index + " is " + a.type() + "; getLong reads INT, BIGINT and TIMESTAMP");
      }
      return a.evalLong(batch, row);
    }

    @Override
    public double getDouble(int index) {
      return arg(index, "getDouble").evalAsDouble(batch, row);
    }

    @Override
    public String getString(int index) {
      Expr a = arg(index, "getString");
      if (a.type().kind() != TypeKind.VARCHAR) {
        throw new IllegalArgumentException("argument " + index + " is " + a.type() + ", not VARCHAR");
      }
      return (String) a.evalObject(batch, row);
    }

    @Override
    public Object get(int index) {
      Expr a = args[index];
      if (a.isNull(batch, row)) {
        return null;
      }
      return switch (a.type().kind()) {
        case BOOLEAN -> a.evalLong(batch, row) != 0;
        case INT -> (int) a.evalLong(batch, row);
        case BIGINT -> a.evalLong(batch, row);
        case DOUBLE -> a.evalDouble(batch, row);
        case TIMESTAMP -> {
          long ms = a.evalLong(batch, row);
          yield LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1_000_000, ZoneOffset.UTC);
        }
        case DECIMAL, VARCHAR, BYTES -> a.evalObject(batch, row);
      };
    }
  }
}
