package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * When the sessions of a {@link StoredSessionWindowAggregateOperator} fire: a binary min-heap of
 * {@code (end, session id)} pairs in off-heap memory (16 bytes per entry, nothing on the Java heap per
 * session), ordered by end and then id — the order the heap operator fires sessions in.
 *
 * <p>Entries are lazy: a session is pushed when it is created, with the end it had then; a row that
 * extends the session only moves the end stored with the session, and a session merged into another
 * leaves its entry behind. The operator checks each popped entry against the session store and re-pushes
 * it with the current end (or drops it), so the per-row cost is nothing and each session costs
 * O(log n) per gap of event time it stays open. The heap is not state: it is rebuilt from the session
 * store on restore ({@link #heapify}). Reactor thread only; allocates only when it grows.
 */
final class StoredSessionExpiry implements AutoCloseable {
  private static final long ENTRY = 16;

  private Arena arena;
  private MemorySegment heap;
  private long capacity;
  private long size;

  StoredSessionExpiry(long initialCapacity) {
    allocate(Math.max(64, initialCapacity));
  }

  private void allocate(long entries) {
    Arena next = Arena.ofShared();
    MemorySegment grown = next.allocate(entries * ENTRY, 8);
    if (heap != null) {
      MemorySegment.copy(heap, 0, grown, 0, size * ENTRY);
      arena.close();
    }
    arena = next;
    heap = grown;
    capacity = entries;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long size() {
    return size;
  }

  /** End of the first entry (the heap must not be empty). */
  long firstEnd() {
    return heap.get(JAVA_LONG, 0);
  }

  /** Session id of the first entry (the heap must not be empty). */
  long firstId() {
    return heap.get(JAVA_LONG, 8);
  }

  void push(long end, long id) {
    if (size == capacity) {
      allocate(capacity * 2);
    }
    siftUp(size++, end, id);
  }

  /** Removes the first entry. */
  void pop() {
    long last = --size;
    if (last > 0) {
      siftDown(0, heap.get(JAVA_LONG, last * ENTRY), heap.get(JAVA_LONG, last * ENTRY + 8));
    }
  }

  /** Empties the heap (restore). */
  void clear() {
    size = 0;
  }

  /** Appends without ordering; {@link #heapify} must follow before the heap is used. */
  void append(long end, long id) {
    if (size == capacity) {
      allocate(capacity * 2);
    }
    set(size++, end, id);
  }

  /** Orders what {@link #append} added: O(n). */
  void heapify() {
    for (long i = size / 2 - 1; i >= 0; i--) {
      siftDown(i, heap.get(JAVA_LONG, i * ENTRY), heap.get(JAVA_LONG, i * ENTRY + 8));
    }
  }

  private void siftUp(long i, long end, long id) {
    final MemorySegment h = heap;
    while (i > 0) {
      long parent = (i - 1) >>> 1;
      long pe = h.get(JAVA_LONG, parent * ENTRY);
      long pi = h.get(JAVA_LONG, parent * ENTRY + 8);
      if (!less(end, id, pe, pi)) {
        break;
      }
      set(i, pe, pi);
      i = parent;
    }
    set(i, end, id);
  }

  private void siftDown(long i, long end, long id) {
    final MemorySegment h = heap;
    final long n = size;
    while (true) {
      long child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      long ce = h.get(JAVA_LONG, child * ENTRY);
      long ci = h.get(JAVA_LONG, child * ENTRY + 8);
      if (child + 1 < n) {
        long re = h.get(JAVA_LONG, (child + 1) * ENTRY);
        long ri = h.get(JAVA_LONG, (child + 1) * ENTRY + 8);
        if (less(re, ri, ce, ci)) {
          child++;
          ce = re;
          ci = ri;
        }
      }
      if (!less(ce, ci, end, id)) {
        break;
      }
      set(i, ce, ci);
      i = child;
    }
    set(i, end, id);
  }

  private void set(long i, long end, long id) {
    heap.set(JAVA_LONG, i * ENTRY, end);
    heap.set(JAVA_LONG, i * ENTRY + 8, id);
  }

  private static boolean less(long end, long id, long otherEnd, long otherId) {
    return end != otherEnd ? end < otherEnd : id < otherId;
  }

  /** Frees the memory. Idempotent. */
  @Override
  public void close() {
    if (arena != null) {
      arena.close();
      arena = null;
      heap = null;
      size = 0;
    }
  }
}
