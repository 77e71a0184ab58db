package dev.laminar.engine;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current contents of a materialized view, kept on the reactor thread as a consumer of the
 * view's stream: inserts and update-afters add a row, update-befores and deletes remove one. Each row
 * keeps its event time, so point queries can window the contents again. Read only through
 * {@link #snapshot()} on the reactor thread (the engine submits it there), so it needs no lock.
 */
final class ViewTable implements Operator, dev.laminar.runtime.StoreBacked, AutoCloseable {
  /** A row of the view and its event time. */
  record Entry(Row row, long rowtime) {}

  /** A distinct row: how many times it is held, and its event time; an entry of the checkpoint journal. */
  private static final class Held extends dev.laminar.runtime.HeapStateJournal.Entry {
    final Row row;
    long count;
    final long rowtime;

    Held(Row row, long count, long rowtime) {
      this.row = row;
      this.count = count;
      this.rowtime = rowtime;
    }
  }

  private final Map<Row, Held> rows = new LinkedHashMap<>();
  /** Checkpoints: a barrier encodes only the rows whose count changed since the previous one. */
  private final dev.laminar.runtime.HeapStateJournal journal = new dev.laminar.runtime.HeapStateJournal();

  @Override
  public void process(ColumnarBatch batch) {
    for (int r = 0; r < batch.size(); r++) {
      RowKind kind = batch.rowKind(r);
      Row row = Row.of(batch.toRow(r).values());
      if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
        Held held = rows.get(row);
        if (held == null) {
          held = new Held(row, 0, batch.rowtime(r));
          rows.put(row, held);
          journal.added(held);
        } else {
          journal.changed(held);
        }
        held.count++;
      } else {
        Held held = rows.get(row);
        if (held != null && --held.count == 0) {
          rows.remove(row);
          journal.dropped(held);
        } else if (held != null) {
          journal.changed(held);
        }
      }
    }
  }

  @Override
  public void onWatermark(long watermark) {}

  @Override
  public void onEndOfInput() {}

  /** A copy of the current rows, in first-insertion order (reactor thread). */
  List<Entry> snapshot() {
    List<Entry> out = new ArrayList<>();
    for (Held held : rows.values()) {
      for (long i = 0; i < held.count; i++) {
        out.add(new Entry(held.row, held.rowtime));
      }
    }
    return out;
  }

  /**
   * Checkpoint (reactor thread, at the barrier): the distinct rows whose count changed since the last
   * barrier go to the journal's store, each with its count, event time and values
   * ({@link dev.laminar.runtime.StateCodec#writeValue}); the heap part is empty.
   */
  @Override
  public void snapshot(java.io.DataOutput out) throws java.io.IOException {
    journal.<Held>flush(visit -> rows.values().forEach(visit), (held, o) -> {
      o.writeLong(held.count);
      o.writeLong(held.rowtime);
      Object[] values = held.row.values();
      o.writeInt(values.length);
      for (Object v : values) {
        dev.laminar.runtime.StateCodec.writeValue(v, o);
      }
    });
  }

  /** Recovery: the contents at the checkpoint come back in {@link #restoreStores}, before the view's stream delivers any row. */
  @Override
  public void restore(java.io.DataInput in) {
    rows.clear();
  }

  @Override
  public Map<String, dev.laminar.state.StateStore> stores() {
    return journal.stores("rows");
  }

  @Override
  public void restoreStores(Map<String, List<java.nio.file.Path>> chains) throws java.io.IOException {
    journal.restore(chains, "rows", in -> {
      long count = in.readLong();
      long rowtime = in.readLong();
      Object[] values = new Object[in.readInt()];
      for (int c = 0; c < values.length; c++) {
        values[c] = dev.laminar.runtime.StateCodec.readValue(in);
      }
      Held held = new Held(Row.of(values), count, rowtime);
      rows.put(held.row, held);
      return held;
    });
  }

  @Override
  public void close() {
    journal.close();
  }

  /** Rows held (reactor thread). */
  long size() {
    long n = 0;
    for (Held held : rows.values()) {
      n += held.count;
    }
    return n;
  }
}
