package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import java.util.Arrays;

/**
 * Turns a freshly written result row into a change against the row last emitted for the same group
 * and window: +I the first time; then, when it differs, +U alone (upsert) or a -U of the old row
 * followed by a +U of the new (changelog); nothing when it is unchanged.
 */
final class ChangelogEmitter {
  private ChangelogEmitter() {}

  /**
   * Emits row {@code o} of the emitter's batch, which the caller opened and filled but did not
   * commit.
   *
   * @param before the row last emitted for this group and window, or null
   * @param upsert true for ON UPDATE (+U only), false for a changelog (-U, +U)
   * @return the row now current for the group (to pass as {@code before} next time)
   */
  static Object[] emit(BatchEmitter emitter, int o, Object[] before, boolean upsert, long rowtime, long watermark) {
    ColumnarBatch out = emitter.batch();
    Object[] now = snapshot(out, o);
    if (before != null && Arrays.deepEquals(before, now)) {
      return before; // unchanged: the row stays uncommitted and its slot is reused
    }
    if (before == null) {
      out.setRowKindAt(o, RowKind.INSERT);
      emitter.commitRow();
    } else if (upsert) {
      out.setRowKindAt(o, RowKind.UPDATE_AFTER);
      emitter.commitRow();
    } else {
      for (int c = 0; c < now.length; c++) {
        out.putBoxed(o, c, before[c]);
      }
      out.setRowKindAt(o, RowKind.UPDATE_BEFORE);
      emitter.commitRow();
      int n = emitter.openRow(RowKind.UPDATE_AFTER, rowtime, watermark);
      ColumnarBatch next = emitter.batch();
      for (int c = 0; c < now.length; c++) {
        next.putBoxed(n, c, now[c]);
      }
      emitter.commitRow();
    }
    return now;
  }

  /** The values of row {@code o} of {@code out}, kept as the row last emitted so that a later change can retract it. */
  static Object[] snapshot(ColumnarBatch out, int o) {
    Object[] row = new Object[out.schema().size()];
    for (int c = 0; c < row.length; c++) {
      row[c] = out.getObject(o, c);
    }
    return row;
  }

  /** Emits {@code row} (the row last emitted for a group) again as a delete (-D). */
  static void retract(BatchEmitter emitter, Object[] row, long rowtime, long watermark) {
    int o = emitter.openRow(RowKind.DELETE, rowtime, watermark);
    ColumnarBatch out = emitter.batch();
    for (int c = 0; c < row.length; c++) {
      out.putBoxed(o, c, row[c]);
    }
    emitter.commitRow();
  }
}
