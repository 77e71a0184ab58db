package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import java.lang.foreign.MemorySegment;

/**
 * What {@link ChangelogEmitter} does for the heap window operators, for the store-backed ones: the result a
 * group last emitted is kept in the group's own store entry — the window bounds it went out with and a copy of
 * the accumulator state it was written from — so that a later change can be compared with it and retract it
 * (EMIT ON UPDATE, EMIT CHANGES, EMIT EVERY, and windows changed within their allowed lateness). Nothing is
 * allocated: the old result is written through a second cursor into a two-row scratch batch.
 *
 * <p>Layout, at an offset the operator chooses in the entry's value: a word of flags (bit 0: a result was
 * emitted), the emitted window start and end, then the emitted state ({@link #bytes()} in all). An all-zero
 * area means nothing emitted yet, as a fresh entry has it. Reactor thread only.
 */
final class SlotChanges {
  private static final long EMITTED = 1;
  private static final long START = 8;
  private static final long END = 16;
  private static final long STATE = 24;

  private final FixedGroupKeys keys;
  private final SlotRefs refs;
  private final SlotAccumulator before;
  private final ColumnarBatch scratch;
  private final int keyWidth;
  private final int width;
  private final int slotBytes;

  /**
   * @param aggregates the factory of the operator's accumulators (fixed-size slots)
   * @param outputSchema the operator's result rows: the grouping columns of {@code keys}, then the aggregate results
   * @param refs the references of the operator's slots (an emitted state holds its own)
   */
  SlotChanges(GroupAccumulatorFactory aggregates, Schema outputSchema, FixedGroupKeys keys, SlotRefs refs) {
    this.keys = keys;
    this.refs = refs;
    this.before = (SlotAccumulator) aggregates.create();
    before.bind(keys.dictionary());
    before.bindSets(refs.sets()); // a plugin accumulator's result is computed from the remembered copy
    this.scratch = new ColumnarBatch(outputSchema, 2);
    this.keyWidth = keys.width();
    this.width = outputSchema.size();
    this.slotBytes = aggregates.slotBytes();
  }

  /** Bytes this needs in an entry's value. */
  long bytes() {
    return STATE + slotBytes;
  }

  /** Whether the group whose area is at {@code at} of {@code table} has emitted a result. */
  static boolean emitted(MemorySegment table, long at) {
    return (table.get(JAVA_LONG_UNALIGNED, at) & EMITTED) != 0;
  }

  /**
   * Emits row {@code o} of the emitter's batch — opened and filled by the caller with the group's current result
   * (window {@code [start, end)}, state {@code now}) but not committed — as a change against the row the group last
   * emitted: +I the first time; then, when the rows differ, +U alone ({@code upsert}) or -U of the old row followed
   * by +U of the new; nothing when they are equal (the row stays uncommitted). On emitting, the row becomes the one
   * last emitted. The caller marks the entry changed for snapshots.
   *
   * @param keyAt where the group's key words are in {@code table} (as {@link FixedGroupKeys} lays them out)
   * @param at where the group's area is in {@code table}
   * @return whether a change was emitted
   */
  boolean emit(BatchEmitter emitter, int o, SlotAccumulator now, long start, long end, MemorySegment table, long keyAt, long at,
      boolean upsert, long rowtime, long watermark) {
    ColumnarBatch out = emitter.batch();
    if (emitted(table, at)) {
      long oldStart = table.get(JAVA_LONG_UNALIGNED, at + START);
      long oldEnd = table.get(JAVA_LONG_UNALIGNED, at + END);
      before.load(table, at + STATE);
      before.writeResults(scratch, 0, keyWidth);
      boolean same = oldStart == start && oldEnd == end;
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
        keys.write(out, o, oldStart, oldEnd, table, keyAt);
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
    remember(now, start, end, table, at);
    return true;
  }

  /** Records window {@code [start, end)} and the state in {@code now} as the group's emitted row (one that went out as it is). */
  void remember(SlotAccumulator now, long start, long end, MemorySegment table, long at) {
    if (emitted(table, at)) {
      refs.overwrite(now, table, at + STATE);
    } else {
      now.store(table, at + STATE);
      refs.retain(table, at + STATE);
    }
    refs.detach(table, at + STATE); // the group's sets stay its live slot's: the copy's results are in its own words
    table.set(JAVA_LONG_UNALIGNED, at + START, start);
    table.set(JAVA_LONG_UNALIGNED, at + END, end);
    table.set(JAVA_LONG_UNALIGNED, at, EMITTED);
  }

  /**
   * Retracts the group's emitted row, if any, with a delete (-D), and forgets it: a session merged into another. The
   * caller marks the entry changed (or removes it).
   */
  void retract(BatchEmitter emitter, MemorySegment table, long keyAt, long at, long rowtime, long watermark) {
    if (!emitted(table, at)) {
      return;
    }
    int o = emitter.openRow(RowKind.DELETE, rowtime, watermark);
    ColumnarBatch out = emitter.batch();
    keys.write(out, o, table.get(JAVA_LONG_UNALIGNED, at + START), table.get(JAVA_LONG_UNALIGNED, at + END), table, keyAt);
    before.load(table, at + STATE);
    before.writeResults(out, o, keyWidth);
    emitter.commitRow();
    refs.release(table, at + STATE);
    table.set(JAVA_LONG_UNALIGNED, at, 0L);
  }

  /** The group's area goes (its entry is dropped): the emitted state's references go with it. */
  void release(MemorySegment table, long at) {
    if (emitted(table, at)) {
      refs.release(table, at + STATE);
    }
  }

  /** Restore: the emitted state's references are counted again. */
  void retain(MemorySegment table, long at) {
    if (emitted(table, at)) {
      refs.retain(table, at + STATE);
    }
  }
}
