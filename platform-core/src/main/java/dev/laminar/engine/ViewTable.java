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
final class ViewTable implements Operator, dev.laminar.runtime.Checkpointable {
  /** A row of the view and its event time. */
  record Entry(Row row, long rowtime) {}

  private final Map<Row, long[]> rows = new LinkedHashMap<>(); // row -> {count, rowtime}

  @Override
  public void process(ColumnarBatch batch) {
    for (int r = 0; r < batch.size(); r++) {
      RowKind kind = batch.rowKind(r);
      Row row = Row.of(batch.toRow(r).values());
      if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
        long rowtime = batch.rowtime(r);
        long[] held = rows.computeIfAbsent(row, k -> new long[] {0, rowtime});
        held[0]++;
      } else {
        long[] held = rows.get(row);
        if (held != null && --held[0] == 0) {
          rows.remove(row);
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
    rows.forEach((row, held) -> {
      for (long i = 0; i < held[0]; i++) {
        out.add(new Entry(row, held[1]));
      }
    });
    return out;
  }

  /**
   * Checkpoint (reactor thread, at the barrier): distinct rows in first-insertion order, each with its
   * count, event time and values ({@link dev.laminar.runtime.StateCodec#writeValue}).
   */
  @Override
  public void snapshot(java.io.DataOutput out) throws java.io.IOException {
    out.writeInt(rows.size());
    for (Map.Entry<Row, long[]> e : rows.entrySet()) {
      out.writeLong(e.getValue()[0]);
      out.writeLong(e.getValue()[1]);
      Object[] values = e.getKey().values();
      out.writeInt(values.length);
      for (Object v : values) {
        dev.laminar.runtime.StateCodec.writeValue(v, out);
      }
    }
  }

  /** Recovery: the contents at the checkpoint, before the view's stream delivers any row. */
  @Override
  public void restore(java.io.DataInput in) throws java.io.IOException {
    rows.clear();
    int distinct = in.readInt();
    for (int i = 0; i < distinct; i++) {
      long count = in.readLong();
      long rowtime = in.readLong();
      Object[] values = new Object[in.readInt()];
      for (int c = 0; c < values.length; c++) {
        values[c] = dev.laminar.runtime.StateCodec.readValue(in);
      }
      rows.put(Row.of(values), new long[] {count, rowtime});
    }
  }

  /** Rows held (reactor thread). */
  long size() {
    long n = 0;
    for (long[] held : rows.values()) {
      n += held[0];
    }
    return n;
  }
}
