package dev.laminar.state;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * {@link StateStore} in an open-addressing hash table (linear probing) on a memory-mapped file,
 * through {@code java.lang.foreign} (no Unsafe). The file is scratch space, not the durable copy:
 * durability comes from snapshots; the mapping lets state exceed the heap and the OS page it out.
 *
 * <p>Slot layout: {@code long ctrl} (0 empty, 1 tombstone, else the key's hash with the top bit set),
 * the key, the value (fixed-size: inline, padded to 8; variable-size: {@code long offset, int length}
 * into a {@link ValueLog}), and, when indexed, {@code int prev, int next} of the slot's list in the
 * {@link LongIndex}. Live slots never move between rehashes (the index lists point at slots). Removal
 * leaves a tombstone, emptied at once when the next slot is empty (with the tombstones before it); an
 * insert takes over the first tombstone on its key's probe path. If the removal of a key whose slot is
 * emptied or taken over is not in a snapshot yet, the key is kept as a pending delete for the next
 * incremental snapshot, as a rehash does. So a store whose entries come and go (sessions, distinct members) reuses
 * its slots instead of filling with tombstones. Growth rehashes into a new file twice the size once live
 * entries and tombstones pass 70% of the slots.
 *
 * <p>Change tracking: one bit per slot; rehash carries the bits to the new slots and keeps the keys of
 * changed tombstones, so an incremental snapshot after a rehash is still exact.
 */
public final class OffHeapStateStore implements StateStore {
  private static final long EMPTY = 0;
  private static final long TOMBSTONE = 1;
  private static final long FULL_BIT = 1L << 63;
  private static final double MAX_LOAD = 0.7;

  private final Path dir;
  private final int keyBytes;
  private final int valueBytes;
  private final boolean indexed;
  private final long valueOffset;
  private final long linkOffset;
  private final long slotBytes;
  private final LongIndex index;
  /**
   * Keys of removed entries whose removal no snapshot holds yet and whose slot no longer shows them (it was
   * emptied, reused or left behind by a rehash), for the next incremental capture: {@code keyBytes / 8}
   * words each, in a reused array (no allocation per removal once it has grown).
   */
  private long[] pendingDeleteWords = new long[64];
  private int pendingDeleteCount;
  /**
   * Whether a capture or restore has happened. Only then must a rehash keep the keys of removed
   * entries for the next incremental capture: before it there is no earlier snapshot for a delete to
   * apply to, so a store that is never checkpointed (no data directory) keeps none, however many
   * entries it removes.
   */
  private boolean captured;
  private Arena tableArena;
  private MemorySegment table;
  private Path tableFile;
  private long capacity;
  private long mask;
  private long live;
  private long tombstones;
  private long[] dirty;
  private ValueLog values;
  private int generation;
  private boolean inserted;
  /** Set by {@link #findForInsert}: the slot it returned for an absent key is a tombstone. */
  private boolean reusesTombstone;
  private int rehashes;
  /**
   * Per-store hash seed: entries copied from one store into another in slot order (a snapshot, a
   * compaction, a restore) arrive in the first store's hash order; with the same hash function, a
   * smaller table of the second store would fill in long runs (primary clustering: quadratic). With
   * independent seeds the two orders are unrelated.
   */
  private long seed = java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1;

  /** What a table image must match to be copied into this store slot for slot. */
  record Layout(int keyBytes, int valueBytes, int slotBytes, int valueOffset, boolean indexed) {}

  /**
   * Creates an empty store whose files live in a new directory under {@code workDir}.
   *
   * @param keyBytes key size, a positive multiple of 8
   * @param valueBytes value size (> 0), or {@link StateStore#VARIABLE}
   * @param indexed whether to keep the ordered index on the key's first 8 bytes
   * @param initialCapacity entries expected (the table starts with room for them)
   */
  public OffHeapStateStore(Path workDir, int keyBytes, int valueBytes, boolean indexed, long initialCapacity) {
    if (keyBytes <= 0 || keyBytes % 8 != 0) {
      throw new IllegalArgumentException("keyBytes must be a positive multiple of 8: " + keyBytes);
    }
    if (valueBytes <= 0 && valueBytes != VARIABLE) {
      throw new IllegalArgumentException("valueBytes must be > 0 or VARIABLE: " + valueBytes);
    }
    this.keyBytes = keyBytes;
    this.valueBytes = valueBytes;
    this.indexed = indexed;
    this.valueOffset = 8 + keyBytes;
    long valueArea = valueBytes == VARIABLE ? 16 : (valueBytes + 7) & ~7L;
    this.linkOffset = valueOffset + valueArea;
    this.slotBytes = linkOffset + (indexed ? 8 : 0);
    this.index = indexed ? new LongIndex() : null;
    try {
      Files.createDirectories(workDir);
      this.dir = Files.createTempDirectory(workDir, "state-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create state directory under " + workDir, e);
    }
    long cap = 16;
    while (cap * MAX_LOAD < initialCapacity) {
      cap <<= 1;
    }
    mapTable(cap);
    if (valueBytes == VARIABLE) {
      values = new ValueLog(dir.resolve("values-" + generation + ".bin"), 1 << 16);
    }
  }

  private void mapTable(long cap) {
    if (cap > Integer.MAX_VALUE) {
      throw new IllegalStateException("state table of " + cap + " slots is too large (index links are ints)");
    }
    generation++;
    tableFile = dir.resolve("table-" + generation + ".bin");
    tableArena = Arena.ofShared();
    try (FileChannel ch = FileChannel.open(tableFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      table = ch.map(FileChannel.MapMode.READ_WRITE, 0, cap * slotBytes, tableArena); // sparse: all slots empty
    } catch (IOException e) {
      tableArena.close();
      throw new UncheckedIOException("cannot map state table " + tableFile, e);
    }
    capacity = cap;
    mask = cap - 1;
    dirty = new long[(int) Math.max(1, cap >>> 6)];
  }

  @Override
  public int keyBytes() {
    return keyBytes;
  }

  @Override
  public int valueBytes() {
    return valueBytes;
  }

  @Override
  public boolean indexed() {
    return indexed;
  }

  @Override
  public long size() {
    return live;
  }

  /** Slots in the table (for tests and metrics). */
  public long capacity() {
    return capacity;
  }

  // ---------------------------------------------------------------- lookups

  private long hash(MemorySegment key) {
    long h = seed;
    for (long i = 0; i < keyBytes; i += 8) {
      h = (h ^ key.get(JAVA_LONG_UNALIGNED, i)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h | FULL_BIT;
  }

  /**
   * Like {@link #find}, but an absent key's {@code -slot - 1} is where to insert it: the first tombstone on
   * its probe path ({@link #reusesTombstone} is then true), else the empty slot that ends the path.
   */
  private long findForInsert(MemorySegment key, long h) {
    final MemorySegment t = table;
    final long sb = slotBytes;
    long i = h & mask;
    long tombstone = -1;
    while (true) {
      long base = i * sb;
      long ctrl = t.get(JAVA_LONG_UNALIGNED, base);
      if (ctrl == EMPTY) {
        reusesTombstone = tombstone >= 0;
        return -(reusesTombstone ? tombstone : i) - 1;
      }
      if (ctrl == TOMBSTONE) {
        if (tombstone < 0) {
          tombstone = i;
        }
      } else if (ctrl == h && sameKey(t, base + 8, key)) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * The slot an absent key goes to, from {@link #findForInsert}'s {@code -slot - 1}: a tombstone is taken
   * over (its removal, when no snapshot has it yet, kept as a pending delete, as a rehash would); an empty
   * slot may first need the table rehashed.
   */
  private long insertionSlot(long notFound, MemorySegment key, long h) {
    long s = -notFound - 1;
    if (reusesTombstone) {
      keepDeleteIfUnsnapshotted(table, s, dirty);
      tombstones--;
      return s;
    }
    if (live + tombstones + 1 > capacity * MAX_LOAD) {
      rehash();
      return -find(key, h) - 1;
    }
    return s;
  }

  /** The slot holding {@code key}, or {@code -(first empty slot) - 1}. */
  private long find(MemorySegment key, long h) {
    final MemorySegment t = table;
    final long sb = slotBytes;
    long i = h & mask;
    while (true) {
      long base = i * sb;
      long ctrl = t.get(JAVA_LONG_UNALIGNED, base);
      if (ctrl == EMPTY) {
        return -i - 1;
      }
      if (ctrl == h && sameKey(t, base + 8, key)) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  /** Whether the key at {@code at} of {@code t} equals {@code key}: word by word (keys are a multiple of 8 bytes), cheaper than a bulk mismatch for the short keys of operator state. */
  private boolean sameKey(MemorySegment t, long at, MemorySegment key) {
    for (long i = 0; i < keyBytes; i += 8) {
      if (t.get(JAVA_LONG_UNALIGNED, at + i) != key.get(JAVA_LONG_UNALIGNED, i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean get(MemorySegment key, MemorySegment valueOut) {
    long s = find(key, hash(key));
    if (s < 0) {
      return false;
    }
    long at = s * slotBytes + valueOffset;
    if (valueBytes == VARIABLE) {
      long off = table.get(JAVA_LONG_UNALIGNED, at);
      int len = table.get(JAVA_INT_UNALIGNED, at + 8);
      MemorySegment.copy(values.segment(), off, valueOut, 0, Math.min(len, valueOut.byteSize()));
    } else {
      MemorySegment.copy(table, at, valueOut, 0, valueBytes);
    }
    return true;
  }

  @Override
  public int valueLength(MemorySegment key) {
    long s = find(key, hash(key));
    if (s < 0) {
      return -1;
    }
    return valueBytes == VARIABLE ? table.get(JAVA_INT_UNALIGNED, s * slotBytes + valueOffset + 8) : valueBytes;
  }

  // ---------------------------------------------------------------- in-place access (fixed-size values)

  /**
   * The slot of {@code key}, inserting it with an all-zero value when absent ({@link #inserted()} tells
   * which), and marks it changed for the next incremental snapshot. The caller then reads and writes
   * the value in place at {@link #valueOffset(long)} of {@link #table()} — valid until the next insert
   * (which may rehash: fetch {@link #table()} again after it). Fixed-size values only; allocates nothing.
   */
  public long upsertSlot(MemorySegment key) {
    if (valueBytes == VARIABLE) {
      throw new UnsupportedOperationException("in-place access needs fixed-size values");
    }
    long h = hash(key);
    long s = findForInsert(key, h);
    inserted = s < 0;
    if (s < 0) {
      s = insertionSlot(s, key, h);
      long base = s * slotBytes;
      table.set(JAVA_LONG_UNALIGNED, base, h);
      MemorySegment.copy(key, 0, table, base + 8, keyBytes);
      for (long v = base + valueOffset, end = base + linkOffset; v < end; v += 8) {
        table.set(JAVA_LONG_UNALIGNED, v, 0L); // empty slots are zero (fresh mapping, clear); the contract does not rest on it
      }
      live++;
      if (indexed) {
        link((int) s, key.get(JAVA_LONG_UNALIGNED, 0));
      }
    }
    dirty[(int) (s >>> 6)] |= 1L << s;
    return s;
  }

  /**
   * Removes every entry but keeps the table's memory, so that a store can be reused (a window operator's
   * next window) without creating, mapping and deleting files: O(table bytes) of zeroing. Change tracking
   * restarts empty, so the next snapshot of a cleared store must be a full one. Owner only.
   */
  public void clear() {
    table.fill((byte) 0);
    live = 0;
    tombstones = 0;
    Arrays.fill(dirty, 0);
    pendingDeleteCount = 0;
    captured = false; // its next snapshot is a full one
    if (indexed) {
      index.clear();
    }
    if (valueBytes == VARIABLE) {
      values.close();
      generation++;
      values = new ValueLog(dir.resolve("values-" + generation + ".bin"), 1 << 16);
    }
  }

  /** Bytes of the table (slots × slot size): its memory-mapped file's length. */
  public long tableBytes() {
    return capacity * slotBytes;
  }

  /** Whether the last {@link #upsertSlot} inserted its key. */
  public boolean inserted() {
    return inserted;
  }

  /** The table the slots live in; changes when an insert rehashes. */
  public MemorySegment table() {
    return table;
  }

  /** Offset in {@link #table()} of slot {@code slot}'s value. */
  public long valueOffset(long slot) {
    return slot * slotBytes + valueOffset;
  }

  /** Offset in {@link #table()} of slot {@code slot}'s key. */
  public long keyOffset(long slot) {
    return slot * slotBytes + 8;
  }

  /**
   * The slot of {@code key}, or -1 when absent, without marking it changed: for reading (or writing, then
   * {@link #touch}ing) an entry in place. Fixed-size values only; allocates nothing.
   */
  public long slotOf(MemorySegment key) {
    long s = find(key, hash(key));
    return s < 0 ? -1 : s;
  }

  /**
   * Marks the live entry in slot {@code slot} changed for the next incremental snapshot: for a value written in
   * place later than its {@link #upsertSlot} (which marks it already). Owner only.
   */
  public void touch(long slot) {
    dirty[(int) (slot >>> 6)] |= 1L << slot;
  }

  /** Whether slot {@code slot} (0 ≤ slot < {@link #capacity()}) holds a live entry: for allocation-free scans. */
  public boolean occupied(long slot) {
    long ctrl = table.get(JAVA_LONG_UNALIGNED, slot * slotBytes);
    return ctrl != EMPTY && ctrl != TOMBSTONE;
  }

  // ---------------------------------------------------------------- updates

  @Override
  public void put(MemorySegment key, MemorySegment value) {
    long h = hash(key);
    long s = findForInsert(key, h);
    if (s < 0) {
      s = insertionSlot(s, key, h);
      long base = s * slotBytes;
      table.set(JAVA_LONG_UNALIGNED, base, h);
      MemorySegment.copy(key, 0, table, base + 8, keyBytes);
      if (valueBytes == VARIABLE) {
        table.set(JAVA_INT_UNALIGNED, base + valueOffset + 8, 0);
      }
      live++;
      if (indexed) {
        link((int) s, key.get(JAVA_LONG_UNALIGNED, 0));
      }
    }
    long at = s * slotBytes + valueOffset;
    if (valueBytes == VARIABLE) {
      values.release(table.get(JAVA_INT_UNALIGNED, at + 8));
      int len = (int) value.byteSize();
      table.set(JAVA_LONG_UNALIGNED, at, values.append(value, 0, len));
      table.set(JAVA_INT_UNALIGNED, at + 8, len);
    } else {
      MemorySegment.copy(value, 0, table, at, valueBytes);
    }
    dirty[(int) (s >>> 6)] |= 1L << s;
    if (valueBytes == VARIABLE && values.garbageBytes() > (1 << 20) && values.garbageBytes() > values.liveBytes()) {
      compactValues();
    }
  }

  @Override
  public boolean remove(MemorySegment key) {
    long s = find(key, hash(key));
    if (s < 0) {
      return false;
    }
    long base = s * slotBytes;
    if (indexed) {
      unlink((int) s, key.get(JAVA_LONG_UNALIGNED, 0));
    }
    if (valueBytes == VARIABLE) {
      values.release(table.get(JAVA_INT_UNALIGNED, base + valueOffset + 8));
    }
    table.set(JAVA_LONG_UNALIGNED, base, TOMBSTONE);
    live--;
    tombstones++;
    dirty[(int) (s >>> 6)] |= 1L << s;
    if (table.get(JAVA_LONG_UNALIGNED, ((s + 1) & mask) * slotBytes) == EMPTY) {
      emptyTombstonesEndingAt(s);
    }
    return true;
  }

  /**
   * Slot {@code s} is a tombstone followed by an empty slot: no probe path passes through it to a key beyond
   * (linear probing stops at the empty slot), so it can be empty too, and so can the tombstones before it, back
   * to the first live (or empty) slot. Keeps a store whose entries come and go from filling with tombstones,
   * and so from rehashing (a new file each time) under churn. Live slots do not move.
   */
  private void emptyTombstonesEndingAt(long s) {
    long base = s * slotBytes;
    while (table.get(JAVA_LONG_UNALIGNED, base) == TOMBSTONE) {
      keepDeleteIfUnsnapshotted(table, s, dirty);
      table.set(JAVA_LONG_UNALIGNED, base, EMPTY);
      dirty[(int) (s >>> 6)] &= ~(1L << s);
      tombstones--;
      s = (s - 1) & mask;
      base = s * slotBytes;
    }
  }

  private void rehash() {
    rehashes++;
    MemorySegment old = table;
    Arena oldArena = tableArena;
    Path oldFile = tableFile;
    long oldCapacity = capacity;
    long[] oldDirty = dirty;
    mapTable(live * 2 > oldCapacity * MAX_LOAD ? oldCapacity * 2 : oldCapacity);
    if (capacity > oldCapacity) {
      CaptureBuffers.prepare(tableBytes()); // the first full capture of the grown table copies into warm memory
    }
    if (indexed) {
      index.clear();
    }
    for (long i = 0; i < oldCapacity; i++) {
      long base = i * slotBytes;
      long ctrl = old.get(JAVA_LONG_UNALIGNED, base);
      boolean wasDirty = (oldDirty[(int) (i >>> 6)] & (1L << i)) != 0;
      if (ctrl == TOMBSTONE) {
        keepDeleteIfUnsnapshotted(old, i, oldDirty); // its removal may not be in any snapshot yet
      } else if (ctrl != EMPTY) {
        long j = ctrl & mask;
        while (table.get(JAVA_LONG_UNALIGNED, j * slotBytes) != EMPTY) {
          j = (j + 1) & mask;
        }
        MemorySegment.copy(old, base, table, j * slotBytes, linkOffset);
        if (wasDirty) {
          dirty[(int) (j >>> 6)] |= 1L << j;
        }
        if (indexed) {
          link((int) j, old.get(JAVA_LONG_UNALIGNED, base + 8));
        }
      }
    }
    tombstones = 0;
    oldArena.close();
    try {
      Files.deleteIfExists(oldFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete old state table " + oldFile, e);
    }
  }

  private void compactValues() {
    ValueLog old = values;
    generation++;
    values = new ValueLog(dir.resolve("values-" + generation + ".bin"), Math.max(1 << 16, old.liveBytes() * 2));
    for (long i = 0; i < capacity; i++) {
      long base = i * slotBytes;
      long ctrl = table.get(JAVA_LONG_UNALIGNED, base);
      if (ctrl != EMPTY && ctrl != TOMBSTONE) {
        long at = base + valueOffset;
        int len = table.get(JAVA_INT_UNALIGNED, at + 8);
        table.set(JAVA_LONG_UNALIGNED, at, values.append(old.segment(), table.get(JAVA_LONG_UNALIGNED, at), len));
      }
    }
    old.close();
  }

  // ---------------------------------------------------------------- index

  private int prev(int s) {
    return table.get(JAVA_INT_UNALIGNED, s * slotBytes + linkOffset);
  }

  private int next(int s) {
    return table.get(JAVA_INT_UNALIGNED, s * slotBytes + linkOffset + 4);
  }

  private void setPrev(int s, int p) {
    table.set(JAVA_INT_UNALIGNED, s * slotBytes + linkOffset, p);
  }

  private void setNext(int s, int n) {
    table.set(JAVA_INT_UNALIGNED, s * slotBytes + linkOffset + 4, n);
  }

  private void link(int s, long component) {
    int head = index.head(component);
    setPrev(s, -1);
    setNext(s, head);
    if (head >= 0) {
      setPrev(head, s);
    }
    index.setHead(component, s);
  }

  private void unlink(int s, long component) {
    int p = prev(s);
    int n = next(s);
    if (p >= 0) {
      setNext(p, n);
    } else if (n >= 0) {
      index.setHead(component, n);
    } else {
      index.remove(component);
    }
    if (n >= 0) {
      setPrev(n, p);
    }
  }

  @Override
  public void forEachInRange(long from, long to, EntryVisitor visitor) {
    if (!indexed) {
      throw new UnsupportedOperationException("state store is not indexed");
    }
    for (int i = index.lowerBound(from); i < index.distinct() && index.sortedAt(i) <= to; i++) {
      for (int s = index.head(index.sortedAt(i)); s >= 0; s = next(s)) {
        visit(s, visitor);
      }
    }
  }

  @Override
  public void forEach(EntryVisitor visitor) {
    for (long i = 0; i < capacity; i++) {
      long ctrl = table.get(JAVA_LONG_UNALIGNED, i * slotBytes);
      if (ctrl != EMPTY && ctrl != TOMBSTONE) {
        visit(i, visitor);
      }
    }
  }

  private void visit(long s, EntryVisitor visitor) {
    long base = s * slotBytes;
    MemorySegment value;
    if (valueBytes == VARIABLE) {
      value = values.segment().asSlice(table.get(JAVA_LONG_UNALIGNED, base + valueOffset),
          table.get(JAVA_INT_UNALIGNED, base + valueOffset + 8));
    } else {
      value = table.asSlice(base + valueOffset, valueBytes);
    }
    visitor.accept(table.asSlice(base + 8, keyBytes).asReadOnly(), value.asReadOnly());
  }

  // ---------------------------------------------------------------- snapshots

  Layout layout() {
    return new Layout(keyBytes, valueBytes, (int) slotBytes, (int) valueOffset, indexed);
  }

  @Override
  public SnapshotCapture captureIncremental() {
    long changed = 0;
    for (long word : dirty) {
      changed += Long.bitCount(word);
    }
    EntryListCapture c = new EntryListCapture(SnapshotFormat.INCREMENTAL, keyBytes, valueBytes,
        SnapshotFormat.HEADER_BYTES + (changed + pendingDeleteCount) * (keyBytes + Math.max(16, valueBytes)));
    MemorySegment pending = MemorySegment.ofArray(pendingDeleteWords);
    for (int i = 0; i < pendingDeleteCount; i++) {
      c.addDelete(pending, (long) i * keyBytes);
    }
    for (int pass = 0; pass < 2; pass++) { // deletes first: a key removed and re-added has both, and the add wins
      for (int w = 0; w < dirty.length; w++) {
        for (long bits = dirty[w]; bits != 0; bits &= bits - 1) {
          long s = ((long) w << 6) + Long.numberOfTrailingZeros(bits);
          long base = s * slotBytes;
          long ctrl = table.get(JAVA_LONG_UNALIGNED, base);
          if (pass == 0 && ctrl == TOMBSTONE) {
            c.addDelete(table, base + 8);
          } else if (pass == 1 && ctrl != TOMBSTONE && ctrl != EMPTY) {
            addUpsert(c, base);
          }
        }
      }
    }
    resetTracking();
    return c.finish();
  }

  /**
   * A table image: one bulk copy of the table (and of the value log), whatever the number of entries;
   * the writer leaves out the empty slots. The copy is what the owner pays: memcpy of
   * {@link #tableBytes()}.
   */
  @Override
  public SnapshotCapture captureFull() {
    long[] components = new long[indexed ? index.distinct() : 0];
    int[] heads = new int[components.length];
    for (int i = 0; i < components.length; i++) {
      components[i] = index.sortedAt(i);
      heads[i] = index.head(components[i]);
    }
    TableImageCapture c = new TableImageCapture(layout(), table, capacity, seed, live, tombstones,
        values == null ? null : values.segment(), values == null ? 0 : values.end(), values == null ? 0 : values.garbageBytes(),
        components, heads);
    resetTracking();
    return c;
  }

  private void addUpsert(EntryListCapture c, long base) {
    long at = base + valueOffset;
    if (valueBytes == VARIABLE) {
      c.addUpsert(table, base + 8, values.segment(), table.get(JAVA_LONG_UNALIGNED, at), table.get(JAVA_INT_UNALIGNED, at + 8));
    } else {
      c.addUpsert(table, base + 8, table, at, valueBytes);
    }
  }

  private void resetTracking() {
    Arrays.fill(dirty, 0);
    pendingDeleteCount = 0;
    if (pendingDeleteWords.length > 1 << 16) {
      pendingDeleteWords = new long[64]; // a burst of removals does not pin its array for good
    }
    captured = true;
  }

  /** Keys of removed entries kept for the next incremental capture (tests). */
  int pendingDeletes() {
    return pendingDeleteCount;
  }

  /** Rehashes so far (tests: a store whose entries come and go reuses its slots instead). */
  int rehashes() {
    return rehashes;
  }

  /**
   * Slot {@code slot} of {@code t} holds a removed key (a tombstone) about to be emptied, reused or left behind:
   * when {@code dirtyBits} mark it changed since the last capture (so its removal may not be in a snapshot) and a
   * capture or restore has happened (so there is a snapshot it could be in), keeps the key for the next delta.
   */
  private void keepDeleteIfUnsnapshotted(MemorySegment t, long slot, long[] dirtyBits) {
    if (!captured || (dirtyBits[(int) (slot >>> 6)] & (1L << slot)) == 0) {
      return;
    }
    int words = keyBytes >>> 3;
    int at = pendingDeleteCount * words;
    if (at + words > pendingDeleteWords.length) {
      pendingDeleteWords = Arrays.copyOf(pendingDeleteWords, Math.max(pendingDeleteWords.length * 2, at + words));
    }
    MemorySegment.copy(t, JAVA_LONG_UNALIGNED, slot * slotBytes + 8, pendingDeleteWords, at, words);
    pendingDeleteCount++;
  }

  @Override
  public void restore(List<Path> chain) throws IOException {
    if (!chain.isEmpty() && TableImageReader.matches(chain.getFirst(), layout())) {
      try {
        TableImageReader.load(chain.getFirst(), this); // region by region: no hashing, no probing
        for (Path file : chain.subList(1, chain.size())) {
          SnapshotFiles.apply(file, this);
        }
      } catch (IOException | RuntimeException e) {
        clear();
        throw e;
      }
      resetTracking();
      return;
    }
    long entries = 0;
    for (Path file : chain) {
      entries += SnapshotFiles.upserts(file); // an upper bound of the entries restored: no rehash while restoring
    }
    long cap = 16;
    while (cap * MAX_LOAD < entries) {
      cap <<= 1;
    }
    releaseFiles();
    live = 0;
    tombstones = 0;
    if (indexed) {
      index.clear();
    }
    mapTable(cap);
    if (valueBytes == VARIABLE) {
      values = new ValueLog(dir.resolve("values-" + generation + ".bin"), 1 << 16);
    }
    for (Path file : chain) {
      SnapshotFiles.apply(file, this);
    }
    resetTracking();
  }

  /**
   * Restore of a table image, step 1: replaces the contents with an empty table of {@code cap} slots
   * whose ctrl words were computed with {@code imageSeed}, and a value log of {@code logBytes} for the
   * caller to fill. The caller then writes the slots into {@link #table()} and the log into
   * {@link #valueLogSegment()}, and adds the index heads ({@link #restoreIndexHead}).
   */
  void beginImage(long cap, long imageSeed, long imageLive, long imageTombstones, long logBytes, long logGarbage) {
    releaseFiles();
    if (indexed) {
      index.clear();
    }
    pendingDeleteCount = 0;
    mapTable(cap);
    seed = imageSeed;
    live = imageLive;
    tombstones = imageTombstones;
    if (valueBytes == VARIABLE) {
      values = new ValueLog(dir.resolve("values-" + generation + ".bin"), Math.max(1 << 16, logBytes));
      values.restored(logBytes, logGarbage);
    }
  }

  /** The value log's memory (variable-size values), for a restore to fill. */
  MemorySegment valueLogSegment() {
    return values.segment();
  }

  /** Restore of a table image, step 2: component {@code component}'s list starts at slot {@code head}. */
  void restoreIndexHead(long component, int head) {
    index.setHead(component, head);
  }

  private void releaseFiles() {
    if (tableArena != null) {
      tableArena.close();
      tableArena = null;
    }
    if (values != null) {
      values.close();
      values = null;
    }
    try {
      Files.deleteIfExists(tableFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete state table " + tableFile, e);
    }
  }

  @Override
  public void close() {
    if (tableArena == null) {
      return;
    }
    releaseFiles();
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete state directory " + dir, e);
    }
  }
}
