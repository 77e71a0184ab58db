package dev.laminar.runtime;

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The engine's reusable columnar batch: sources write into it through {@link BatchWriter}, operators
 * and sinks read it through {@link RowBatch}. Long-backed types (BOOLEAN, INT, BIGINT, TIMESTAMP,
 * compact DECIMAL) live in {@code long[]}, DOUBLE in {@code double[]}, the rest in {@code Object[]}.
 *
 * <p>Besides the columns, every row carries its event time ({@link #rowtime}) and the watermark in
 * force after it ({@link #watermark}), so lateness is decided per row, independent of batch
 * boundaries. A batch with no rows may still carry a watermark advance or the end of input.
 *
 * <p>Not thread-safe: a batch is owned by one thread at a time and handed over through queues.
 */
public final class ColumnarBatch implements BatchWriter, RowBatch {
  /** No event time or watermark. */
  public static final long NO_TIME = Long.MIN_VALUE;

  private static final RowKind[] KINDS = RowKind.values();

  private final Schema schema;
  private final int capacity;
  private final TypeKind[] kinds;
  private final int[] scales;
  private final boolean[] compactDecimal;
  private final long[][] longs;
  private final double[][] doubles;
  private final Object[][] objects;
  private final boolean[][] nulls;
  private final byte[] rowKinds;
  private final long[] rowtime;
  private final long[] watermark;
  private int size;
  private boolean rowOpen;
  private boolean endOfInput;
  private boolean idleMarker;
  private long batchWatermark = NO_TIME;
  private long eventRowWatermark = NO_TIME;
  private long barrierEpoch = -1;
  /** Position in a dealt stream (engine.Shards' exchange): the event this batch belongs to, or -1. */
  private long sequence = -1;
  /** More batches of the same event follow this one (an event's rows overflowed one batch). */
  private boolean moreOfEvent;
  /** Where the batch goes back to when its consumer is done (set by the producer). */
  private BatchPool owner;

  public ColumnarBatch(Schema schema, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.schema = schema;
    this.capacity = capacity;
    int n = schema.size();
    kinds = new TypeKind[n];
    scales = new int[n];
    compactDecimal = new boolean[n];
    longs = new long[n][];
    doubles = new double[n][];
    objects = new Object[n][];
    nulls = new boolean[n][];
    for (int c = 0; c < n; c++) {
      DataType t = schema.column(c).type();
      kinds[c] = t.kind();
      scales[c] = t.scale();
      compactDecimal[c] = t.isCompactDecimal();
      nulls[c] = new boolean[capacity];
      if (t.isLongBacked()) {
        longs[c] = new long[capacity];
      } else if (t.kind() == TypeKind.DOUBLE) {
        doubles[c] = new double[capacity];
      } else {
        objects[c] = new Object[capacity];
      }
    }
    rowKinds = new byte[capacity];
    rowtime = new long[capacity];
    watermark = new long[capacity];
  }

  // ---------------------------------------------------------------- batch state

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public int size() {
    return size;
  }

  /** Empties the batch for reuse (object references are dropped so they can be collected). */
  public void clear() {
    for (int c = 0; c < objects.length; c++) {
      if (objects[c] != null) {
        java.util.Arrays.fill(objects[c], 0, size, null);
      }
    }
    size = 0;
    rowOpen = false;
    endOfInput = false;
    idleMarker = false;
    batchWatermark = NO_TIME;
    eventRowWatermark = NO_TIME;
    barrierEpoch = -1;
    sequence = -1;
    moreOfEvent = false;
  }

  /** The event of a dealt stream this batch belongs to, or -1 (see {@code KeyRouter}). */
  public long sequence() {
    return sequence;
  }

  public void setSequence(long sequence) {
    this.sequence = sequence;
  }

  /** True when further batches of the same event follow this one. */
  public boolean moreOfEvent() {
    return moreOfEvent;
  }

  public void setMoreOfEvent(boolean more) {
    this.moreOfEvent = more;
  }

  /**
   * A row-less checkpoint barrier marker: on an output edge, the rows before it belong to checkpoint epoch
   * {@code epoch} (or an earlier one); on a source split's queue or a shard's exchange, {@code epoch} is the
   * barrier's id (engine.CheckpointCoordinator), and the rows before it are those the checkpoint covers.
   */
  public void markBarrier(long epoch) {
    this.barrierEpoch = epoch;
  }

  /** The epoch (or barrier id) of a barrier marker, or -1 for a batch of rows. */
  public long barrierEpoch() {
    return barrierEpoch;
  }

  /** True for a row-less batch saying its split has been idle past the timeout (it stops holding back the watermark). */
  public boolean isIdleMarker() {
    return idleMarker;
  }

  public void markIdle() {
    this.idleMarker = true;
  }

  public boolean isEndOfInput() {
    return endOfInput;
  }

  public void markEndOfInput() {
    this.endOfInput = true;
  }

  /** The watermark after the whole batch (also meaningful for a batch with no rows), or {@link #NO_TIME}. */
  /**
   * On the final batch of an event handed to a shard (KeyRouter): the highest watermark carried by any row of the event,
   * whichever shard it went to, or NO_TIME ({@link Operator#onRowWatermark}).
   */
  public long eventRowWatermark() {
    return eventRowWatermark;
  }

  public void setEventRowWatermark(long wm) {
    this.eventRowWatermark = wm;
  }

  public long batchWatermark() {
    return batchWatermark;
  }

  public void setBatchWatermark(long wm) {
    this.batchWatermark = wm;
  }

  public long rowtime(int row) {
    return rowtime[row];
  }

  public void setRowtime(int row, long t) {
    rowtime[row] = t;
  }

  public long watermark(int row) {
    return watermark[row];
  }

  public void setWatermark(int row, long wm) {
    watermark[row] = wm;
  }

  BatchPool owner() {
    return owner;
  }

  void owner(BatchPool pool) {
    this.owner = pool;
  }

  // ---------------------------------------------------------------- writing

  @Override
  public void beginRow() {
    if (size >= capacity) {
      throw new IllegalStateException("batch is full (" + capacity + " rows)");
    }
    rowOpen = true;
    int r = size;
    for (boolean[] n : nulls) {
      n[r] = true;
    }
    rowKinds[r] = 0;
    rowtime[r] = NO_TIME;
    watermark[r] = NO_TIME;
  }

  @Override
  public void setRowKind(RowKind kind) {
    rowKinds[size] = (byte) kind.ordinal();
  }

  @Override
  public void endRow() {
    if (!rowOpen) {
      throw new IllegalStateException("endRow() without beginRow()");
    }
    rowOpen = false;
    size++;
  }

  @Override
  public void cancelRow() {
    rowOpen = false;
    int r = size;
    for (Object[] o : objects) {
      if (o != null) {
        o[r] = null;
      }
    }
  }

  /** Appends a copy of row {@code row} of {@code src}, which must have the same schema shape. */
  public void appendRowFrom(ColumnarBatch src, int row) {
    int r = size;
    for (int c = 0; c < kinds.length; c++) {
      copyCell(src, row, c, r, c);
    }
    rowKinds[r] = src.rowKinds[row];
    rowtime[r] = src.rowtime[row];
    watermark[r] = src.watermark[row];
    size = r + 1;
  }

  /**
   * Appends copies of rows {@code [from, from + count)} of {@code src}, which must have the same schema
   * shape: one array copy per column instead of a cell at a time.
   */
  public void appendRowsFrom(ColumnarBatch src, int from, int count) {
    int r = size;
    if (count > capacity - r) {
      throw new IllegalStateException("batch has room for " + (capacity - r) + " rows, not " + count);
    }
    for (int c = 0; c < kinds.length; c++) {
      System.arraycopy(src.nulls[c], from, nulls[c], r, count);
      if (longs[c] != null) {
        System.arraycopy(src.longs[c], from, longs[c], r, count);
      } else if (doubles[c] != null) {
        System.arraycopy(src.doubles[c], from, doubles[c], r, count);
      } else {
        System.arraycopy(src.objects[c], from, objects[c], r, count);
      }
    }
    System.arraycopy(src.rowKinds, from, rowKinds, r, count);
    System.arraycopy(src.rowtime, from, rowtime, r, count);
    System.arraycopy(src.watermark, from, watermark, r, count);
    size = r + count;
  }

  /**
   * Appends copies of rows {@code rows[offset .. offset + count)} of {@code src} (same schema shape), in
   * that order: a gather a column at a time, as {@link #appendRowsFrom} copies a run (the key router's
   * hand-off of each shard's rows).
   */
  public void appendRows(ColumnarBatch src, int[] rows, int offset, int count) {
    final int r = size;
    if (count > capacity - r) {
      throw new IllegalStateException("batch has room for " + (capacity - r) + " rows, not " + count);
    }
    final int end = offset + count;
    for (int c = 0; c < kinds.length; c++) {
      final boolean[] sn = src.nulls[c];
      final boolean[] dn = nulls[c];
      for (int i = offset, d = r; i < end; i++, d++) {
        dn[d] = sn[rows[i]];
      }
      if (longs[c] != null) {
        final long[] sv = src.longs[c];
        final long[] dv = longs[c];
        for (int i = offset, d = r; i < end; i++, d++) {
          dv[d] = sv[rows[i]];
        }
      } else if (doubles[c] != null) {
        final double[] sv = src.doubles[c];
        final double[] dv = doubles[c];
        for (int i = offset, d = r; i < end; i++, d++) {
          dv[d] = sv[rows[i]];
        }
      } else {
        final Object[] sv = src.objects[c];
        final Object[] dv = objects[c];
        for (int i = offset, d = r; i < end; i++, d++) {
          dv[d] = sv[rows[i]];
        }
      }
    }
    final byte[] sk = src.rowKinds;
    final long[] st = src.rowtime;
    final long[] sw = src.watermark;
    for (int i = offset, d = r; i < end; i++, d++) {
      final int row = rows[i];
      rowKinds[d] = sk[row];
      rowtime[d] = st[row];
      watermark[d] = sw[row];
    }
    size = r + count;
  }

  /** Copies one cell; the column types must share a storage class. */
  public void copyCell(ColumnarBatch src, int srcRow, int srcCol, int dstRow, int dstCol) {
    boolean isNull = src.nulls[srcCol][srcRow];
    nulls[dstCol][dstRow] = isNull;
    if (longs[dstCol] != null) {
      longs[dstCol][dstRow] = src.longs[srcCol][srcRow];
    } else if (doubles[dstCol] != null) {
      doubles[dstCol][dstRow] = src.doubles[srcCol][srcRow];
    } else {
      objects[dstCol][dstRow] = src.objects[srcCol][srcRow];
    }
  }

  /** Starts a row at the end for operators that fill cells directly; finish with {@link #commitRow}. */
  public int openRow(RowKind kind, long rowTime, long wm) {
    int r = size;
    if (r >= capacity) {
      throw new IllegalStateException("batch is full (" + capacity + " rows)");
    }
    rowKinds[r] = (byte) kind.ordinal();
    rowtime[r] = rowTime;
    watermark[r] = wm;
    return r;
  }

  public void commitRow() {
    size++;
  }

  /**
   * Writes a boxed value (as {@link #getObject} returns them) into a cell of an opened row:
   * the inverse of {@code getObject}, used to re-emit a remembered result row.
   */
  public void putBoxed(int row, int col, Object value) {
    if (value == null) {
      putNull(row, col);
      return;
    }
    switch (value) {
      case Boolean b -> putLong(row, col, b ? 1 : 0);
      case Integer i -> putLong(row, col, i);
      case Long l -> putLong(row, col, l);
      case Double d -> putDouble(row, col, d);
      case BigDecimal d when compactDecimal[col] -> putLong(row, col, d.setScale(scales[col], RoundingMode.HALF_UP).unscaledValue().longValueExact());
      case LocalDateTime ts -> putLong(row, col, ts.toInstant(ZoneOffset.UTC).toEpochMilli());
      default -> putObject(row, col, value);
    }
  }

  /** Sets the kind of an opened or written row. */
  public void setRowKindAt(int row, RowKind kind) {
    rowKinds[row] = (byte) kind.ordinal();
  }

  public void putNull(int row, int col) {
    nulls[col][row] = true;
    if (objects[col] != null) {
      objects[col][row] = null;
    }
  }

  public void putLong(int row, int col, long v) {
    nulls[col][row] = false;
    longs[col][row] = v;
  }

  public void putDouble(int row, int col, double v) {
    nulls[col][row] = false;
    doubles[col][row] = v;
  }

  public void putObject(int row, int col, Object v) {
    nulls[col][row] = v == null;
    objects[col][row] = v;
  }

  private IllegalArgumentException mismatch(int column, String setter) {
    Column c = schema.column(column);
    return new IllegalArgumentException(
        "column '" + c.name() + "' is " + c.type() + ": " + setter + " does not apply");
  }

  @Override
  public void setNull(int column) {
    putNull(size, column);
  }

  @Override
  public void setBoolean(int column, boolean value) {
    if (kinds[column] != TypeKind.BOOLEAN) {
      throw mismatch(column, "setBoolean");
    }
    putLong(size, column, value ? 1 : 0);
  }

  @Override
  public void setInt(int column, int value) {
    TypeKind k = kinds[column];
    if (k != TypeKind.INT && k != TypeKind.BIGINT) {
      throw mismatch(column, "setInt");
    }
    putLong(size, column, value);
  }

  @Override
  public void setLong(int column, long value) {
    TypeKind k = kinds[column];
    if (k == TypeKind.INT && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException("column '" + schema.column(column).name() + "' is INT: " + value + " does not fit");
    }
    if (k != TypeKind.BIGINT && k != TypeKind.INT) {
      throw mismatch(column, "setLong");
    }
    putLong(size, column, value);
  }

  @Override
  public void setDouble(int column, double value) {
    if (kinds[column] != TypeKind.DOUBLE) {
      throw mismatch(column, "setDouble");
    }
    putDouble(size, column, value);
  }

  @Override
  public void setDecimalUnscaled(int column, long unscaledValue) {
    if (!compactDecimal[column]) {
      throw mismatch(column, "setDecimalUnscaled");
    }
    putLong(size, column, unscaledValue);
  }

  @Override
  public void setDecimal(int column, BigDecimal value) {
    if (kinds[column] != TypeKind.DECIMAL) {
      throw mismatch(column, "setDecimal");
    }
    if (value == null) {
      putNull(size, column);
      return;
    }
    BigDecimal scaled = value.scale() == scales[column] ? value : value.setScale(scales[column], RoundingMode.HALF_UP);
    if (compactDecimal[column]) {
      putLong(size, column, scaled.unscaledValue().longValueExact());
    } else {
      putObject(size, column, scaled);
    }
  }

  @Override
  public void setString(int column, String value) {
    if (kinds[column] != TypeKind.VARCHAR) {
      throw mismatch(column, "setString");
    }
    putObject(size, column, value);
  }

  @Override
  public void setBytes(int column, byte[] value) {
    if (kinds[column] != TypeKind.BYTES) {
      throw mismatch(column, "setBytes");
    }
    putObject(size, column, value);
  }

  @Override
  public void setTimestampMillis(int column, long epochMillis) {
    if (kinds[column] != TypeKind.TIMESTAMP) {
      throw mismatch(column, "setTimestampMillis");
    }
    putLong(size, column, epochMillis);
  }

  @Override
  public void setObject(int column, Object value) {
    if (value == null) {
      putNull(size, column);
      return;
    }
    switch (kinds[column]) {
      case BOOLEAN -> setBoolean(column, (Boolean) value);
      case INT, BIGINT -> setLong(column, ((Number) value).longValue());
      case DOUBLE -> setDouble(column, ((Number) value).doubleValue());
      case DECIMAL -> setDecimal(column, value instanceof BigDecimal d ? d : new BigDecimal(value.toString()));
      case VARCHAR -> setString(column, value.toString());
      case BYTES -> setBytes(column, (byte[]) value);
      case TIMESTAMP -> setTimestampMillis(column, toEpochMillis(value));
    }
  }

  private static long toEpochMillis(Object value) {
    if (value instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (value instanceof Instant i) {
      return i.toEpochMilli();
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException("not a timestamp: " + value);
  }

  // ---------------------------------------------------------------- reading

  @Override
  public RowKind rowKind(int row) {
    return KINDS[rowKinds[row]];
  }

  @Override
  public boolean isNull(int row, int column) {
    return nulls[column][row];
  }

  @Override
  public boolean getBoolean(int row, int column) {
    return longs[column][row] != 0;
  }

  @Override
  public int getInt(int row, int column) {
    return (int) longs[column][row];
  }

  @Override
  public long getLong(int row, int column) {
    return longs[column][row];
  }

  @Override
  public double getDouble(int row, int column) {
    return doubles[column][row];
  }

  @Override
  public long getDecimalUnscaled(int row, int column) {
    return longs[column][row];
  }

  @Override
  public BigDecimal getDecimal(int row, int column) {
    if (nulls[column][row]) {
      return null;
    }
    return compactDecimal[column] ? BigDecimal.valueOf(longs[column][row], scales[column]) : (BigDecimal) objects[column][row];
  }

  @Override
  public String getString(int row, int column) {
    return (String) objects[column][row];
  }

  @Override
  public byte[] getBytes(int row, int column) {
    return (byte[]) objects[column][row];
  }

  /**
   * Whether column {@code col} holds the same value in rows {@code a} and {@code b}: NULL equals NULL, doubles
   * compare by their bits (as {@link Double#equals} does), objects by {@link java.util.Objects#deepEquals}.
   */
  public boolean sameCell(int a, int b, int col) {
    boolean nullA = nulls[col][a];
    if (nullA || nulls[col][b]) {
      return nullA == nulls[col][b];
    }
    if (longs[col] != null) {
      return longs[col][a] == longs[col][b];
    }
    if (doubles[col] != null) {
      return Double.doubleToLongBits(doubles[col][a]) == Double.doubleToLongBits(doubles[col][b]);
    }
    return java.util.Objects.deepEquals(objects[col][a], objects[col][b]);
  }

  /** The raw object slot (VARCHAR, BYTES, wide DECIMAL). */
  public Object getObjectSlot(int row, int column) {
    return objects[column][row];
  }

  @Override
  public Object getObject(int row, int column) {
    if (nulls[column][row]) {
      return null;
    }
    return switch (kinds[column]) {
      case BOOLEAN -> longs[column][row] != 0;
      case INT -> (int) longs[column][row];
      case BIGINT -> longs[column][row];
      case DOUBLE -> doubles[column][row];
      case DECIMAL -> getDecimal(row, column);
      case TIMESTAMP -> LocalDateTime.ofEpochSecond(Math.floorDiv(longs[column][row], 1000),
          (int) Math.floorMod(longs[column][row], 1000) * 1_000_000, ZoneOffset.UTC);
      case VARCHAR, BYTES -> objects[column][row];
    };
  }
}
