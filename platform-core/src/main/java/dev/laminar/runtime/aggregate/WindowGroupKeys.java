package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.util.Arrays;

/**
 * The GROUP BY columns of a windowed aggregate: which input columns form the group key, and how a
 * result row's grouping columns are filled (key values, or the window's start, end and time). Shared
 * by the tumbling, pane (HOP/CUMULATE) and session operators. Reactor thread only (the probe is
 * reused).
 */
final class WindowGroupKeys {
  private final KeySource[] sources;
  private final DataType[] types;
  private final boolean[] longBacked;
  private final GroupKey probe;

  /**
   * @param sources for each grouping output column, where its value comes from
   * @param columns for each grouping output column of source COLUMN, the input column (others ignored)
   */
  WindowGroupKeys(KeySource[] sources, int[] columns, Schema input) {
    this.sources = sources.clone();
    int[] keyColumns = new int[sources.length];
    int n = 0;
    for (int i = 0; i < sources.length; i++) {
      if (sources[i] == KeySource.COLUMN) {
        keyColumns[n++] = columns[i];
      }
    }
    keyColumns = Arrays.copyOf(keyColumns, n);
    this.types = new DataType[n];
    this.longBacked = new boolean[n];
    for (int i = 0; i < n; i++) {
      types[i] = input.column(keyColumns[i]).type();
      longBacked[i] = types[i].isLongBacked();
    }
    this.probe = new GroupKey(keyColumns, types);
  }

  /** A new key to read a checkpointed key into ({@code StateCodec.readState}). */
  GroupKey blank() {
    return probe.copy();
  }

  /** Number of grouping output columns (the aggregate results follow them). */
  int width() {
    return sources.length;
  }

  /** The key of row {@code row}, in the reused probe (copy it to store it). */
  GroupKey probe(ColumnarBatch in, int row) {
    return probe.load(in, row, longBacked);
  }

  /** Fills the grouping columns of result row {@code o} for a window [start, end). */
  void write(ColumnarBatch out, int o, long start, long end, GroupKey key) {
    int k = 0;
    for (int c = 0; c < sources.length; c++) {
      switch (sources[c]) {
        case WINDOW_START -> out.putLong(o, c, start);
        case WINDOW_END -> out.putLong(o, c, end);
        case WINDOW_TIME -> out.putLong(o, c, end - 1);
        case COLUMN -> {
          if (key.isNull(k)) {
            out.putNull(o, c);
          } else if (longBacked[k]) {
            out.putLong(o, c, key.longValue(k));
          } else if (types[k].kind() == TypeKind.DOUBLE) {
            out.putDouble(o, c, key.doubleValue(k));
          } else {
            out.putObject(o, c, key.objectValue(k));
          }
          k++;
        }
      }
    }
  }

  /** Fills result row {@code o}: grouping columns, then each accumulator's result. */
  void writeRow(ColumnarBatch out, int o, long start, long end, GroupKey key, GroupAccumulator accs) {
    write(out, o, start, end, key);
    accs.writeResults(out, o, sources.length);
  }
}
