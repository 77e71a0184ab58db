package dev.laminar.durability.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.jctools.queues.SpscArrayQueue;

/**
 * The write-ahead log of one reactor: a directory of segment files holding CRC32C-checked records
 * with monotonically increasing LSNs (see {@link WalRecordFormat}).
 *
 * <p><b>Threads.</b> One <i>owner</i> thread (the reactor) calls {@link #append}, {@link #nextLsn()} and
 * {@link #requestSync()}. Appends copy the record into a direct buffer and publish it with one volatile
 * store; they never touch the file and never take a lock. A background <i>flusher</i> thread (Ring 1)
 * writes published bytes to the current segment, rotates segments, and forces them according to the
 * {@link SyncPolicy} (group commit: one {@code force(false)} covers every record appended since the
 * previous one). The only way {@code append} waits is backpressure: when all {@link WalConfig#maxBuffers()}
 * buffers are waiting for the flusher.
 *
 * <p><b>Durability.</b> {@link #durableLsn()} is a plain volatile read any thread may poll: every record
 * whose LSN is below it is durable under the policy. {@link #whenDurable(long)} and {@link #awaitDurable(long)}
 * serve threads that may wait (sink committers, tests); the reactor should poll.
 *
 * <p><b>Recovery.</b> {@link #open} first repairs the directory ({@link RecoveryReport}): a torn or corrupt
 * tail is cut back to the last valid record. Then {@link #reader(long)} replays from an LSN and new
 * records continue after the last valid one. After a checkpoint, {@link #truncateBefore(long)} deletes
 * whole segments that hold only older records.
 *
 * <p><b>Failure.</b> An I/O error on the flusher fails the log: pending and later {@code whenDurable}
 * futures complete exceptionally and {@code append} throws {@link UncheckedIOException}.
 */
public final class WriteAheadLog implements AutoCloseable {
  private static final VarHandle DURABLE;

  static {
    try {
      DURABLE = MethodHandles.lookup().findVarHandle(WriteAheadLog.class, "durableLsn", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final WalConfig config;
  private final RecoveryReport recovery;
  private final NavigableSet<Long> segmentBases = new ConcurrentSkipListSet<>();
  private final SpscArrayQueue<WalBuffer> handoff;
  private final SpscArrayQueue<WalBuffer> free;
  private final DurabilityWaiters waiters = new DurabilityWaiters();
  private final WalFlusher flusher;
  private final Thread flusherThread;

  // ---- owner-thread state
  private final CRC32C crc = new CRC32C();
  private WalBuffer current;
  private int position;
  private long nextLsn;
  private long segmentBase;
  private int buffersAllocated;
  private boolean closed;

  /** Every record with an LSN below this is durable (written by the flusher, read by anyone). */
  @SuppressWarnings("unused")
  private volatile long durableLsn;
  volatile Throwable failure;

  private WriteAheadLog(WalConfig config, RecoveryReport recovery, List<Long> bases) throws IOException {
    this.config = config;
    this.recovery = recovery;
    this.nextLsn = recovery.nextLsn();
    this.durableLsn = nextLsn;
    segmentBases.addAll(bases);
    if (segmentBases.isEmpty()) {
      segmentBases.add(nextLsn);
    }
    this.segmentBase = segmentBases.last();
    this.handoff = new SpscArrayQueue<>(Math.max(4, config.maxBuffers() * 2));
    this.free = new SpscArrayQueue<>(Math.max(4, config.maxBuffers() * 2));
    this.flusher = new WalFlusher(this, config, segmentBase, nextLsn);
    this.current = takeBuffer(config.bufferBytes());
    this.flusherThread = Thread.ofPlatform().daemon().name("laminar-wal-" + config.directory().getFileName())
        .start(flusher);
  }

  /** Opens (creating if needed) and repairs the log in {@code config.directory()}. */
  public static WriteAheadLog open(WalConfig config) throws IOException {
    requireNonNull(config, "config is null");
    Files.createDirectories(config.directory());
    RecoveryReport report = WalRecovery.recover(config.directory());
    return new WriteAheadLog(config, report, Segments.list(config.directory()));
  }

  /** What {@link #open} found and cut. */
  public RecoveryReport recoveryReport() {
    return recovery;
  }

  public WalConfig config() {
    return config;
  }

  /** Owner thread: appends a record and returns its LSN. Does not wait for the disk. */
  public long append(byte[] payload) {
    return append(ByteBuffer.wrap(payload));
  }

  /**
   * Owner thread: appends the remaining bytes of {@code payload} (its position is not changed) as one
   * record and returns its LSN. Does not wait for the disk; allocates nothing.
   */
  public long append(ByteBuffer payload) {
    int length = payload.remaining();
    if (length > WalRecordFormat.MAX_PAYLOAD) {
      throw new IllegalArgumentException("record of " + length + " bytes exceeds " + WalRecordFormat.MAX_PAYLOAD);
    }
    Throwable failed = failure;
    if (failed != null || closed) {
      throw new UncheckedIOException(new IOException(closed ? "write-ahead log " + config.directory() + " is closed"
          : "write-ahead log " + config.directory() + " failed", failed));
    }
    int frame = WalRecordFormat.frameBytes(length);
    if (nextLsn > segmentBase && nextLsn - segmentBase + frame > config.segmentBytes()) {
      current.rotateAfter = true;
      segmentBase = nextLsn;
      nextBuffer(frame);
    } else if (current.bytes.capacity() - position < frame) {
      nextBuffer(frame);
    }
    final WalBuffer b = current;
    final int at = position;
    final long lsn = nextLsn;
    b.bytes.put(at + WalRecordFormat.HEADER_BYTES, payload, payload.position(), length);
    WalRecordFormat.sealFrame(b.bytes, b.crcView, at, length, lsn, crc);
    position = at + frame;
    nextLsn = lsn + frame;
    b.svPublished(position);
    flusher.wakeIfIdle(flusherThread);
    return lsn;
  }

  /** Owner thread: the LSN the next record will get (= end of the last appended record). */
  public long nextLsn() {
    return nextLsn;
  }

  /** Any thread: every record whose LSN is below the returned value is durable under the sync policy. */
  public long durableLsn() {
    return (long) DURABLE.getVolatile(this);
  }

  /**
   * Any thread: every record below the returned LSN has been forced to the device. Equal to
   * {@link #durableLsn()} under EVERY_COMMIT and INTERVAL; under NONE it moves only when a force is
   * requested ({@link #requestSync()}), at segment rotation and at close.
   */
  public long forcedLsn() {
    return flusher.lvForcedLsn();
  }

  /** Any thread: whether the record at {@code lsn} is durable. */
  public boolean isDurable(long lsn) {
    return durableLsn() > lsn;
  }

  /** Completes (with the durable LSN) once the record at {@code lsn} is durable, or exceptionally when the log fails. */
  public CompletableFuture<Long> whenDurable(long lsn) {
    return waiters.add(lsn, this);
  }

  /** Waits until the record at {@code lsn} is durable. Not for the owner's hot path: poll {@link #durableLsn()} there. */
  public void awaitDurable(long lsn) throws IOException, InterruptedException {
    try {
      whenDurable(lsn).get();
    } catch (ExecutionException e) {
      throw new IOException("write-ahead log " + config.directory() + " failed", e.getCause());
    }
  }

  /**
   * Any thread: asks the flusher to force now (for INTERVAL, e.g. at a checkpoint, rather than at the next tick; for NONE,
   * the only way records are forced besides rotation and close). Watch {@link #forcedLsn()} for the result.
   */
  public void requestSync() {
    flusher.requestSync(flusherThread);
  }

  /**
   * Reads the records from {@code fromLsn} (an LSN returned by {@code append} or {@link #firstLsn()})
   * to the end of what the flusher has written so far. Use it after {@link #open} to replay. Do not
   * {@link #truncateBefore} below a reader's position while it is open.
   */
  public WalReader reader(long fromLsn) {
    // the end first: a segment is listed before anything is written into it, so the list copied
    // afterwards covers every byte below the end
    long end = flusher.lvWrittenLsn();
    return new WalReader(config.directory(), List.copyOf(segmentBases), fromLsn, end);
  }

  /** LSN of the oldest record still kept. */
  public long firstLsn() {
    return segmentBases.first();
  }

  /**
   * Deletes every segment whose records all have LSNs below {@code lsn} (after a checkpoint that covers
   * them); the segment holding {@code lsn}, and the one being written, are kept. Returns the number of
   * segments deleted. Any thread; safe while the owner appends.
   */
  public int truncateBefore(long lsn) throws IOException {
    int deleted = 0;
    Long base = segmentBases.first();
    while (true) {
      Long next = segmentBases.higher(base);
      if (next == null || next > lsn) {
        break;
      }
      Files.deleteIfExists(Segments.path(config.directory(), base));
      segmentBases.remove(base);
      deleted++;
      base = next;
    }
    if (deleted > 0) {
      Segments.syncDirectory(config.directory());
    }
    return deleted;
  }

  /** Owner thread: writes and forces everything appended, stops the flusher and closes the segment. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    current.soSealed();
    flusher.stop(flusherThread);
    try {
      flusherThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while closing write-ahead log " + config.directory(), e);
    }
    Throwable failed = failure;
    if (failed != null) {
      throw new IOException("write-ahead log " + config.directory() + " failed", failed);
    }
  }

  // ---------------------------------------------------------------- owner internals

  private void nextBuffer(int frame) {
    current.soSealed();
    current = takeBuffer(Math.max(frame, config.bufferBytes()));
  }

  private WalBuffer takeBuffer(int capacity) {
    WalBuffer b;
    if (capacity > config.bufferBytes()) {
      b = new WalBuffer(capacity); // an oversized record gets its own buffer, dropped after it is written
    } else {
      b = free.poll();
      while (b == null) {
        if (buffersAllocated < config.maxBuffers()) {
          buffersAllocated++;
          b = new WalBuffer(config.bufferBytes());
        } else { // backpressure: every buffer waits for the flusher
          flusher.wakeIfIdle(flusherThread);
          LockSupport.parkNanos(10_000);
          checkNotFailed();
          b = free.poll();
        }
      }
    }
    b.reset(nextLsn);
    position = 0;
    while (!handoff.offer(b)) {
      flusher.wakeIfIdle(flusherThread);
      LockSupport.parkNanos(10_000);
      checkNotFailed();
    }
    return b;
  }

  private void checkNotFailed() {
    Throwable failed = failure;
    if (failed != null) {
      throw new UncheckedIOException(new IOException("write-ahead log " + config.directory() + " failed", failed));
    }
  }

  // ---------------------------------------------------------------- flusher callbacks

  WalBuffer peekHandoff() {
    return handoff.peek();
  }

  void finished(WalBuffer b) {
    handoff.poll();
    if (b.bytes.capacity() == config.bufferBytes()) {
      free.offer(b);
    }
  }

  void segmentStarted(long base) {
    segmentBases.add(base);
  }

  void publishDurable(long lsn) {
    DURABLE.setVolatile(this, lsn);
    waiters.completeUpTo(lsn);
  }

  void fail(Throwable t) {
    failure = t;
    waiters.failAll(t);
  }
}
