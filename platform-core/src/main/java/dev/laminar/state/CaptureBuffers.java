package dev.laminar.state;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Off-heap memory for full captures ({@link TableImageCapture}), kept warm between them. A full capture
 * is one bulk copy of a store's table on the owner thread; into fresh memory that copy is dominated by
 * page faults (measured on this project's VMs: 1.2–1.4 s to fault in 1 GiB, 0.12–0.18 s to copy 1 GiB
 * into memory already touched). So a buffer is returned here when its capture is written, reused by the
 * next full capture that fits, and a store whose table grows past {@link #PREPARE_MIN_BYTES} asks for a
 * buffer of its new size to be allocated and touched in advance on a background thread
 * ({@link #prepare}): its first full capture then costs a memcpy.
 *
 * <p>The price is memory: free buffers stay allocated, at most {@code laminar.state.captureCacheBytes}
 * bytes of them (default 2 GiB; 0 keeps none and prepares none). A prepared buffer supersedes free ones
 * under half its size (earlier growth steps of the same table). Thread-safe: captures are taken on the
 * reactors and freed on the checkpoint thread; nothing here is on the per-event path.
 */
final class CaptureBuffers {
  /** Tables smaller than this fault in quickly enough: no buffer is prepared for them. */
  static final long PREPARE_MIN_BYTES = 32L << 20;
  private static final long CACHE_BYTES = Long.getLong("laminar.state.captureCacheBytes", 2L << 30);

  /** Memory of one capture: {@link #segment()} is at least the size asked for; {@link CaptureBuffers#release} returns it. */
  static final class Buffer {
    private final Arena arena;
    private final MemorySegment segment;

    private Buffer(long bytes) {
      arena = Arena.ofShared();
      segment = arena.allocate(Math.max(8, bytes), 8); // zeroed: this touches every page
    }

    MemorySegment segment() {
      return segment;
    }

    long bytes() {
      return segment.byteSize();
    }
  }

  private static final List<Buffer> FREE = new ArrayList<>();
  private static final List<Long> PREPARING = new ArrayList<>();
  private static final ExecutorService PREPARER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "laminar-capture-buffers");
    t.setDaemon(true);
    return t;
  });

  private CaptureBuffers() {}

  /** A buffer of at least {@code bytes}: the smallest free one that fits (at most twice the size), else a new one. */
  static Buffer acquire(long bytes) {
    synchronized (FREE) {
      Buffer best = null;
      for (Buffer b : FREE) {
        if (b.bytes() >= bytes && b.bytes() <= Math.max(2 * bytes, 1 << 20) && (best == null || b.bytes() < best.bytes())) {
          best = b;
        }
      }
      if (best != null) {
        FREE.remove(best);
        return best;
      }
    }
    return new Buffer(bytes);
  }

  /** Gives {@code b} back for a later capture, or frees it when the cache is full. Any thread. */
  static void release(Buffer b) {
    synchronized (FREE) {
      if (CACHE_BYTES > 0 && b.bytes() >= PREPARE_MIN_BYTES && freeBytes() + b.bytes() <= CACHE_BYTES) {
        FREE.add(b);
        return;
      }
    }
    b.arena.close();
  }

  /**
   * A table grew to {@code bytes}: make a touched buffer of that size ready for its first full capture,
   * on a background thread. Returns at once; does nothing when one is free or being made already.
   */
  static void prepare(long bytes) {
    if (CACHE_BYTES <= 0 || bytes < PREPARE_MIN_BYTES || bytes > CACHE_BYTES) {
      return;
    }
    synchronized (FREE) {
      for (Buffer b : FREE) {
        if (b.bytes() >= bytes && b.bytes() <= 2 * bytes) {
          return;
        }
      }
      if (PREPARING.contains(bytes)) {
        return;
      }
      PREPARING.add(bytes);
    }
    PREPARER.execute(() -> {
      Buffer made = null;
      try {
        made = new Buffer(bytes);
      } catch (OutOfMemoryError e) {
        // no standby: the capture allocates its own memory
      }
      List<Buffer> superseded = new ArrayList<>();
      synchronized (FREE) {
        PREPARING.remove(bytes);
        if (made != null) {
          for (Buffer b : List.copyOf(FREE)) {
            if (b.bytes() < bytes / 2) {
              FREE.remove(b);
              superseded.add(b);
            }
          }
          if (freeBytes() + made.bytes() <= CACHE_BYTES) {
            FREE.add(made);
            made = null;
          }
        }
      }
      superseded.forEach(b -> b.arena.close());
      if (made != null) {
        made.arena.close();
      }
    });
  }

  /** Waits until the buffers asked for so far are prepared (tests). */
  static void awaitPrepared() throws Exception {
    PREPARER.submit(() -> { }).get();
  }

  private static long freeBytes() {
    long total = 0;
    for (Buffer b : FREE) {
      total += b.bytes();
    }
    return total;
  }
}
