package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.util.Arrays;

/**
 * The values of the grouping columns of one row. One mutable instance serves as the probe for
 * hash lookups (filled from a row without allocating); an immutable copy becomes the stored key
 * of a new group.
 */
public final class GroupKey {
  private final int[] columns;
  private final long[] longs;
  private final Object[] objects;
  private final boolean[] nulls;
  private final boolean[] isDouble;
  private int hash;

  /** A probe for the given input columns. */
  public GroupKey(int[] columns, DataType[] types) {
    this.columns = columns.clone();
    int n = columns.length;
    this.longs = new long[n];
    this.objects = new Object[n];
    this.nulls = new boolean[n];
    this.isDouble = new boolean[n];
    for (int i = 0; i < n; i++) {
      isDouble[i] = types[i].kind() == TypeKind.DOUBLE;
    }
  }

  private GroupKey(GroupKey probe) {
    this.columns = probe.columns;
    this.longs = probe.longs.clone();
    this.objects = probe.objects.clone();
    this.nulls = probe.nulls.clone();
    this.isDouble = probe.isDouble;
    this.hash = probe.hash;
  }

  /** Loads the key of row {@code row}; returns this probe. */
  public GroupKey load(ColumnarBatch in, int row, boolean[] longBacked) {
    int h = 1;
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      boolean isNull = in.isNull(row, c);
      nulls[i] = isNull;
      if (isNull) {
        longs[i] = 0;
        objects[i] = null;
        h = 31 * h + 7;
      } else if (longBacked[i]) {
        longs[i] = in.getLong(row, c);
        h = 31 * h + Long.hashCode(longs[i]);
      } else if (isDouble[i]) {
        double d = in.getDouble(row, c);
        longs[i] = Double.doubleToLongBits(d == 0.0 ? 0.0 : d); // -0.0 and 0.0 group together
        h = 31 * h + Long.hashCode(longs[i]);
      } else {
        Object o = in.getObjectSlot(row, c);
        objects[i] = o;
        h = 31 * h + (o instanceof byte[] b ? Arrays.hashCode(b) : o.hashCode());
      }
    }
    hash = h;
    return this;
  }

  /** An immutable copy to store as the key of a group. */
  public GroupKey copy() {
    return new GroupKey(this);
  }

  /** Whether any component is NULL (such a key matches nothing in a join). */
  public boolean anyNull() {
    for (boolean n : nulls) {
      if (n) {
        return true;
      }
    }
    return false;
  }

  public boolean isNull(int i) {
    return nulls[i];
  }

  public long longValue(int i) {
    return longs[i];
  }

  public double doubleValue(int i) {
    return Double.longBitsToDouble(longs[i]);
  }

  public Object objectValue(int i) {
    return objects[i];
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GroupKey k) || k.hash != hash) {
      return false;
    }
    for (int i = 0; i < longs.length; i++) {
      if (nulls[i] != k.nulls[i] || longs[i] != k.longs[i]) {
        return false;
      }
      Object a = objects[i];
      Object b = k.objects[i];
      if (a != b && (a == null || !(a instanceof byte[] x ? Arrays.equals(x, (byte[]) b) : a.equals(b)))) {
        return false;
      }
    }
    return true;
  }
}
