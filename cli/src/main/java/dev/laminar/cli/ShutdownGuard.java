package dev.laminar.cli;

import dev.laminar.api.Laminar;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes the engine exactly once: normally from the command's thread ({@link #close}), or from a
 * JVM shutdown hook on Ctrl-C / SIGTERM. The hook first asks the command to stop
 * ({@link #stopRequested}) and gives it a moment to close the engine itself, so that the last
 * results are printed in order; a command blocked elsewhere (a shell waiting for input) is not
 * waited for.
 */
final class ShutdownGuard implements AutoCloseable {
  private static final long GRACE_MILLIS = 2_000;
  private static final long CLOSE_WAIT_MILLIS = 30_000;

  private final Laminar db;
  private final Thread hook;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CountDownLatch closingStarted = new CountDownLatch(1);
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean stopRequested;

  ShutdownGuard(Laminar db) {
    this.db = db;
    this.hook = new Thread(this::onShutdown, "laminar-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** True once the JVM is shutting down: the command should stop and close. */
  boolean stopRequested() {
    return stopRequested;
  }

  /** Waits up to {@code timeout} for a stop request; true if one came. */
  boolean awaitStop(java.time.Duration timeout) {
    try {
      return stop.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void onShutdown() {
    stopRequested = true;
    stop.countDown();
    try {
      // give the command a moment to close the engine itself, so its last results print in order
      closingStarted.await(GRACE_MILLIS, TimeUnit.MILLISECONDS);
      if (!closeEngine()) {
        closed.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the engine unless another thread does; true if this call closed it. */
  private boolean closeEngine() {
    if (!closing.compareAndSet(false, true)) {
      return false;
    }
    closingStarted.countDown();
    try {
      db.close();
    } finally {
      closed.countDown();
    }
    return true;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs and waits for the close below
    }
    closeEngine();
  }
}
