package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.laminar.state.OffHeapStateStore;
import dev.laminar.state.StateStore;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The state of COUNT(DISTINCT x), APPROX_COUNT_DISTINCT(x) and plugin aggregate calls of a store-backed window
 * operator, kept in state stores beside the groups' slots: a slot holds one word per such call, the handle of its
 * set (or accumulator) here, 0 before its first value. A distinct count's result (the count, or the estimate) is in
 * a word of its own, so that a copy of a slot (the result a group last emitted, {@link SlotChanges}) needs nothing
 * from here; a plugin call's result is computed from its accumulator, of which such a copy holds a copy.
 *
 * <ul>
 *   <li>COUNT(DISTINCT x): one entry per member in store {@code set<call>}, key [handle, member], the members of a
 *       set linked through their values (next member, and whether there is one) from the set's head in store
 *       {@code set<call>-heads}: adding is a probe (two for a new member), iterating a set (a union, a drop) costs a
 *       probe per member, never a scan. A member is the value itself for long-backed columns, a DOUBLE's bits,
 *       and the id in the operator's {@link StringKeyDictionary} of a VARCHAR, BYTES or wide DECIMAL (the member
 *       holds a reference on it).
 *   <li>APPROX_COUNT_DISTINCT(x): one entry per set in store {@code hll<call>}, key [handle], value the 2^12
 *       registers of {@link HyperLogLogs} and the histogram of their ranks (the estimate is computed from it when a
 *       register rises, not from all registers per row).
 *   <li>A plugin's aggregate function with an accumulator serializer: the accumulator objects on the heap by handle,
 *       their serialized form in store {@code agg<call>}, written at each barrier for those changed since the last
 *       ({@link #flush}). A copy of a slot holds a copy of the accumulator, whose result it is computed from.
 * </ul>
 *
 * <p>A set belongs to the one live slot holding its handle: a slot dropped drops its set ({@link SlotRefs}), a
 * copy of a slot holds handle 0. The stores are captured incrementally with the operator's; after a restore the
 * dictionary references of the members are counted again ({@link #retainObjects}). Reactor thread only; allocates
 * nothing.
 */
public final class SlotSets implements AutoCloseable {
  /** Kind of a set word: COUNT(DISTINCT) of a long-backed or DOUBLE column (the member is the value or its bits). */
  public static final int DISTINCT = 0;
  /** COUNT(DISTINCT) of a VARCHAR, BYTES or wide DECIMAL column (the member is the value's dictionary id). */
  public static final int DISTINCT_OBJECTS = 1;
  /** APPROX_COUNT_DISTINCT. */
  public static final int APPROXIMATE = 2;
  /** A plugin's aggregate function with an accumulator serializer. */
  public static final int PLUGIN = 3;

  private static final Pattern STORE_NAME = Pattern.compile("set\\d+(-heads)?|hll\\d+|agg\\d+");
  /** Registers, then the histogram: shorts per rank 0..MAX_RANK, rank 0's holding how many registers are not zero. */
  private static final long HISTOGRAM = HyperLogLogs.M;
  private static final int HLL_BYTES = (int) (HISTOGRAM + ((2L * (HyperLogLogs.MAX_RANK + 1) + 7) & ~7L));

  private final int[] kinds;
  private final OffHeapStateStore[] members;
  private final OffHeapStateStore[] heads;
  private final OffHeapStateStore[] registers;
  private final Plugins[] plugins;
  private final StringKeyDictionary dictionary;
  private final long[] pair = new long[2];
  private final MemorySegment pairKey = MemorySegment.ofArray(pair);
  private final long[] single = new long[1];
  private final MemorySegment singleKey = MemorySegment.ofArray(single);
  private final int[] counts = new int[HyperLogLogs.MAX_RANK + 1];
  private long nextHandle = 1;
  /**
   * Per APPROX_COUNT_DISTINCT call, the handles of dropped register sets whose zeroed entries wait for reuse: a 4 KiB
   * entry removed and a new one inserted per group and window filled the table with tombstones, and rehashing it
   * (a new mapped file) cost more than the rows.
   */
  private final long[][] freeRegisters;
  private final int[] freeRegisterCount;
  private int changed;
  private long estimate;
  /** Set by {@link #nextMember}. */
  private long nextMember;

  /**
   * The sets of {@code aggregates}' slots ({@link GroupAccumulatorFactory#slotSetWords()}), or null when they have none.
   *
   * @param dictionary where object members live (needed when a COUNT(DISTINCT) is of such a column)
   */
  static SlotSets of(GroupAccumulatorFactory aggregates, Path scratch, StringKeyDictionary dictionary) {
    int[] words = aggregates.slotSetWords();
    return words.length == 0 ? null : new SlotSets(words, aggregates.specs(), scratch, dictionary);
  }

  /** Whether the slots of {@code aggregates} have sets of object members (their operator then needs a dictionary). */
  static boolean needsDictionary(GroupAccumulatorFactory aggregates) {
    int[] words = aggregates.slotSetWords();
    for (int k = 0; k < words.length; k += 3) {
      if (words[k + 2] == DISTINCT_OBJECTS) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} is the name of one of these stores (for {@code StoreBacked.requireOwnStores}). */
  static boolean isStoreName(String name) {
    return STORE_NAME.matcher(name).matches();
  }

  private SlotSets(int[] words, AggregateSpec[] specs, Path scratch, StringKeyDictionary dictionary) {
    int calls = 0;
    for (int k = 0; k < words.length; k += 3) {
      calls = Math.max(calls, words[k + 1] + 1);
    }
    this.kinds = new int[calls];
    this.members = new OffHeapStateStore[calls];
    this.heads = new OffHeapStateStore[calls];
    this.registers = new OffHeapStateStore[calls];
    this.plugins = new Plugins[calls];
    this.freeRegisters = new long[calls][];
    this.freeRegisterCount = new int[calls];
    this.dictionary = dictionary;
    for (int k = 0; k < words.length; k += 3) {
      int call = words[k + 1];
      kinds[call] = words[k + 2];
      if (kinds[call] == PLUGIN) {
        plugins[call] = new Plugins(specs[call], scratch);
      } else if (kinds[call] == APPROXIMATE) {
        registers[call] = new OffHeapStateStore(scratch, 8, HLL_BYTES, false, 64);
        freeRegisters[call] = new long[16];
      } else {
        if (kinds[call] == DISTINCT_OBJECTS && dictionary == null) {
          throw new IllegalArgumentException("COUNT(DISTINCT) of object values needs a dictionary");
        }
        members[call] = new OffHeapStateStore(scratch, 16, 16, false, 1024);
        heads[call] = new OffHeapStateStore(scratch, 8, 8, false, 256);
      }
    }
  }

  /** How many members the last {@link #add}, {@link #addObject} or {@link #union} added; for APPROX_COUNT_DISTINCT 1 if a register rose. */
  public int changed() {
    return changed;
  }

  /** After an APPROX_COUNT_DISTINCT {@link #hll} or {@link #union} that {@link #changed}: the set's new estimate. */
  public long estimate() {
    return estimate;
  }

  /** COUNT(DISTINCT) of call {@code call}: adds {@code member} to set {@code handle} (0: a new set); returns the set's handle. */
  public long add(int call, long handle, long member) {
    if (handle != 0) {
      pair[0] = handle;
      pair[1] = member;
      if (members[call].slotOf(pairKey) >= 0) {
        changed = 0;
        return handle;
      }
    } else {
      handle = nextHandle++;
    }
    link(call, handle, member);
    changed = 1;
    return handle;
  }

  /** {@link #add} of an object value (VARCHAR, BYTES, wide DECIMAL): the member is its dictionary id, holding a reference. */
  public long addObject(int call, long handle, Object value) {
    long id = dictionary.id(value); // new to the dictionary: no set holds it yet, so it is added below
    handle = add(call, handle, id);
    if (changed != 0) {
      dictionary.retain(id);
    }
    return handle;
  }

  private void link(int call, long handle, long member) {
    OffHeapStateStore h = heads[call];
    single[0] = handle;
    long hs = h.upsertSlot(singleKey);
    long at = h.valueOffset(hs);
    boolean first = h.inserted();
    long next = first ? 0 : h.table().get(JAVA_LONG_UNALIGNED, at);
    h.table().set(JAVA_LONG_UNALIGNED, at, member);
    OffHeapStateStore m = members[call];
    pair[0] = handle;
    pair[1] = member;
    long ms = m.upsertSlot(pairKey);
    long mat = m.valueOffset(ms);
    m.table().set(JAVA_LONG_UNALIGNED, mat, next);
    m.table().set(JAVA_LONG_UNALIGNED, mat + 8, first ? 0L : 1L);
  }

  /** APPROX_COUNT_DISTINCT of call {@code call}: adds a value by its hash ({@link HyperLogLogs#hash}) to set {@code handle} (0: new). */
  public long hll(int call, long handle, long hash) {
    long mixed = HyperLogLogs.mix(hash);
    OffHeapStateStore store = registers[call];
    long slot;
    if (handle == 0) {
      handle = newRegisters(call);
    }
    single[0] = handle;
    slot = existing(store, handle);
    changed = raise(store, slot, HyperLogLogs.index(mixed), HyperLogLogs.rank(mixed)) ? 1 : 0;
    if (changed != 0) {
      store.touch(slot);
      estimate = estimate(store.table(), store.valueOffset(slot));
    }
    return handle;
  }

  /** An empty register set of call {@code call}: a dropped one's zeroed entry when there is one, else a new entry. */
  private long newRegisters(int call) {
    if (freeRegisterCount[call] > 0) {
      return freeRegisters[call][--freeRegisterCount[call]];
    }
    long handle = nextHandle++;
    single[0] = handle;
    registers[call].upsertSlot(singleKey);
    return handle;
  }

  private void freeRegisters(int call, long handle) {
    if (freeRegisterCount[call] == freeRegisters[call].length) {
      freeRegisters[call] = java.util.Arrays.copyOf(freeRegisters[call], freeRegisterCount[call] * 2);
    }
    freeRegisters[call][freeRegisterCount[call]++] = handle;
  }

  /** Raises register {@code index} of the set in {@code slot} to {@code rank} if lower, keeping the histogram; whether it rose. */
  private static boolean raise(OffHeapStateStore store, long slot, int index, int rank) {
    MemorySegment t = store.table();
    long at = store.valueOffset(slot);
    int old = t.get(JAVA_BYTE, at + index);
    if (rank <= old) {
      return false;
    }
    t.set(JAVA_BYTE, at + index, (byte) rank);
    long histogram = at + HISTOGRAM;
    if (old == 0) { // rank 0's count is of the registers not zero
      t.set(JAVA_SHORT_UNALIGNED, histogram, (short) (t.get(JAVA_SHORT_UNALIGNED, histogram) + 1));
    } else {
      t.set(JAVA_SHORT_UNALIGNED, histogram + 2L * old, (short) (t.get(JAVA_SHORT_UNALIGNED, histogram + 2L * old) - 1));
    }
    t.set(JAVA_SHORT_UNALIGNED, histogram + 2L * rank, (short) (t.get(JAVA_SHORT_UNALIGNED, histogram + 2L * rank) + 1));
    return true;
  }

  private long estimate(MemorySegment t, long at) {
    long histogram = at + HISTOGRAM;
    counts[0] = HyperLogLogs.M - t.get(JAVA_SHORT_UNALIGNED, histogram);
    for (int r = 1; r <= HyperLogLogs.MAX_RANK; r++) {
      counts[r] = t.get(JAVA_SHORT_UNALIGNED, histogram + 2L * r);
    }
    return HyperLogLogs.estimate(counts);
  }

  /**
   * Adds the members of set {@code from} to set {@code into} (0: a new set) of call {@code call}, leaving {@code from}
   * as it was; returns the handle of {@code into}. For APPROX_COUNT_DISTINCT each register takes the larger rank.
   */
  public long union(int call, long into, long from) {
    if (kinds[call] == APPROXIMATE) {
      return unionRegisters(call, into, from);
    }
    if (kinds[call] == PLUGIN) {
      return plugins[call].merge(into, from);
    }
    long member = firstMember(call, from);
    boolean objects = kinds[call] == DISTINCT_OBJECTS;
    int added = 0;
    while (true) {
      boolean more = nextMember(call, from, member);
      long next = nextMember;
      into = add(call, into, member);
      if (changed != 0) {
        added++;
        if (objects) {
          dictionary.retain(member);
        }
      }
      if (!more) {
        break;
      }
      member = next;
    }
    changed = added;
    return into;
  }

  private long unionRegisters(int call, long into, long from) {
    OffHeapStateStore store = registers[call];
    if (into == 0) {
      into = newRegisters(call); // before looking up from: an insert may move the table
    }
    single[0] = into;
    long target = existing(store, into);
    single[0] = from;
    long source = existing(store, from);
    MemorySegment t = store.table();
    long fromAt = store.valueOffset(source);
    boolean rose = false;
    for (int i = 0; i < HyperLogLogs.M; i++) {
      int rank = t.get(JAVA_BYTE, fromAt + i);
      if (rank != 0) {
        rose |= raise(store, target, i, rank);
      }
    }
    changed = rose ? 1 : 0;
    if (rose) {
      store.touch(target);
      estimate = estimate(t, store.valueOffset(target));
    }
    return into;
  }

  /** The slot of the entry keyed by the key buffer last filled for {@code handle}, which must exist. */
  private long existing(OffHeapStateStore store, long handle) {
    long s = store.slotOf(store.keyBytes() == 8 ? singleKey : pairKey);
    if (s < 0) {
      throw new IllegalStateException("the distinct-count state lost set " + handle);
    }
    return s;
  }

  /** The head member of set {@code handle} of call {@code call} (the key buffer left holding the handle). */
  private long firstMember(int call, long handle) {
    single[0] = handle;
    long hs = heads[call].slotOf(singleKey);
    if (hs < 0) {
      throw new IllegalStateException("the distinct-count state lost set " + handle);
    }
    return heads[call].table().get(JAVA_LONG_UNALIGNED, heads[call].valueOffset(hs));
  }

  /** The member after {@code member} in set {@code handle}, left in {@link #nextMember} (the pair key left holding it); whether there is one. */
  private boolean nextMember(int call, long handle, long member) {
    OffHeapStateStore m = members[call];
    pair[0] = handle;
    pair[1] = member;
    long at = m.valueOffset(existing(m, handle));
    nextMember = m.table().get(JAVA_LONG_UNALIGNED, at);
    return m.table().get(JAVA_LONG_UNALIGNED, at + 8) != 0;
  }

  /** Drops set {@code handle} of call {@code call} (its slot goes): its members, and their dictionary references. */
  public void drop(int call, long handle) {
    if (kinds[call] == PLUGIN) {
      plugins[call].drop((int) handle);
      return;
    }
    if (kinds[call] == APPROXIMATE) { // zeroed (an empty set, as a new entry is) and kept for the next set
      OffHeapStateStore store = registers[call];
      single[0] = handle;
      long slot = existing(store, handle);
      store.table().asSlice(store.valueOffset(slot), HLL_BYTES).fill((byte) 0);
      store.touch(slot);
      freeRegisters(call, handle);
      return;
    }
    long member = firstMember(call, handle);
    heads[call].remove(singleKey);
    while (true) {
      boolean more = nextMember(call, handle, member);
      long next = nextMember;
      members[call].remove(pairKey);
      if (kinds[call] == DISTINCT_OBJECTS) {
        dictionary.release(member);
      }
      if (!more) {
        return;
      }
      member = next;
    }
  }

  /** A plugin's aggregate call {@code call}: adds row {@code row} of {@code in} to accumulator {@code handle} (0: a new one). */
  public long plugin(int call, long handle, dev.laminar.runtime.ColumnarBatch in, int row) {
    return plugins[call].add(handle, in, row);
  }

  /** Writes the result of the plugin call's accumulator {@code handle} (0: no row yet) into cell ({@code row}, {@code col}). */
  public void result(int call, long handle, dev.laminar.runtime.ColumnarBatch out, int row, int col) {
    plugins[call].result(handle, out, row, col);
  }

  /**
   * For a copy of a slot (a result remembered): the handle the copy holds of call {@code call} when the live slot
   * holds {@code handle} — 0 for a distinct count (the copy's result is in its own word), a copy of the accumulator
   * for a plugin's function (its result is computed from it).
   */
  long copyForRemembered(int call, long handle) {
    return kinds[call] == PLUGIN && handle != 0 ? plugins[call].copy((int) handle) : 0;
  }

  /** Writes the plugin accumulators changed since the last call into their store (at a barrier, before the capture). */
  void flush() throws IOException {
    for (Plugins p : plugins) {
      if (p != null) {
        p.flush();
      }
    }
  }

  /** Sets (and plugin accumulators) held across the calls (0 once every slot holding one is gone: nothing leaks). */
  long sets() {
    long n = 0;
    for (int call = 0; call < kinds.length; call++) {
      n += heads[call] != null ? heads[call].size() : registers[call] != null ? registers[call].size() - freeRegisterCount[call]
          : plugins[call] != null ? plugins[call].live : 0;
    }
    return n;
  }

  /** The stores, by name, for checkpoints. */
  void addStores(Map<String, StateStore> stores) {
    for (int call = 0; call < kinds.length; call++) {
      if (plugins[call] != null) {
        stores.put("agg" + call, plugins[call].store);
      } else if (registers[call] != null) {
        stores.put("hll" + call, registers[call]);
      } else if (members[call] != null) {
        stores.put("set" + call, members[call]);
        stores.put("set" + call + "-heads", heads[call]);
      }
    }
  }

  /** Restores every store from its chain in {@code chains}; then handles go on after the largest restored. */
  void restore(Map<String, List<Path>> chains) throws IOException {
    Map<String, StateStore> own = new LinkedHashMap<>();
    addStores(own);
    long max = 0;
    for (Map.Entry<String, StateStore> e : own.entrySet()) {
      List<Path> chain = chains.get(e.getKey());
      if (chain == null) {
        throw new IOException("the checkpoint has no state for the distinct counts (store " + e.getKey() + ")");
      }
      OffHeapStateStore store = (OffHeapStateStore) e.getValue();
      store.restore(chain);
      if (store.keyBytes() == 8 && store.valueBytes() != StateStore.VARIABLE) {
        for (long s = 0, cap = store.capacity(); s < cap; s++) {
          if (store.occupied(s)) {
            max = Math.max(max, store.table().get(JAVA_LONG_UNALIGNED, store.keyOffset(s)));
          }
        }
      }
    }
    nextHandle = max + 1;
    for (int call = 0; call < kinds.length; call++) { // an all-zero register set is a free one (no live slot holds it)
      OffHeapStateStore store = registers[call];
      if (store != null) {
        freeRegisterCount[call] = 0;
        for (long s = 0, cap = store.capacity(); s < cap; s++) {
          if (store.occupied(s) && store.table().get(JAVA_SHORT_UNALIGNED, store.valueOffset(s) + HISTOGRAM) == 0) {
            freeRegisters(call, store.table().get(JAVA_LONG_UNALIGNED, store.keyOffset(s)));
          }
        }
      }
    }
    for (Plugins p : plugins) {
      if (p != null) {
        p.restore();
      }
    }
  }

  /** After {@link #restore} and the dictionary's rebuild: the members' references on it counted again. */
  void retainObjects() {
    for (int call = 0; call < kinds.length; call++) {
      if (kinds[call] == DISTINCT_OBJECTS) {
        OffHeapStateStore m = members[call];
        for (long s = 0, cap = m.capacity(); s < cap; s++) {
          if (m.occupied(s)) {
            dictionary.retain(m.table().get(JAVA_LONG_UNALIGNED, m.keyOffset(s) + 8));
          }
        }
      }
    }
  }

  @Override
  public void close() {
    for (int call = 0; call < kinds.length; call++) {
      for (OffHeapStateStore s : new OffHeapStateStore[] {members[call], heads[call], registers[call],
          plugins[call] == null ? null : plugins[call].store}) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  /**
   * The accumulators of one plugin call: objects on the heap by handle (dense: a freed handle is reused), the
   * durable copy in a store keyed by handle (the function's serialized form), written for the accumulators changed
   * since the last barrier ({@link #flush}) and read back on restore.
   */
  private static final class Plugins {
    final PluginAggregate plugin;
    final dev.laminar.sdk.type.DataType resultType;
    final OffHeapStateStore store;
    final Accumulator empty;
    final long[] key = new long[1];
    final MemorySegment keySegment = MemorySegment.ofArray(key);
    Accumulator[] byHandle = new Accumulator[64];
    boolean[] dirty = new boolean[64];
    int[] dirtyList = new int[64];
    int dirtyCount;
    int[] free = new int[16];
    int freeCount;
    int next = 1;
    long live;

    Plugins(AggregateSpec spec, Path scratch) {
      this.plugin = spec.plugin();
      this.resultType = spec.resultType();
      this.store = new OffHeapStateStore(scratch, 8, StateStore.VARIABLE, false, 64);
      this.empty = plugin.create(resultType);
    }

    private int allocate(Accumulator a) {
      int h = freeCount > 0 ? free[--freeCount] : next++;
      if (h >= byHandle.length) {
        int n = Math.max(h + 1, byHandle.length * 2);
        byHandle = java.util.Arrays.copyOf(byHandle, n);
        dirty = java.util.Arrays.copyOf(dirty, n);
      }
      byHandle[h] = a;
      live++;
      return h;
    }

    private Accumulator get(long handle) {
      Accumulator a = handle > 0 && handle < byHandle.length ? byHandle[(int) handle] : null;
      if (a == null) {
        throw new IllegalStateException("the aggregate state lost accumulator " + handle + " of " + plugin.function().name());
      }
      return a;
    }

    private void touch(int h) {
      if (!dirty[h]) {
        dirty[h] = true;
        if (dirtyCount == dirtyList.length) {
          dirtyList = java.util.Arrays.copyOf(dirtyList, dirtyCount * 2);
        }
        dirtyList[dirtyCount++] = h;
      }
    }

    long add(long handle, dev.laminar.runtime.ColumnarBatch in, int row) {
      int h = handle == 0 ? allocate(plugin.create(resultType)) : (int) handle;
      get(h).add(in, row);
      touch(h);
      return h;
    }

    long merge(long into, long from) {
      int h = into == 0 ? allocate(plugin.create(resultType)) : (int) into;
      get(h).merge(get(from));
      touch(h);
      return h;
    }

    void result(long handle, dev.laminar.runtime.ColumnarBatch out, int row, int col) {
      (handle == 0 ? empty : get(handle)).writeResult(out, row, col);
    }

    long copy(int handle) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try {
        PluginAggregate.write(get(handle), new java.io.DataOutputStream(bytes));
        int h = allocate(plugin.read(resultType, new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))));
        touch(h);
        return h;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    void drop(int handle) {
      get(handle);
      byHandle[handle] = null;
      live--;
      if (freeCount == free.length) {
        free = java.util.Arrays.copyOf(free, freeCount * 2);
      }
      free[freeCount++] = handle;
      key[0] = handle;
      store.remove(keySegment); // absent when it was never flushed
    }

    void flush() throws IOException {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
      for (int i = 0; i < dirtyCount; i++) {
        int h = dirtyList[i];
        dirty[h] = false;
        if (byHandle[h] != null) {
          bytes.reset();
          PluginAggregate.write(byHandle[h], out);
          out.flush();
          key[0] = h;
          store.put(keySegment, MemorySegment.ofArray(bytes.toByteArray()));
        }
      }
      dirtyCount = 0;
    }

    /** After the store's restore: the accumulators read back, handles and free list rebuilt. */
    void restore() throws IOException {
      java.util.Arrays.fill(byHandle, null);
      java.util.Arrays.fill(dirty, false);
      dirtyCount = 0;
      freeCount = 0;
      live = 0;
      int[] max = {0};
      IOException[] failure = {null};
      store.forEach((k, v) -> {
        int h = (int) k.get(JAVA_LONG_UNALIGNED, 0);
        try {
          Accumulator a = plugin.read(resultType, new java.io.DataInputStream(new java.io.ByteArrayInputStream(v.toArray(JAVA_BYTE))));
          if (h >= byHandle.length) {
            byHandle = java.util.Arrays.copyOf(byHandle, Math.max(h + 1, byHandle.length * 2));
            dirty = java.util.Arrays.copyOf(dirty, byHandle.length);
          }
          byHandle[h] = a;
          live++;
          max[0] = Math.max(max[0], h);
        } catch (IOException e) {
          failure[0] = e;
        }
      });
      if (failure[0] != null) {
        throw failure[0];
      }
      next = max[0] + 1;
      for (int h = next - 1; h >= 1; h--) {
        if (byHandle[h] == null) {
          if (freeCount == free.length) {
            free = java.util.Arrays.copyOf(free, freeCount * 2);
          }
          free[freeCount++] = h;
        }
      }
    }
  }
}
