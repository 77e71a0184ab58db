package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.state.OffHeapStateStore;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Fixed-size ids for VARCHAR grouping values, so that a group key of strings fits a fixed-size state
 * store key: each distinct string in state gets a dense id (reused once free). The dictionary is itself
 * state: id → UTF-8 bytes in a variable-size {@link OffHeapStateStore}, snapshotted with the operator's
 * other stores (incrementally: only strings added or dropped since the last checkpoint). The heap keeps
 * what the hot path needs — string → id (a {@code HashMap} lookup: no allocation for a string already
 * known), id → string for output, and a reference count per id (how many groups in state use it),
 * derived again from the group stores after a restore.
 *
 * <p>A string whose last group is dropped (its window emitted) is removed, so the dictionary holds only
 * the strings of open windows. The store-backed interval join uses it the same way for the VARCHAR cells
 * of the rows in its state ({@link #find}, {@link #acquire}): there a reference is a row cell. Reactor
 * thread only.
 */
public final class StringKeyDictionary implements AutoCloseable {
  private final OffHeapStateStore store;
  private final HashMap<String, Integer> ids = new HashMap<>();
  private String[] strings = new String[64];
  private int[] refs = new int[64];
  private int[] free = new int[16];
  private int freeCount;
  private int nextId;
  private final long[] keyWord = new long[1];
  private final MemorySegment key = MemorySegment.ofArray(keyWord);

  public StringKeyDictionary(Path scratch) {
    this.store = new OffHeapStateStore(scratch, 8, OffHeapStateStore.VARIABLE, false, 1024);
  }

  public OffHeapStateStore store() {
    return store;
  }

  /** The id of {@code s}, or -1 when nothing in state holds it (then no stored key can equal it). */
  public long find(String s) {
    Integer known = ids.get(s);
    return known == null ? -1 : known;
  }

  /** The id of {@code s} with one more reference, adding it when new. */
  public long acquire(String s) {
    long id = id(s);
    retain(id);
    return id;
  }

  /** The id of {@code s}, adding it (with no references yet) when new. */
  long id(String s) {
    Integer known = ids.get(s);
    if (known != null) {
      return known;
    }
    int id = freeCount > 0 ? free[--freeCount] : nextId++;
    if (id >= strings.length) {
      strings = Arrays.copyOf(strings, strings.length * 2);
      refs = Arrays.copyOf(refs, refs.length * 2);
    }
    strings[id] = s;
    refs[id] = 0;
    ids.put(s, id);
    keyWord[0] = id;
    store.put(key, MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8)));
    return id;
  }

  public String string(long id) {
    return strings[(int) id];
  }

  /** A new group uses {@code id}. */
  public void retain(long id) {
    refs[(int) id]++;
  }

  /** A group using {@code id} was dropped; the string goes once no group uses it. */
  public void release(long id) {
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

  /** After the store was restored: rebuilds the heap side (references are counted again by the caller with {@link #retain}). */
  public void rebuild() {
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

  /** After {@link #rebuild} and the recount: removes strings no group uses (none, when the snapshots were consistent). */
  public void dropUnreferenced() {
    for (int i = 0; i < nextId; i++) {
      if (strings[i] != null && refs[i] == 0) {
        refs[i] = 1;
        release(i);
      }
    }
  }

  /** Distinct strings held. */
  public int size() {
    return ids.size();
  }

  @Override
  public void close() {
    store.close();
  }
}
