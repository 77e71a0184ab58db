package dev.laminar.runtime;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.state.OffHeapStateStore;
import dev.laminar.state.ScratchSpace;
import dev.laminar.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Incremental checkpoints for operator state that lives in heap objects (the aggregate forms whose
 * state is not fixed-size, emit modes with per-group results, allowed lateness): each entry (a group of
 * a window or pane) is numbered in creation order, and the operator reports when it adds, changes or
 * drops one. At a barrier {@link #flush} encodes only the entries changed since the previous barrier into
 * a {@link StateStore} of variable-size values keyed by entry number, and deletes the dropped ones; the
 * checkpoint coordinator then captures that store incrementally, like the off-heap operators' stores.
 * The reactor's stall at a barrier is therefore proportional to what changed, not to the state.
 *
 * <p>Nothing is tracked before the first barrier (an engine without a data directory pays one branch per
 * update): the first flush writes every entry. Recovery ({@link #restore}) decodes every entry back, in
 * creation order, so operators that emit groups in first-seen order keep that order.
 *
 * <p>Reactor thread only; no locks. Marking an entry changed allocates nothing (the list of changed
 * entries grows by doubling and is reused).
 */
public final class HeapStateJournal implements AutoCloseable {
  /** A unit of heap state the journal tracks; operators extend it. */
  public abstract static class Entry {
    private long journalId;
    private boolean journalDirty;
    private boolean journalStored;
    private boolean journalDropped;
  }

  /** Writes one entry's state. */
  @FunctionalInterface
  public interface Encoder<E extends Entry> {
    void write(E entry, DataOutput out) throws IOException;
  }

  /** Reads one entry back and puts it into the operator's structures; returns it. */
  @FunctionalInterface
  public interface Decoder {
    Entry read(DataInput in) throws IOException;
  }

  private final Path scratch;
  private StateStore store;
  private boolean tracking;
  private long nextId = 1;
  private final ArrayList<Entry> dirty = new ArrayList<>();
  private long[] dropped = new long[64];
  private int droppedCount;
  private final MemorySegment key = MemorySegment.ofArray(new long[1]);
  private final Buffer buffer = new Buffer();
  private final DataOutputStream out = new DataOutputStream(buffer);

  public HeapStateJournal() {
    this(ScratchSpace.folder());
  }

  /** @param scratch folder of the store's memory-mapped files */
  public HeapStateJournal(Path scratch) {
    this.scratch = scratch;
  }

  /** A new entry: numbers it and marks it changed. */
  public void added(Entry e) {
    e.journalId = nextId++;
    changed(e);
  }

  /** The entry's state changed since the last barrier (ignored for an entry not {@link #added} yet). */
  public void changed(Entry e) {
    if (tracking && !e.journalDirty && e.journalId != 0) {
      e.journalDirty = true;
      dirty.add(e);
    }
  }

  /** The entry left the operator's state. */
  public void dropped(Entry e) {
    e.journalDropped = true;
    if (e.journalStored) {
      e.journalStored = false;
      if (droppedCount == dropped.length) {
        dropped = Arrays.copyOf(dropped, droppedCount * 2);
      }
      dropped[droppedCount++] = e.journalId;
    }
  }

  /**
   * At a barrier: writes the entries changed since the previous one (at the first barrier, every entry
   * {@code all} visits) and deletes the dropped ones, so {@link #store()} holds exactly the live state.
   */
  public <E extends Entry> void flush(Consumer<Consumer<E>> all, Encoder<E> encoder) {
    if (store == null) {
      store = new OffHeapStateStore(scratch, Long.BYTES, StateStore.VARIABLE, false, 1024);
    }
    if (!tracking) {
      all.accept(e -> put(e, encoder));
      tracking = true;
    } else {
      for (Entry e : dirty) {
        e.journalDirty = false;
        if (!e.journalDropped) {
          @SuppressWarnings("unchecked")
          E typed = (E) e;
          put(typed, encoder);
        }
      }
    }
    dirty.clear();
    for (int i = 0; i < droppedCount; i++) {
      key.set(JAVA_LONG_UNALIGNED, 0, dropped[i]);
      store.remove(key);
    }
    droppedCount = 0;
  }

  private <E extends Entry> void put(E e, Encoder<E> encoder) {
    buffer.reset();
    try {
      encoder.write(e, out);
      out.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex); // an in-memory buffer does not fail
    }
    Entry entry = e;
    key.set(JAVA_LONG_UNALIGNED, 0, entry.journalId);
    store.put(key, MemorySegment.ofArray(buffer.bytes()).asSlice(0, buffer.size()));
    entry.journalStored = true;
  }

  /** The store the coordinator captures (null before the first barrier and restore). */
  public StateStore store() {
    return store;
  }

  /** For {@code StoreBacked.stores()}: the store under {@code name}, or none before the first barrier. */
  public java.util.Map<String, StateStore> stores(String name) {
    return store == null ? java.util.Map.of() : java.util.Map.of(name, store);
  }

  /**
   * For {@code StoreBacked.restoreStores}: {@link #restore(List, Decoder)} from the chain named {@code name};
   * false when the checkpoint has none (no barrier had written an entry).
   */
  public boolean restore(java.util.Map<String, List<Path>> chains, String name, Decoder decoder) throws IOException {
    List<Path> chain = chains.get(name);
    if (chain == null) {
      return false;
    }
    restore(chain, decoder);
    return true;
  }

  /**
   * Replaces the journal's state with the one in {@code chain} and hands every entry to {@code decoder},
   * oldest first (creation order). Tracking starts: the next flush writes only what changes after this.
   */
  public void restore(List<Path> chain, Decoder decoder) throws IOException {
    if (store == null) {
      store = new OffHeapStateStore(scratch, Long.BYTES, StateStore.VARIABLE, false, 1024);
    }
    store.restore(chain);
    List<long[]> ids = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    store.forEach((k, v) -> {
      ids.add(new long[] {k.get(JAVA_LONG_UNALIGNED, 0), ids.size()});
      values.add(v.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    });
    ids.sort((a, b) -> Long.compare(a[0], b[0]));
    long max = 0;
    for (long[] id : ids) {
      Entry e = decoder.read(new DataInputStream(new ByteArrayInputStream(values.get((int) id[1]))));
      e.journalId = id[0];
      e.journalStored = true;
      max = Math.max(max, id[0]);
    }
    nextId = max + 1;
    tracking = true;
    dirty.clear();
    droppedCount = 0;
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
      store = null;
    }
  }

  /** A ByteArrayOutputStream whose array is read in place. */
  private static final class Buffer extends ByteArrayOutputStream {
    byte[] bytes() {
      return buf;
    }
  }
}
