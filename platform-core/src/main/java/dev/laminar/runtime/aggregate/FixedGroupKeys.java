package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import dev.laminar.state.OffHeapStateStore;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The GROUP BY columns of an off-heap window operator as a fixed-size state-store key: one 8-byte word
 * per grouping column (long-backed: the value; DOUBLE: its bits, -0.0 folded into 0.0; VARCHAR, BYTES and
 * wide DECIMAL: its id in a {@link StringKeyDictionary}), plus a word of NULL bits when a grouping column is nullable. Fills
 * a reused probe from a row, writes a result row's grouping columns back from a stored key, and keeps
 * the dictionary's reference counts (a new group retains its strings, a dropped one releases them).
 * Reactor thread only; allocates nothing per row.
 */
final class FixedGroupKeys implements AutoCloseable {
  private static final byte LONG = 0;
  private static final byte DOUBLE = 1;
  /** A value held by the dictionary (VARCHAR, BYTES, wide DECIMAL). */
  private static final byte STRING = 2;

  private final KeySource[] sources;
  private final int[] columns;
  private final byte[] kinds;
  private final boolean nullWord;
  private final int words;
  private final StringKeyDictionary dictionary;
  private final long[] probeWords;
  private final MemorySegment probe;

  /**
   * @param keySources for each grouping output column, where its value comes from
   * @param keyColumns for each grouping output column of source COLUMN, the input column (others ignored)
   * @param scratch where the dictionary's store keeps its memory-mapped files
   * @param objectValues whether the aggregate states keep object values in the dictionary too
   *     ({@link GroupAccumulatorFactory#slotObjectWords()} not empty)
   */
  FixedGroupKeys(KeySource[] keySources, int[] keyColumns, Schema input, Path scratch, boolean objectValues) {
    this.sources = keySources.clone();
    int n = 0;
    int[] cols = new int[keySources.length];
    boolean nullable = false;
    for (int i = 0; i < keySources.length; i++) {
      if (keySources[i] == KeySource.COLUMN) {
        cols[n++] = keyColumns[i];
        nullable |= input.column(keyColumns[i]).nullable();
      }
    }
    this.columns = Arrays.copyOf(cols, n);
    this.kinds = new byte[n];
    boolean strings = false;
    for (int i = 0; i < n; i++) {
      DataType type = input.column(columns[i]).type();
      kinds[i] = type.isLongBacked() ? LONG : type.kind() == TypeKind.DOUBLE ? DOUBLE : STRING;
      strings |= kinds[i] == STRING;
    }
    this.nullWord = nullable;
    this.words = Math.max(1, n + (nullable ? 1 : 0)); // a store needs a key: GROUP BY the window alone uses one zero word
    this.dictionary = strings || objectValues ? new StringKeyDictionary(scratch) : null;
    this.probeWords = new long[words];
    this.probe = MemorySegment.ofArray(probeWords);
  }

  /** Key size in bytes. */
  int keyBytes() {
    return words * 8;
  }

  /** Grouping output columns (the aggregate results follow them). */
  int width() {
    return sources.length;
  }

  /** The dictionary's store (snapshotted with the operator's other stores), or null without VARCHAR grouping columns. */
  OffHeapStateStore dictionaryStore() {
    return dictionary == null ? null : dictionary.store();
  }

  /** The dictionary (grouping strings and aggregate object values), or null when neither exists. */
  StringKeyDictionary dictionary() {
    return dictionary;
  }

  /** Fills the reused probe with the key of row {@code r}. */
  MemorySegment load(ColumnarBatch in, int r) {
    final long[] w = probeWords;
    final int[] cols = columns;
    long nulls = 0;
    for (int k = 0; k < cols.length; k++) {
      int c = cols[k];
      if (in.isNull(r, c)) {
        nulls |= 1L << k;
        w[k] = 0;
      } else if (kinds[k] == DOUBLE) {
        double d = in.getDouble(r, c);
        w[k] = Double.doubleToLongBits(d == 0.0 ? 0.0 : d); // -0.0 and 0.0 group together
      } else if (kinds[k] == STRING) {
        w[k] = dictionary.id(in.getObjectSlot(r, c));
      } else {
        w[k] = in.getLong(r, c);
      }
    }
    if (nullWord) {
      w[cols.length] = nulls;
    }
    return probe;
  }

  /** The group of the key last {@link #load}ed was inserted: it uses its strings. */
  void retainProbe() {
    if (dictionary != null) {
      retain(probe, 0);
    }
  }

  /** A group whose key is at {@code keyAt} of {@code m} is kept (restore: references counted again). */
  void retain(MemorySegment m, long keyAt) {
    if (dictionary == null) {
      return;
    }
    long nulls = nullWord ? m.get(JAVA_LONG_UNALIGNED, keyAt + 8L * columns.length) : 0;
    for (int k = 0; k < kinds.length; k++) {
      if (kinds[k] == STRING && (nulls & (1L << k)) == 0) {
        dictionary.retain(m.get(JAVA_LONG_UNALIGNED, keyAt + 8L * k));
      }
    }
  }

  /** The group whose key is at {@code keyAt} of {@code m} is dropped: its strings may go. */
  void release(MemorySegment m, long keyAt) {
    if (dictionary == null) {
      return;
    }
    long nulls = nullWord ? m.get(JAVA_LONG_UNALIGNED, keyAt + 8L * columns.length) : 0;
    for (int k = 0; k < kinds.length; k++) {
      if (kinds[k] == STRING && (nulls & (1L << k)) == 0) {
        dictionary.release(m.get(JAVA_LONG_UNALIGNED, keyAt + 8L * k));
      }
    }
  }

  /** Fills the grouping columns of result row {@code o} of window [start, end) from the key at {@code keyAt} of {@code m}. */
  void write(ColumnarBatch out, int o, long start, long end, MemorySegment m, long keyAt) {
    long nulls = nullWord ? m.get(JAVA_LONG_UNALIGNED, keyAt + 8L * columns.length) : 0;
    int k = 0;
    for (int c = 0; c < sources.length; c++) {
      switch (sources[c]) {
        case WINDOW_START -> out.putLong(o, c, start);
        case WINDOW_END -> out.putLong(o, c, end);
        case WINDOW_TIME -> out.putLong(o, c, end - 1);
        case COLUMN -> {
          long word = m.get(JAVA_LONG_UNALIGNED, keyAt + 8L * k);
          if ((nulls & (1L << k)) != 0) {
            out.putNull(o, c);
          } else if (kinds[k] == DOUBLE) {
            out.putDouble(o, c, Double.longBitsToDouble(word));
          } else if (kinds[k] == STRING) {
            out.putObject(o, c, dictionary.value(word));
          } else {
            out.putLong(o, c, word);
          }
          k++;
        }
      }
    }
  }

  /**
   * Restore: the dictionary's store from {@code chain} (null: the checkpoint had none, allowed only when
   * {@code stores} is empty), then its heap side, each group of {@code stores} counted again, and
   * {@code moreReferences} counting the aggregate states' object values again.
   */
  void restoreDictionary(List<Path> chain, List<OffHeapStateStore> stores, Runnable moreReferences) throws IOException {
    if (dictionary == null) {
      return;
    }
    if (chain != null) {
      dictionary.store().restore(chain);
    } else if (!stores.isEmpty()) {
      throw new IOException("the checkpoint has no dictionary of the grouping strings");
    }
    dictionary.rebuild();
    for (OffHeapStateStore store : stores) {
      for (long s = 0, cap = store.capacity(); s < cap; s++) {
        if (store.occupied(s)) {
          retain(store.table(), store.keyOffset(s));
        }
      }
    }
    moreReferences.run();
    dictionary.dropUnreferenced();
  }

  @Override
  public void close() {
    if (dictionary != null) {
      dictionary.close();
    }
  }
}
