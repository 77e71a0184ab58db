package dev.laminar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.HeapStateJournal;
import dev.laminar.runtime.StateCodec;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.StoreChains;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.state.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A materialized view's contents in the state store: the same rows, counts, event times and
 * first-insertion order as a reference multiset, through random changelogs, checkpoints and restores,
 * and a checkpoint of the earlier heap-journal form reads back.
 */
class ViewTableTest {
  private static final Schema SCHEMA = Schema.builder().column("k", DataType.BIGINT, true).column("s", DataType.VARCHAR, true)
      .column("d", DataType.DOUBLE, true).build();

  /** The reference: distinct rows in first-insertion order, each with {count, event time}. */
  private final Map<Row, long[]> reference = new LinkedHashMap<>();

  private List<ViewTable.Entry> expected() {
    List<ViewTable.Entry> out = new ArrayList<>();
    reference.forEach((row, held) -> {
      for (long i = 0; i < held[0]; i++) {
        out.add(new ViewTable.Entry(row, held[1]));
      }
    });
    return out;
  }

  private static Object[] randomValues(Random random) {
    Long k = random.nextInt(10) == 0 ? null : (long) random.nextInt(30);
    String s = random.nextInt(10) == 0 ? null : "s" + random.nextInt(4);
    Double d = random.nextInt(10) == 0 ? null : random.nextInt(3) * 0.5;
    return new Object[] {k, s, d};
  }

  private ColumnarBatch randomBatch(Random random, long time) {
    ColumnarBatch b = new ColumnarBatch(SCHEMA, 64);
    for (int i = 0; i < 1 + random.nextInt(63); i++) {
      RowKind kind = RowKind.values()[random.nextInt(RowKind.values().length)];
      Object[] v = randomValues(random);
      Row row = Row.of(v);
      long rowtime = time + i;
      b.beginRow();
      b.setRowKind(kind);
      if (v[0] == null) {
        b.setNull(0);
      } else {
        b.setLong(0, (Long) v[0]);
      }
      if (v[1] == null) {
        b.setNull(1);
      } else {
        b.setString(1, (String) v[1]);
      }
      if (v[2] == null) {
        b.setNull(2);
      } else {
        b.setDouble(2, (Double) v[2]);
      }
      b.setRowtime(b.size(), rowtime);
      b.endRow();
      if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
        reference.computeIfAbsent(row, r -> new long[] {0, rowtime})[0]++;
      } else {
        long[] held = reference.get(row);
        if (held != null && --held[0] == 0) {
          reference.remove(row);
        }
      }
    }
    return b;
  }

  @Test
  void theContentsFollowTheChangelogAcrossCheckpointsAndRestores(@TempDir Path dir) throws Exception {
    Random random = new Random(20261126);
    StoreChains chains = new StoreChains(dir);
    ViewTable table = new ViewTable();
    int restores = 0;
    try {
      for (int step = 0; step < 400; step++) {
        table.process(randomBatch(random, step * 100L));
        if (random.nextInt(10) == 0) {
          chains.checkpoint(table);
        }
        if (chains.any() && random.nextInt(40) == 0) {
          // a crash: what the view held at the last checkpoint comes back, and the reference goes back with it
          table.close();
          table = new ViewTable();
          chains.restore(table);
          restores++;
          reference.clear();
          for (ViewTable.Entry e : table.snapshot()) {
            reference.computeIfAbsent(e.row(), r -> new long[] {0, e.rowtime()})[0]++;
          }
          chains.checkpoint(table); // the restored contents, checkpointed again, must read back the same
          ViewTable again = new ViewTable();
          chains.restore(again);
          assertThat(again.snapshot()).isEqualTo(table.snapshot());
          again.close();
        }
        assertThat(table.snapshot()).as("step %d", step).isEqualTo(expected());
        assertThat(table.size()).isEqualTo(expected().size());
      }
      assertThat(restores).isPositive();
      assertThat(reference).isNotEmpty();
    } finally {
      table.close();
    }
  }

  @Test
  void aRestoreReadsTheRowsAtTheLastCheckpointNotLater(@TempDir Path dir) throws Exception {
    Random random = new Random(7);
    StoreChains chains = new StoreChains(dir);
    try (ViewTable table = new ViewTable(); ViewTable restored = new ViewTable()) {
      for (int step = 0; step < 50; step++) {
        table.process(randomBatch(random, step * 100L));
      }
      chains.checkpoint(table);
      List<ViewTable.Entry> atCheckpoint = table.snapshot();
      for (int step = 50; step < 60; step++) {
        table.process(randomBatch(random, step * 100L));
      }
      assertThat(table.snapshot()).isNotEqualTo(atCheckpoint);
      chains.restore(restored);
      assertThat(restored.snapshot()).isEqualTo(atCheckpoint);
    }
  }

  @Test
  void aCheckpointOfTheHeapJournalFormReadsBack(@TempDir Path dir) throws Exception {
    // before the contents moved into the store, a view kept them on the heap and checkpointed them through a
    // journal store named "rows": entry per distinct row, (count, event time, values), in creation order
    Row first = Row.of(1L, "a", 0.5);
    Row second = Row.of(null, "b", null);
    try (HeapStateJournal journal = new HeapStateJournal()) {
      record Old(Row row, long count, long rowtime) {}
      List<Old> old = List.of(new Old(first, 2, 100), new Old(second, 1, 200));
      List<HeapStateJournal.Entry> entries = new ArrayList<>();
      StoreBacked oldView = new StoreBacked() {
        @Override
        public Map<String, StateStore> stores() {
          return journal.stores("rows");
        }

        @Override
        public void restoreStores(Map<String, List<Path>> chains) {
          throw new AssertionError("this stand-in for the old form only writes checkpoints; the ViewTable restores them");
        }

        @Override
        public void snapshot(java.io.DataOutput out) throws java.io.IOException {
          journal.<HeapStateJournal.Entry>flush(visit -> entries.forEach(visit), (e, o) -> {
            Old row = old.get(entries.indexOf(e));
            o.writeLong(row.count());
            o.writeLong(row.rowtime());
            o.writeInt(row.row().values().length);
            for (Object v : row.row().values()) {
              StateCodec.writeValue(v, o);
            }
          });
        }

        @Override
        public void restore(java.io.DataInput in) {
        }
      };
      StoreChains chains = new StoreChains(dir);
      chains.checkpoint(oldView); // the journal tracks nothing before its first barrier
      for (Old o : old) {
        HeapStateJournal.Entry e = new HeapStateJournal.Entry() { };
        entries.add(e);
        journal.added(e);
      }
      chains.checkpoint(oldView);
      try (ViewTable table = new ViewTable()) {
        chains.restore(table);
        assertThat(table.snapshot()).containsExactly(new ViewTable.Entry(first, 100), new ViewTable.Entry(first, 100),
            new ViewTable.Entry(second, 200));
        assertThat(table.size()).isEqualTo(3);
      }
    }
  }
}
