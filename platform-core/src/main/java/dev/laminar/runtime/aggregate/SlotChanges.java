package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import java.lang.foreign.MemorySegment;

/**
 * What {@link ChangelogEmitter} does for the heap window operators, for the store-backed ones: the result a
 * group last emitted is kept in the group's own store entry, as a copy of its accumulator slot taken when it
 * was emitted, so that a later change can be compared with it and retract it (EMIT ON UPDATE, EMIT CHANGES,
 * EMIT EVERY, and windows changed within their allowed lateness). Nothing is allocated: the old result is
 * written through a second cursor into a two-row scratch batch.
 *
 * <p>Layout, at an offset the operator chooses in the entry's value: one word of flags (bit 0: a result was
 * emitted), then the emitted slot ({@link #bytes()} in all). An all-zero area means nothing emitted yet, as
 * a fresh entry has it. Reactor thread only.
 */
final class SlotChanges {
  private static final long EMITTED = 1;

  private final SlotAccumulator before;
  private final ColumnarBatch scratch;
  private final int keyWidth;
  private final int width;
  private final int slotBytes;

  /**
   * @param aggregates the factory of the operator's accumulators (fixed-size slots)
   * @param outputSchema the operator's result rows: {@code keyWidth} grouping columns, then the aggregate results
   */
  SlotChanges(GroupAccumulatorFactory aggregates, Schema outputSchema, int keyWidth) {
    this.before = (SlotAccumulator) aggregates.create();
    this.scratch = new ColumnarBatch(outputSchema, 2);
    this.keyWidth = keyWidth;
    this.width = outputSchema.size();
    this.slotBytes = aggregates.slotBytes();
  }

  /** Bytes this needs in an entry's value: the flags word and the emitted slot. */
  long bytes() {
    return 8L + slotBytes;
  }

  /** Whether the group whose area is at {@code at} of {@code table} has emitted a result. */
  static boolean emitted(MemorySegment table, long at) {
    return (table.get(JAVA_LONG_UNALIGNED, at) & EMITTED) != 0;
  }

  /**
   * Emits row {@code o} of the emitter's batch, which the caller opened and filled with the group's current
   * result but did not commit, as a change against the result the group last emitted: +I the first time; then,
   * when the results differ, +U alone ({@code upsert}) or -U of the old result followed by +U of the new; nothing
   * when they are equal (the row stays uncommitted). On emitting, the state in {@code now} (the one the row's
   * results were written from) becomes the emitted one. The caller marks the entry changed for snapshots.
   *
   * @return whether a change was emitted
   */
  boolean emit(BatchEmitter emitter, int o, SlotAccumulator now, MemorySegment table, long at, boolean upsert, long rowtime,
      long watermark) {
    ColumnarBatch out = emitter.batch();
    if (emitted(table, at)) {
      before.load(table, at + 8);
      before.writeResults(scratch, 0, keyWidth);
      boolean same = true;
      for (int c = keyWidth; c < width; c++) {
        scratch.copyCell(out, o, c, 1, c);
        same &= scratch.sameCell(0, 1, c);
      }
      if (same) {
        return false;
      }
      if (upsert) {
        out.setRowKindAt(o, RowKind.UPDATE_AFTER);
        emitter.commitRow();
      } else {
        for (int c = 0; c < keyWidth; c++) {
          scratch.copyCell(out, o, c, 1, c); // the whole new row, kept while the old one goes out in its place
        }
        before.writeResults(out, o, keyWidth);
        out.setRowKindAt(o, RowKind.UPDATE_BEFORE);
        emitter.commitRow();
        int n = emitter.openRow(RowKind.UPDATE_AFTER, rowtime, watermark);
        ColumnarBatch next = emitter.batch();
        for (int c = 0; c < width; c++) {
          next.copyCell(scratch, 1, c, n, c);
        }
        emitter.commitRow();
      }
    } else {
      out.setRowKindAt(o, RowKind.INSERT);
      emitter.commitRow();
    }
    remember(now, table, at);
    return true;
  }

  /** Records the state in {@code now} as the group's emitted result (a result that went out as it is). */
  void remember(SlotAccumulator now, MemorySegment table, long at) {
    now.store(table, at + 8);
    table.set(JAVA_LONG_UNALIGNED, at, EMITTED);
  }
}
