package dev.laminar.durability.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One append buffer, handed from the owner thread (single writer) to the flusher thread (single
 * reader). The owner fills frames and then publishes how far the buffer holds whole records; the
 * flusher writes the published bytes. Frames never straddle two buffers.
 */
final class WalBuffer {
  private static final VarHandle PUBLISHED;
  private static final VarHandle SEALED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      PUBLISHED = l.findVarHandle(WalBuffer.class, "published", int.class);
      SEALED = l.findVarHandle(WalBuffer.class, "sealed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final ByteBuffer bytes;
  /** The flusher's own view of {@link #bytes}, so its position/limit never race with the owner. */
  final ByteBuffer flusherView;
  /** The owner's CRC view of {@link #bytes}. */
  final ByteBuffer crcView;
  /** LSN of byte 0 of this buffer (set by the owner before the buffer is handed over). */
  long baseLsn;
  /** True when the segment must be closed after this buffer and a new one started at {@code baseLsn + final limit}. */
  boolean rotateAfter;
  /** Owner-written; bytes [0, published) are whole frames the flusher may write. */
  @SuppressWarnings("unused")
  private int published;
  /** Owner-written; once true, {@code published} is final. */
  @SuppressWarnings("unused")
  private boolean sealed;
  /** Flusher-owned: bytes already written to the segment. */
  int written;

  WalBuffer(int capacity) {
    bytes = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    flusherView = bytes.duplicate();
    crcView = bytes.duplicate();
  }

  /** Owner: prepares a recycled buffer for bytes starting at {@code lsn}. Happens before it is handed over. */
  void reset(long lsn) {
    baseLsn = lsn;
    rotateAfter = false;
    written = 0;
    PUBLISHED.set(this, 0);
    SEALED.set(this, false);
  }

  /**
   * Owner: publishes whole frames up to {@code limit}. A volatile store (not merely ordered): the owner
   * reads the flusher's idle flag right after it, and that store-load pair must not be reordered or a
   * wake-up could be missed.
   */
  void svPublished(int limit) {
    PUBLISHED.setVolatile(this, limit);
  }

  /** Owner: no more frames will be added; ordered after the last {@link #svPublished}. */
  void soSealed() {
    SEALED.setRelease(this, true);
  }

  /** Flusher: the published limit (acquire: the frame bytes before it are visible). */
  int lvPublished() {
    return (int) PUBLISHED.getAcquire(this);
  }

  /**
   * Flusher, before it parks: the published limit, read in the synchronization order (the owner stores it with
   * {@link #svPublished} and then reads whether the flusher is idle; the flusher stores that it is idle and then
   * reads this), so that one of the two sees the other and no wake-up is lost.
   */
  int lvPublishedVolatile() {
    return (int) PUBLISHED.getVolatile(this);
  }

  /** Flusher: whether the owner has moved on; read before {@link #lvPublished} so the limit seen is final. */
  boolean lvSealed() {
    return (boolean) SEALED.getAcquire(this);
  }
}
