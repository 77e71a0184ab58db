package dev.laminar.engine;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.KeyRouter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StateCodec;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.state.OffHeapStateStore;
import dev.laminar.state.ScratchSpace;
import dev.laminar.state.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The current contents of a materialized view, kept on the reactor thread as a consumer of the
 * view's stream: inserts and update-afters add a row, update-befores and deletes remove one. Each row
 * keeps its event time, so point queries can window the contents again. Read only through
 * {@link #snapshot()} on the reactor thread (the engine submits it there), so it needs no lock.
 *
 * <p>The contents live in an off-heap state store, one entry per distinct row: the key is the hash of the
 * row's encoding ({@link StateCodec#writeValue}, the ordered index component) and the row's ordinal (when
 * it was first inserted), the value its count, event time and encoding. A row is found by visiting the
 * entries of its hash ({@link StateStore#forEachInRange}: one, barring collisions). Checkpoints capture the
 * store incrementally like any operator's; the heap part is empty.
 */
final class ViewTable implements Operator, dev.laminar.runtime.StoreBacked, AutoCloseable {
  /** A row of the view and its event time. */
  record Entry(Row row, long rowtime) {}

  private static final String STORE = "contents";
  /** The store name of the contents as the heap journal kept them before (read on restore, for older checkpoints). */
  private static final String JOURNAL_STORE = "rows";
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  /** Value: count, event time, then the row's encoding. */
  private static final int HEADER = 16;

  private final OffHeapStateStore store = new OffHeapStateStore(ScratchSpace.folder(), 16, StateStore.VARIABLE, true, 1024);
  private final Arena arena = Arena.ofShared(); // built on the statement thread, used on the reactor, closed by either
  private final MemorySegment key = arena.allocate(16, 8);
  private MemorySegment value = arena.allocate(256, 8);
  private final ByteArrayOutputStream encoded = new ByteArrayOutputStream();
  private final DataOutputStream encoder = new DataOutputStream(encoded);
  /** The ordinal of the next distinct row, and the rows held counting repeats (both derived from the store on restore). */
  private long nextOrdinal;
  private long total;
  /** The ordinal of the row found by {@link #find}, or -1. */
  private long found;

  @Override
  public void process(ColumnarBatch batch) {
    for (int r = 0; r < batch.size(); r++) {
      RowKind kind = batch.rowKind(r);
      byte[] row = encode(batch.toRow(r).values());
      long hash = KeyRouter.mix64(Arrays.hashCode(row));
      if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
        if (find(hash, row)) {
          put(hash, found, count() + 1, rowtime(), row);
        } else {
          put(hash, nextOrdinal++, 1, batch.rowtime(r), row);
        }
        total++;
      } else if (find(hash, row)) {
        long count = count() - 1;
        if (count == 0) {
          setKey(hash, found);
          store.remove(key);
        } else {
          put(hash, found, count, rowtime(), row);
        }
        total--;
      }
    }
  }

  private byte[] encode(Object[] values) {
    encoded.reset();
    try {
      encoder.writeInt(values.length);
      for (Object v : values) {
        StateCodec.writeValue(v, encoder);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return encoded.toByteArray();
  }

  private void setKey(long hash, long ordinal) {
    key.set(LONG, 0, hash);
    key.set(LONG, 8, ordinal);
  }

  /** Looks {@code row} up among the entries of its hash; on success {@link #found} and {@link #value} hold its entry. */
  private boolean find(long hash, byte[] row) {
    found = -1;
    store.forEachInRange(hash, hash, (k, v) -> {
      if (found < 0 && v.byteSize() == HEADER + row.length
          && MemorySegment.mismatch(v, HEADER, v.byteSize(), MemorySegment.ofArray(row), 0, row.length) < 0) {
        found = k.get(LONG, 8);
      }
    });
    if (found < 0) {
      return false;
    }
    setKey(hash, found);
    ensureValue(HEADER + row.length);
    store.get(key, value);
    return true;
  }

  private long count() {
    return value.get(LONG, 0);
  }

  private long rowtime() {
    return value.get(LONG, 8);
  }

  private void ensureValue(int bytes) {
    if (value.byteSize() < bytes) {
      value = arena.allocate(Math.max(bytes, value.byteSize() * 2), 8);
    }
  }

  private void put(long hash, long ordinal, long count, long rowtime, byte[] row) {
    setKey(hash, ordinal);
    ensureValue(HEADER + row.length);
    value.set(LONG, 0, count);
    value.set(LONG, 8, rowtime);
    MemorySegment.copy(MemorySegment.ofArray(row), 0, value, HEADER, row.length);
    store.put(key, value.asSlice(0, HEADER + row.length));
  }

  @Override
  public void onWatermark(long watermark) {}

  @Override
  public void onEndOfInput() {}

  private record Held(long ordinal, long count, long rowtime, Row row) {}

  /** A copy of the current rows, in first-insertion order (reactor thread). */
  List<Entry> snapshot() {
    List<Held> held = new ArrayList<>();
    store.forEach((k, v) -> held.add(new Held(k.get(LONG, 8), v.get(LONG, 0), v.get(LONG, 8), decode(v))));
    held.sort(Comparator.comparingLong(Held::ordinal));
    List<Entry> out = new ArrayList<>();
    for (Held h : held) {
      for (long i = 0; i < h.count; i++) {
        out.add(new Entry(h.row, h.rowtime));
      }
    }
    return out;
  }

  private static Row decode(MemorySegment value) {
    byte[] bytes = value.asSlice(HEADER).toArray(ValueLayout.JAVA_BYTE);
    try {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
      Object[] values = new Object[in.readInt()];
      for (int c = 0; c < values.length; c++) {
        values[c] = StateCodec.readValue(in);
      }
      return Row.of(values);
    } catch (IOException e) {
      throw new UncheckedIOException("a view row in the state store cannot be decoded", e);
    }
  }

  /** Checkpoint (reactor thread, at the barrier): the contents are the store's; the heap part is empty. */
  @Override
  public void snapshot(java.io.DataOutput out) {
  }

  /** Recovery: the contents at the checkpoint come back in {@link #restoreStores}, before the view's stream delivers any row. */
  @Override
  public void restore(java.io.DataInput in) {
  }

  @Override
  public Map<String, StateStore> stores() {
    return Map.of(STORE, store);
  }

  @Override
  public void restoreStores(Map<String, List<Path>> chains) throws IOException {
    List<Path> chain = chains.get(STORE);
    if (chain != null) {
      store.restore(chain);
    } else if (chains.containsKey(JOURNAL_STORE)) {
      restoreJournal(chains); // a checkpoint from before the contents moved into the store
    }
    long[] derived = new long[2];
    store.forEach((k, v) -> {
      derived[0] = Math.max(derived[0], k.get(LONG, 8) + 1);
      derived[1] += v.get(LONG, 0);
    });
    nextOrdinal = derived[0];
    total = derived[1];
  }

  /** Reads the heap journal's entries (count, event time, values; in creation order) into the store. */
  private void restoreJournal(Map<String, List<Path>> chains) throws IOException {
    try (dev.laminar.runtime.HeapStateJournal journal = new dev.laminar.runtime.HeapStateJournal()) {
      journal.restore(chains, JOURNAL_STORE, in -> {
        long count = in.readLong();
        long rowtime = in.readLong();
        Object[] values = new Object[in.readInt()];
        for (int c = 0; c < values.length; c++) {
          values[c] = StateCodec.readValue(in);
        }
        byte[] row = encode(values);
        put(KeyRouter.mix64(Arrays.hashCode(row)), nextOrdinal++, count, rowtime, row);
        return new dev.laminar.runtime.HeapStateJournal.Entry() { }; // the journal is read once, not kept
      });
    }
  }

  @Override
  public void close() {
    store.close();
    arena.close();
  }

  /** Rows held (reactor thread). */
  long size() {
    return total;
  }
}
