package dev.laminar.durability.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The log's background thread: writes published bytes of the handed-over buffers to the current
 * segment, rotates segments at record boundaries, and forces per {@link SyncPolicy}. One force covers
 * everything written before it (group commit).
 */
final class WalFlusher implements Runnable {
  /**
   * How long an idle flusher parks when nothing is due: a safety net only. The owner wakes it after every append
   * ({@link #wakeIfIdle}), a checkpoint's {@link #requestSync} and {@link #stop} unpark it, and INTERVAL parks
   * until its next force, so an idle log's thread wakes ten times a second rather than a thousand (one such
   * thread per memory source).
   */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final WriteAheadLog log;
  private final WalConfig config;
  private final long intervalNanos;
  private FileChannel channel;
  private long writtenLsn;
  private long durable;
  private long lastForce = System.nanoTime();
  private volatile long writtenLsnPublished;
  /** End of what has been forced to the device (for NONE, which publishes durability at write: forced only on request and at rotation). */
  private volatile long forcedLsn;
  private volatile boolean idle;
  private volatile boolean syncRequested;
  private volatile boolean stopping;

  WalFlusher(WriteAheadLog log, WalConfig config, long segmentBase, long nextLsn) throws IOException {
    this.log = log;
    this.config = config;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(config.syncIntervalMillis());
    this.writtenLsn = nextLsn;
    this.durable = nextLsn;
    this.writtenLsnPublished = nextLsn;
    this.channel = openSegment(segmentBase);
    if (config.syncPolicy() == SyncPolicy.NONE) {
      channel.force(false); // what an earlier process wrote may still be only in the OS: forced once, so forcedLsn starts true
    }
    this.forcedLsn = nextLsn;
  }

  /** Owner: wakes the flusher if it is parked. Cheap when it is busy (one volatile read). */
  void wakeIfIdle(Thread flusherThread) {
    if (idle) {
      LockSupport.unpark(flusherThread);
    }
  }

  void requestSync(Thread flusherThread) {
    syncRequested = true;
    LockSupport.unpark(flusherThread);
  }

  void stop(Thread flusherThread) {
    stopping = true;
    LockSupport.unpark(flusherThread);
  }

  /** End of what has been forced to the device (any thread). */
  long lvForcedLsn() {
    return forcedLsn;
  }

  /** End of what has been written to the OS (any thread). */
  long lvWrittenLsn() {
    return writtenLsnPublished;
  }

  @Override
  public void run() {
    try {
      while (true) {
        boolean stop = stopping; // read before draining: whatever the owner sealed before stop() is drained now
        boolean wrote = drain();
        syncIfDue(stop);
        if (stop && log.peekHandoff() == null) {
          break;
        }
        if (!wrote) {
          park();
        }
      }
      channel.force(false);
      forcedLsn = writtenLsn;
      log.publishDurable(writtenLsn);
    } catch (Throwable t) {
      log.fail(t);
    } finally {
      try {
        channel.close();
      } catch (IOException ignored) {
        // already failed or closed; nothing more to report
      }
    }
  }

  private boolean drain() throws IOException {
    boolean wrote = false;
    WalBuffer b;
    while ((b = log.peekHandoff()) != null) {
      boolean sealed = b.lvSealed();
      int limit = b.lvPublished();
      if (limit > b.written) {
        ByteBuffer view = b.flusherView;
        view.limit(limit).position(b.written);
        while (view.hasRemaining()) {
          channel.write(view);
        }
        writtenLsn = b.baseLsn + limit;
        b.written = limit;
        writtenLsnPublished = writtenLsn;
        wrote = true;
      }
      if (!sealed) {
        break;
      }
      boolean rotate = b.rotateAfter;
      long end = b.baseLsn + limit;
      log.finished(b); // from here on the owner may recycle b: read nothing more of it
      if (rotate) {
        rotate(end);
      }
    }
    return wrote;
  }

  private void syncIfDue(boolean stop) throws IOException {
    if (writtenLsn == durable && (config.syncPolicy() != SyncPolicy.NONE || forcedLsn == writtenLsn || !syncRequested)) {
      syncRequested = false;
      return;
    }
    switch (config.syncPolicy()) {
      case EVERY_COMMIT -> force();
      case INTERVAL -> {
        if (syncRequested || stop || System.nanoTime() - lastForce >= intervalNanos) {
          force();
        }
      }
      case NONE -> {
        if (syncRequested || stop) {
          force(); // a checkpoint is about to rely on the log: force it even though the policy does not
        } else {
          durable = writtenLsn;
          log.publishDurable(durable);
        }
      }
    }
  }

  private void force() throws IOException {
    syncRequested = false;
    long upTo = writtenLsn;
    channel.force(false);
    lastForce = System.nanoTime();
    durable = upTo;
    forcedLsn = upTo;
    log.publishDurable(upTo);
  }

  private void park() {
    idle = true;
    // Re-check after announcing idleness: the owner publishes (volatile) then reads `idle`, we write
    // `idle` then read its publication, so one of us sees the other and no wake-up is lost.
    WalBuffer head = log.peekHandoff();
    boolean work = head != null && (head.lvPublishedVolatile() > head.written || head.lvSealed());
    if (!work && !stopping && !syncRequested) {
      long wait = IDLE_PARK_NANOS;
      if (config.syncPolicy() == SyncPolicy.INTERVAL && writtenLsn != durable) {
        wait = Math.max(1, Math.min(wait, intervalNanos - (System.nanoTime() - lastForce)));
      }
      LockSupport.parkNanos(this, wait);
    }
    idle = false;
  }

  private void rotate(long nextBase) throws IOException {
    // forced under every policy (NONE too, once per segment): a force covers only the open segment, and
    // forcedLsn — what a checkpoint relies on — must cover every closed one
    channel.force(false);
    forcedLsn = nextBase; // closed segments were forced when they closed, this one now
    channel.close();
    channel = openSegment(nextBase);
    Segments.syncDirectory(config.directory());
    log.segmentStarted(nextBase);
  }

  private FileChannel openSegment(long base) throws IOException {
    Path file = Segments.path(config.directory(), base);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.position(ch.size());
    return ch;
  }
}
