package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.state.OffHeapStateStore;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Fixed-size ids for variable-size values, so that a group key or a row of strings fits a fixed-size state
 * store entry: each distinct value in state gets a dense id (reused once free). Values are VARCHAR strings,
 * and, for the store-backed joins' cells, BYTES ({@code byte[]}, equal by content) and wide DECIMAL values
 * ({@link BigDecimal}, equal by {@link BigDecimal#equals}: value and scale, so a value comes back with the
 * scale it went in with). The dictionary is itself state: id → encoded value in a variable-size
 * {@link OffHeapStateStore}, snapshotted with the operator's other stores (incrementally: only values added
 * or dropped since the last checkpoint). The store key is the id, with the value's kind in its upper 32 bits
 * (0 for a string, so that a dictionary of strings is stored as before); a string is its UTF-8 bytes, a
 * {@code byte[]} itself, a decimal its scale (4 bytes, big-endian) then its unscaled value's two's-complement
 * bytes. The heap keeps what the hot path needs — value → id (a {@code HashMap} lookup: no allocation for a
 * string already known), id → value for output, and a reference count per id (how many groups in state use
 * it), derived again from the group stores after a restore.
 *
 * <p>A value whose last group is dropped (its window emitted) is removed, so the dictionary holds only
 * the values of open windows. The store-backed window operators also keep the object values of aggregate states
 * here ({@link SlotObjects}; a reference is a slot word). The store-backed joins use it the same way for the VARCHAR, BYTES and wide
 * DECIMAL cells of the rows in their state ({@link #find}, {@link #acquire}): there a reference is a row
 * cell. Values of different kinds never share an id. Reactor thread only.
 */
public final class StringKeyDictionary implements SlotObjects, AutoCloseable {
  private static final long STRING = 0;
  private static final long BYTES = 1;
  private static final long DECIMAL = 2;

  private final OffHeapStateStore store;
  /** Value → id; a {@code byte[]} is keyed by a {@link Bytes}. */
  private final HashMap<Object, Integer> ids = new HashMap<>();
  /** Looks up a {@code byte[]} by content without allocating. */
  private final Bytes probe = new Bytes();
  private Object[] values = new Object[64];
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

  /** The id of {@code v} (a String, {@code byte[]} or BigDecimal), or -1 when nothing in state holds it (then no stored key can equal it). */
  public long find(Object v) {
    Integer known = ids.get(mapKey(v));
    return known == null ? -1 : known;
  }

  /** The id of {@code v} with one more reference, adding it when new. */
  public long acquire(Object v) {
    long id = id(v);
    retain(id);
    return id;
  }

  /** The id of {@code v}, adding it (with no references yet) when new. */
  @Override
  public long id(Object v) {
    Integer known = ids.get(mapKey(v));
    if (known != null) {
      return known;
    }
    int id = freeCount > 0 ? free[--freeCount] : nextId++;
    if (id >= values.length) {
      values = Arrays.copyOf(values, values.length * 2);
      refs = Arrays.copyOf(refs, refs.length * 2);
    }
    values[id] = v;
    refs[id] = 0;
    ids.put(v instanceof byte[] b ? new Bytes().of(b) : v, id);
    keyWord[0] = storeKey(id, v);
    store.put(key, MemorySegment.ofArray(encode(v)));
    return id;
  }

  public String string(long id) {
    return (String) values[(int) id];
  }

  /** The value of {@code id}: a String, {@code byte[]} or BigDecimal. */
  @Override
  public Object value(long id) {
    return values[(int) id];
  }

  /** A new group uses {@code id}. */
  public void retain(long id) {
    refs[(int) id]++;
  }

  /** A group using {@code id} was dropped; the value goes once no group uses it. */
  public void release(long id) {
    int i = (int) id;
    if (--refs[i] == 0) {
      Object v = values[i];
      ids.remove(mapKey(v));
      values[i] = null;
      keyWord[0] = storeKey(i, v);
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
    Arrays.fill(values, null);
    Arrays.fill(refs, 0);
    freeCount = 0;
    int[] max = {-1};
    store.forEach((k, v) -> {
      long word = k.get(JAVA_LONG_UNALIGNED, 0);
      int id = (int) word;
      while (id >= values.length) {
        values = Arrays.copyOf(values, values.length * 2);
        refs = Arrays.copyOf(refs, refs.length * 2);
      }
      Object value = decode(word >>> 32, v.toArray(JAVA_BYTE));
      values[id] = value;
      ids.put(value instanceof byte[] b ? new Bytes().of(b) : value, id);
      max[0] = Math.max(max[0], id);
    });
    nextId = max[0] + 1;
    for (int i = nextId - 1; i >= 0; i--) {
      if (values[i] == null) {
        if (freeCount == free.length) {
          free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = i;
      }
    }
  }

  /** After {@link #rebuild} and the recount: removes values no group uses (none, when the snapshots were consistent). */
  public void dropUnreferenced() {
    for (int i = 0; i < nextId; i++) {
      if (values[i] != null && refs[i] == 0) {
        refs[i] = 1;
        release(i);
      }
    }
  }

  /** Distinct values held. */
  public int size() {
    return ids.size();
  }

  @Override
  public void close() {
    store.close();
  }

  /** The map key of {@code v}: itself, or for a {@code byte[]} the reused probe (valid until the next lookup). */
  private Object mapKey(Object v) {
    return v instanceof byte[] b ? probe.of(b) : v;
  }

  private static long storeKey(int id, Object v) {
    long kind = switch (v) {
      case String _ -> STRING;
      case byte[] _ -> BYTES;
      case BigDecimal _ -> DECIMAL;
      default -> throw new IllegalArgumentException("not a dictionary value: " + v.getClass().getName());
    };
    return id | kind << 32;
  }

  private static byte[] encode(Object v) {
    return switch (v) {
      case String s -> s.getBytes(StandardCharsets.UTF_8);
      case byte[] b -> b;
      case BigDecimal d -> {
        byte[] unscaled = d.unscaledValue().toByteArray();
        byte[] out = new byte[4 + unscaled.length];
        int scale = d.scale();
        out[0] = (byte) (scale >>> 24);
        out[1] = (byte) (scale >>> 16);
        out[2] = (byte) (scale >>> 8);
        out[3] = (byte) scale;
        System.arraycopy(unscaled, 0, out, 4, unscaled.length);
        yield out;
      }
      default -> throw new IllegalArgumentException("not a dictionary value: " + v.getClass().getName());
    };
  }

  private static Object decode(long kind, byte[] bytes) {
    if (kind == BYTES) {
      return bytes;
    }
    if (kind == DECIMAL) {
      int scale = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
      return new BigDecimal(new BigInteger(bytes, 4, bytes.length - 4), scale);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A {@code byte[]} as a map key: equal by content. */
  private static final class Bytes {
    private byte[] bytes;
    private int hash;

    Bytes of(byte[] b) {
      bytes = b;
      hash = Arrays.hashCode(b);
      return this;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }
  }
}
