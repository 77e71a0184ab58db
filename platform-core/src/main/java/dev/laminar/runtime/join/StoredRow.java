package dev.laminar.runtime.join;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;

/**
 * A row kept in join state: its cells copied out of a batch in their storage class (long-backed
 * values and doubles as raw longs, strings/bytes/decimals as references), its NULL bits (columns 0..63 in
 * {@link #nulls}, any further ones in {@link #moreNulls}), its event time, and flags the join operators use.
 * Written back into an output batch without boxing. An entry of its operator's checkpoint journal.
 */
final class StoredRow extends dev.laminar.runtime.HeapStateJournal.Entry {
  final long[] longs;
  final Object[] objects;
  /** The NULL bits of columns 0..63. */
  final long nulls;
  /** The NULL bits of columns 64 on, a word per 64; null for a row of at most 64 columns. */
  final long[] moreNulls;
  final long rowtime;
  /** Matched at least once (outer, semi and anti joins). */
  boolean matched;
  /** Removed from its key's list (the time index drops it lazily). */
  boolean dead;
  /** The join key it is filed under. */
  Object key;
  /** Filed on the left input's side of an interval join (which side a checkpointed row goes back to). */
  boolean left;

  private StoredRow(long[] longs, Object[] objects, long nulls, long[] moreNulls, long rowtime) {
    this.longs = longs;
    this.objects = objects;
    this.nulls = nulls;
    this.moreNulls = moreNulls;
    this.rowtime = rowtime;
  }

  /** Whether cell {@code c} is NULL. */
  boolean isNull(int c) {
    return ((c < 64 ? nulls : moreNulls[(c >>> 6) - 1]) & (1L << c)) != 0;
  }

  /** How the cells of one schema are stored. */
  static final class Layout {
    /** 0 = long, 1 = double, 2 = object. */
    private final byte[] storage;

    Layout(Schema schema) {
      storage = new byte[schema.size()];
      for (int c = 0; c < storage.length; c++) {
        var t = schema.column(c).type();
        storage[c] = (byte) (t.isLongBacked() ? 0 : t.kind() == TypeKind.DOUBLE ? 1 : 2);
      }
    }

    int width() {
      return storage.length;
    }

    /** Words of NULL bits beyond the first. */
    private int moreNullWords() {
      return Math.max(0, (storage.length + 63) / 64 - 1);
    }

    StoredRow copy(ColumnarBatch in, int row) {
      int n = storage.length;
      long[] longs = new long[n];
      Object[] objects = null;
      long nulls = 0;
      long[] moreNulls = n > 64 ? new long[moreNullWords()] : null;
      for (int c = 0; c < n; c++) {
        if (in.isNull(row, c)) {
          if (c < 64) {
            nulls |= 1L << c;
          } else {
            moreNulls[(c >>> 6) - 1] |= 1L << c;
          }
          continue;
        }
        switch (storage[c]) {
          case 0 -> longs[c] = in.getLong(row, c);
          case 1 -> longs[c] = Double.doubleToRawLongBits(in.getDouble(row, c));
          default -> {
            if (objects == null) {
              objects = new Object[n];
            }
            objects[c] = in.getObjectSlot(row, c);
          }
        }
      }
      return new StoredRow(longs, objects, nulls, moreNulls, in.rowtime(row));
    }

    /** Writes {@code r}'s cells into columns {@code offset..offset+width-1} of an opened output row. */
    void write(StoredRow r, ColumnarBatch out, int outRow, int offset) {
      for (int c = 0; c < storage.length; c++) {
        if (r.isNull(c)) {
          out.putNull(outRow, offset + c);
          continue;
        }
        switch (storage[c]) {
          case 0 -> out.putLong(outRow, offset + c, r.longs[c]);
          case 1 -> out.putDouble(outRow, offset + c, Double.longBitsToDouble(r.longs[c]));
          default -> out.putObject(outRow, offset + c, r.objects[c]);
        }
      }
    }

    /** Copies row {@code row} of {@code in} into columns {@code offset..} of an opened output row. */
    void write(ColumnarBatch in, int row, ColumnarBatch out, int outRow, int offset) {
      for (int c = 0; c < storage.length; c++) {
        out.copyCell(in, row, c, outRow, offset + c);
      }
    }

    /**
     * Writes a stored row for a checkpoint: time, NULL mask (one word; then, for more than 64 columns, the further
     * words), flags, then each cell in its storage class.
     */
    void writeRow(StoredRow r, java.io.DataOutput out) throws java.io.IOException {
      out.writeLong(r.rowtime);
      out.writeLong(r.nulls);
      if (r.moreNulls != null) {
        for (long w : r.moreNulls) {
          out.writeLong(w);
        }
      }
      out.writeBoolean(r.matched);
      for (int c = 0; c < storage.length; c++) {
        if (storage[c] == 2) {
          dev.laminar.runtime.StateCodec.writeValue(r.objects == null ? null : r.objects[c], out);
        } else {
          out.writeLong(r.longs[c]);
        }
      }
    }

    StoredRow readRow(java.io.DataInput in) throws java.io.IOException {
      long rowtime = in.readLong();
      long nulls = in.readLong();
      long[] moreNulls = storage.length > 64 ? new long[moreNullWords()] : null;
      if (moreNulls != null) {
        for (int w = 0; w < moreNulls.length; w++) {
          moreNulls[w] = in.readLong();
        }
      }
      boolean matched = in.readBoolean();
      long[] longs = new long[storage.length];
      Object[] objects = null;
      for (int c = 0; c < storage.length; c++) {
        if (storage[c] == 2) {
          Object v = dev.laminar.runtime.StateCodec.readValue(in);
          if (v != null) {
            if (objects == null) {
              objects = new Object[storage.length];
            }
            objects[c] = v;
          }
        } else {
          longs[c] = in.readLong();
        }
      }
      StoredRow r = new StoredRow(longs, objects, nulls, moreNulls, rowtime);
      r.matched = matched;
      return r;
    }

    /** NULLs in columns {@code offset..offset+width-1} of an opened output row. */
    void writeNulls(ColumnarBatch out, int outRow, int offset) {
      for (int c = 0; c < storage.length; c++) {
        out.putNull(outRow, offset + c);
      }
    }
  }
}
