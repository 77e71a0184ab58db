package dev.laminar.runtime.join;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.state.OffHeapStateStore;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Fixed-size ids for the VARCHAR cells of rows in a store-backed join's state (key columns and payload
 * alike), so that a row is a fixed-size entry: each distinct string held by some row gets a dense id
 * (reused once free), shared by both inputs (equal key strings get equal key words on either side).
 * It is state itself — id → UTF-8 in a variable-size {@link OffHeapStateStore}, snapshotted with the
 * rows — while the heap keeps string → id, id → string (output writes the same {@code String} again:
 * nothing is decoded per output row) and a reference count per id (cells of rows in state using it),
 * counted again from the row stores after a restore.
 *
 * <p>The same scheme as the window aggregates' {@code StringKeyDictionary} (package-private in
 * {@code runtime.aggregate}); here references are row cells rather than groups. Reactor thread only.
 */
final class JoinStringIds implements AutoCloseable {
  private final OffHeapStateStore store;
  private final HashMap<String, Integer> ids = new HashMap<>();
  private String[] strings = new String[64];
  private int[] refs = new int[64];
  private int[] free = new int[16];
  private int freeCount;
  private int nextId;
  private final long[] keyWord = new long[1];
  private final MemorySegment key = MemorySegment.ofArray(keyWord);

  JoinStringIds(Path scratch) {
    this.store = new OffHeapStateStore(scratch, 8, OffHeapStateStore.VARIABLE, false, 1024);
  }

  OffHeapStateStore store() {
    return store;
  }

  /** The id of {@code s}, or -1 when no row in state holds it (then no stored key can equal it). */
  long find(String s) {
    Integer known = ids.get(s);
    return known == null ? -1 : known;
  }

  /** The id of {@code s} with one more reference (a cell of a row entering state), adding it when new. */
  long acquire(String s) {
    Integer known = ids.get(s);
    int id;
    if (known != null) {
      id = known;
    } else {
      id = freeCount > 0 ? free[--freeCount] : nextId++;
      if (id >= strings.length) {
        strings = Arrays.copyOf(strings, strings.length * 2);
        refs = Arrays.copyOf(refs, refs.length * 2);
      }
      strings[id] = s;
      refs[id] = 0;
      ids.put(s, id);
      keyWord[0] = id;
      store.put(key, MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8)));
    }
    refs[id]++;
    return id;
  }

  String string(long id) {
    return strings[(int) id];
  }

  /** A cell using {@code id} left state; the string goes with its last reference. */
  void release(long id) {
    int i = (int) id;
    if (--refs[i] == 0) {
      ids.remove(strings[i]);
      strings[i] = null;
      keyWord[0] = i;
      store.remove(key);
      if (freeCount == free.length) {
        free = Arrays.copyOf(free, free.length * 2);
      }
      free[freeCount++] = i;
    }
  }

  /** After the store was restored: rebuilds the heap side; the caller counts references again with {@link #retain}. */
  void rebuild() {
    ids.clear();
    Arrays.fill(strings, null);
    Arrays.fill(refs, 0);
    freeCount = 0;
    int[] max = {-1};
    store.forEach((k, v) -> {
      int id = (int) k.get(JAVA_LONG_UNALIGNED, 0);
      while (id >= strings.length) {
        strings = Arrays.copyOf(strings, strings.length * 2);
        refs = Arrays.copyOf(refs, refs.length * 2);
      }
      String s = new String(v.toArray(JAVA_BYTE), StandardCharsets.UTF_8);
      strings[id] = s;
      ids.put(s, id);
      max[0] = Math.max(max[0], id);
    });
    nextId = max[0] + 1;
    for (int i = nextId - 1; i >= 0; i--) {
      if (strings[i] == null) {
        if (freeCount == free.length) {
          free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = i;
      }
    }
  }

  /** During a restore: one more cell in state uses {@code id}. */
  void retain(long id) {
    refs[(int) id]++;
  }

  /** After {@link #rebuild} and the recount: removes strings no row uses (none, when the snapshots were consistent). */
  void dropUnreferenced() {
    for (int i = 0; i < nextId; i++) {
      if (strings[i] != null && refs[i] == 0) {
        refs[i] = 1;
        release(i);
      }
    }
  }

  /** Distinct strings held. */
  int size() {
    return ids.size();
  }

  @Override
  public void close() {
    store.close();
  }
}
