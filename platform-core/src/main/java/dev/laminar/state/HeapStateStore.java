package dev.laminar.state;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link StateStore} on the Java heap (HashMap plus a TreeMap index), for small state where a mapped
 * table is not worth its fixed cost. Same contract and snapshot format as {@link OffHeapStateStore},
 * so either restores the other's snapshots (its full snapshot is an entry list, which the off-heap store
 * reads entry by entry; the off-heap store's table image it reads entry by entry too); unlike it,
 * {@code get}/{@code put} allocate.
 */
public final class HeapStateStore implements StateStore {
  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  private final int keyBytes;
  private final int valueBytes;
  private final boolean indexed;
  private final Map<Key, byte[]> entries = new HashMap<>();
  private final TreeMap<Long, Set<Key>> index = new TreeMap<>();
  private final Set<Key> changed = new HashSet<>();

  public HeapStateStore(int keyBytes, int valueBytes, boolean indexed) {
    if (keyBytes <= 0 || keyBytes % 8 != 0) {
      throw new IllegalArgumentException("keyBytes must be a positive multiple of 8: " + keyBytes);
    }
    if (valueBytes <= 0 && valueBytes != VARIABLE) {
      throw new IllegalArgumentException("valueBytes must be > 0 or VARIABLE: " + valueBytes);
    }
    this.keyBytes = keyBytes;
    this.valueBytes = valueBytes;
    this.indexed = indexed;
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
    return entries.size();
  }

  private Key key(MemorySegment key) {
    return new Key(key.asSlice(0, keyBytes).toArray(JAVA_BYTE));
  }

  private static long component(Key k) {
    return MemorySegment.ofArray(k.bytes).get(JAVA_LONG_UNALIGNED, 0);
  }

  @Override
  public boolean get(MemorySegment key, MemorySegment valueOut) {
    byte[] v = entries.get(key(key));
    if (v == null) {
      return false;
    }
    MemorySegment.copy(MemorySegment.ofArray(v), 0, valueOut, 0, Math.min(v.length, valueOut.byteSize()));
    return true;
  }

  @Override
  public int valueLength(MemorySegment key) {
    byte[] v = entries.get(key(key));
    return v == null ? -1 : v.length;
  }

  @Override
  public void put(MemorySegment key, MemorySegment value) {
    Key k = key(key);
    byte[] v = value.asSlice(0, valueBytes == VARIABLE ? value.byteSize() : valueBytes).toArray(JAVA_BYTE);
    if (entries.put(k, v) == null && indexed) {
      index.computeIfAbsent(component(k), c -> new LinkedHashSet<>()).add(k);
    }
    changed.add(k);
  }

  @Override
  public boolean remove(MemorySegment key) {
    Key k = key(key);
    if (entries.remove(k) == null) {
      return false;
    }
    if (indexed) {
      Set<Key> keys = index.get(component(k));
      keys.remove(k);
      if (keys.isEmpty()) {
        index.remove(component(k));
      }
    }
    changed.add(k);
    return true;
  }

  @Override
  public void forEachInRange(long from, long to, EntryVisitor visitor) {
    if (!indexed) {
      throw new UnsupportedOperationException("state store is not indexed");
    }
    if (from > to) {
      return;
    }
    for (Set<Key> keys : index.subMap(from, true, to, true).values()) {
      for (Key k : keys) {
        visitor.accept(MemorySegment.ofArray(k.bytes).asReadOnly(), MemorySegment.ofArray(entries.get(k)).asReadOnly());
      }
    }
  }

  @Override
  public void forEach(EntryVisitor visitor) {
    entries.forEach((k, v) -> visitor.accept(MemorySegment.ofArray(k.bytes).asReadOnly(), MemorySegment.ofArray(v).asReadOnly()));
  }

  @Override
  public SnapshotCapture captureIncremental() {
    EntryListCapture c = new EntryListCapture(SnapshotFormat.INCREMENTAL, keyBytes, valueBytes, 1024);
    for (Key k : changed) {
      if (!entries.containsKey(k)) {
        c.addDelete(MemorySegment.ofArray(k.bytes), 0);
      }
    }
    for (Key k : changed) {
      byte[] v = entries.get(k);
      if (v != null) {
        c.addUpsert(MemorySegment.ofArray(k.bytes), 0, MemorySegment.ofArray(v), 0, v.length);
      }
    }
    changed.clear();
    return c.finish();
  }

  @Override
  public SnapshotCapture captureFull() {
    EntryListCapture c = new EntryListCapture(SnapshotFormat.FULL, keyBytes, valueBytes, 1024);
    entries.forEach((k, v) -> c.addUpsert(MemorySegment.ofArray(k.bytes), 0, MemorySegment.ofArray(v), 0, v.length));
    changed.clear();
    return c.finish();
  }

  @Override
  public void restore(List<Path> chain) throws IOException {
    entries.clear();
    index.clear();
    for (Path file : chain) {
      SnapshotFiles.apply(file, this);
    }
    changed.clear();
  }

  @Override
  public void close() {
    entries.clear();
    index.clear();
    changed.clear();
  }
}
