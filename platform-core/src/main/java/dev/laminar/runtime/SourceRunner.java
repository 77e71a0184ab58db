package dev.laminar.runtime;

import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceReader;
import java.util.function.Consumer;
import org.jctools.queues.SpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ring 1: the thread that drives one {@link SourceReader}. It takes a free batch from its pool
 * (none free means the reactor is behind: it waits, which is backpressure), lets the reader fill it,
 * stamps each row with its event time and the split's watermark (bounded out-of-orderness:
 * max event time seen minus the bound, advanced per row), and hands the batch to the reactor. A
 * checkpoint barrier goes into the same queue as a marker between two batches ({@link #barrier}).
 */
public final class SourceRunner implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceRunner.class);

  private final String description;
  private final SourceReader reader;
  private final BatchPool pool;
  private final SpscArrayQueue<ColumnarBatch> queue;
  private final int rowtimeColumn;
  private final String rowtimeColumnName;
  private final long outOfOrdernessMillis;
  private final Consumer<Throwable> onFailure;
  private final Runnable onFinished;
  private final IdleStrategy idle = IdleStrategy.standard();
  private final Counter rowsRead = new Counter();
  private final Counter blockedNanos = new Counter();
  private volatile boolean running = true;
  private volatile boolean pausing;
  private volatile boolean finished;
  private volatile byte[] pausedPosition;
  /** The reader's position after its last row, kept when it finished (a checkpoint records it). */
  private volatile byte[] finalPosition;
  private volatile BarrierRequest barrier;
  private final java.util.concurrent.ConcurrentLinkedQueue<Long> completedEpochs = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Where a split stood at a checkpoint barrier: the position after its last row handed over, its watermark, whether it had finished. */
  public record BarrierPosition(byte[] position, long watermark, boolean finished) {}

  private record BarrierRequest(long id, java.util.concurrent.CompletableFuture<BarrierPosition> reached) {}
  /** System.nanoTime() when the current call into the reader began, or 0 outside calls (for the hang watchdog). */
  private volatile long callStartedNanos;
  private long watermark = ColumnarBatch.NO_TIME;
  private byte[] restoreFrom;
  private long idleTimeoutNanos;
  private boolean processingTime;
  private long lastDataNanos = System.nanoTime();
  private boolean markedIdle;
  private volatile Runnable onClosed = () -> { };
  /** Told after each batch handed to the reactor (wakes it if it is parked). */
  private volatile Runnable onPublished = () -> { };
  private Thread thread;

  /**
   * @param rowtimeColumn index of the event-time column, or -1 when the source has no watermark
   */
  public SourceRunner(String description, SourceReader reader, BatchPool pool, SpscArrayQueue<ColumnarBatch> queue,
      int rowtimeColumn, String rowtimeColumnName, long outOfOrdernessMillis, Consumer<Throwable> onFailure, Runnable onFinished) {
    this.description = description;
    this.reader = reader;
    this.pool = pool;
    this.queue = queue;
    this.rowtimeColumn = rowtimeColumn;
    this.rowtimeColumnName = rowtimeColumnName;
    this.outOfOrdernessMillis = outOfOrdernessMillis;
    this.onFailure = onFailure;
    this.onFinished = onFinished;
  }

  /** Starts the thread, with the plugin's class loader as context class loader. */
  public void start(ClassLoader contextLoader) {
    thread = Thread.ofPlatform().name("source-" + description).daemon(true).unstarted(this);
    thread.setContextClassLoader(contextLoader);
    thread.start();
  }

  public long rowsRead() {
    return rowsRead.get();
  }

  /** Nanoseconds this split waited for the reactor (no free batch, or its queue full): backpressure. */
  public long blockedNanos() {
    return blockedNanos.get();
  }

  /**
   * Continues where an earlier runner of the same split stopped (after a plugin swap): the reader is
   * restored from {@code position} on the runner's thread, and the watermark resumes from {@code wm}.
   */
  public void resumeFrom(byte[] position, long wm) {
    this.restoreFrom = position;
    this.watermark = wm;
  }

  /** The split's watermark so far (read after the thread ended). */
  public long watermark() {
    return watermark;
  }

  /**
   * After {@code timeout} of polls without rows, the split is marked idle: it stops holding back the
   * source's watermark until it produces rows again. Zero disables.
   */
  public void idleTimeout(java.time.Duration timeout) {
    this.idleTimeoutNanos = timeout.toNanos();
  }

  /**
   * The event-time column is processing time: each row gets the wall clock (never going backwards)
   * when it is read, and while no rows come the watermark still advances with the clock (every 10 ms).
   */
  public void processingTime() {
    this.processingTime = true;
  }

  /** Runs on the source thread after each batch it hands over: the engine wakes the reactor with it. */
  public void onPublished(Runnable action) {
    this.onPublished = action;
  }

  /** Any thread: new data may be there for the reader (the memory source's writer); unparks the runner if it is parked. */
  public void wake() {
    idle.wake();
  }

  /** Runs on the source thread after the reader was closed (for the engine's leak check). */
  public void onClosed(Runnable action) {
    this.onClosed = action;
  }

  /** True once the reader reported FINISHED and its last batch was handed over. */
  public boolean isFinished() {
    return finished;
  }

  /** Nanos the reader has spent in its current call, or 0 when it is not in one. */
  public long currentCallNanos() {
    long started = callStartedNanos;
    return started == 0 ? 0 : System.nanoTime() - started;
  }

  @Override
  public void run() {
    int idles = 0;
    try {
      callStartedNanos = System.nanoTime();
      if (restoreFrom != null) {
        reader.restore(restoreFrom);
      }
      reader.open();
      callStartedNanos = 0;
      // A batch that came back empty is kept for the next poll rather than released: the pool's free
      // queue is single-producer (the reactor releases into it), and a second releasing thread loses
      // batches until the pool is empty and the source stalls for good.
      ColumnarBatch spare = null;
      while (running && !pausing) {
        atBarrier();
        ColumnarBatch batch = spare != null ? spare : pool.tryAcquire();
        if (batch == null) {
          long start = System.nanoTime();
          batch = pool.acquire(idle, () -> running && !pausing && barrier == null);
          blockedNanos.add(System.nanoTime() - start);
        }
        spare = null;
        if (batch == null) {
          if (barrier != null && running && !pausing) {
            continue;
          }
          break;
        }
        callStartedNanos = System.nanoTime();
        PollStatus status = reader.poll(batch);
        callStartedNanos = 0;
        long before = watermark;
        stamp(batch);
        boolean finished = status == PollStatus.FINISHED;
        if (finished) {
          batch.markEndOfInput();
        }
        if (batch.size() > 0) {
          lastDataNanos = System.nanoTime();
          markedIdle = false;
        } else if (!finished && idleTimeoutNanos > 0 && !markedIdle && System.nanoTime() - lastDataNanos >= idleTimeoutNanos) {
          markedIdle = true;
          batch.markIdle();
          publish(batch);
          continue;
        }
        if (batch.size() == 0 && !finished && watermark == before) {
          batch.clear();
          spare = batch;
          if (status == PollStatus.IDLE) {
            idle.idle(idles++);
          }
          continue;
        }
        idles = 0;
        rowsRead.add(batch.size());
        publish(batch);
        if (finished) {
          finalPosition = reader.position();
          this.finished = true;
          onFinished.run();
          break;
        }
      }
      if (pausing && running && !this.finished) {
        pausedPosition = reader.position(); // just after the last row handed to the reactor
      }
    } catch (Throwable t) {
      if (running) {
        LOG.error("Source {} failed", description, t);
        onFailure.accept(t);
      }
    } finally {
      try {
        notifyCompleted();
      } catch (Exception e) {
        LOG.warn("Source {}: notifying completed checkpoints failed", description, e);
      }
      try {
        reader.close();
      } catch (Exception e) {
        LOG.warn("Closing source reader {} failed", description, e);
      }
      done = true;
      completedEpochs.clear(); // any completed while the reader closed: it is gone
      BarrierRequest b = barrier;
      if (b != null) {
        answerAfterEnd(b);
      }
      onClosed.run();
    }
  }

  private volatile boolean done;

  /**
   * Asks the runner to put checkpoint barrier {@code id} into its queue at its next batch boundary: a
   * row-less batch marked with the id ({@link ColumnarBatch#barrierEpoch()}) goes in after the last row
   * handed over so far, and the future gets the position just after that row. The runner does not wait:
   * it goes on reading, and the reactor holds back what follows the marker until the barrier is aligned
   * ({@link Reactor#align}). A finished split answers at once with its final position (its end of input
   * is in the queue).
   */
  public java.util.concurrent.CompletableFuture<BarrierPosition> barrier(long id) {
    BarrierRequest request = new BarrierRequest(id, new java.util.concurrent.CompletableFuture<>());
    barrier = request;
    idle.wake(); // an idle split answers now, not after its park
    if (done) {
      answerAfterEnd(request);
    }
    return request.reached();
  }

  private void answerAfterEnd(BarrierRequest b) {
    barrier = null;
    if (finished) {
      b.reached().complete(new BarrierPosition(finalPosition, watermark, true));
    } else {
      b.reached().completeExceptionally(new IllegalStateException("source " + description + " stopped before the checkpoint barrier"));
    }
  }

  /** The epoch is durable: the reader may commit its positions upstream (on the runner thread, soon). */
  public void checkpointComplete(long epoch) {
    if (done) {
      return; // the reader is closed (its split finished, failed or was stopped): nothing more goes upstream
    }
    completedEpochs.add(epoch);
  }

  /** Epochs completed but not yet handed to the reader (tests: a runner whose reader is closed keeps none). */
  int pendingCompletions() {
    return completedEpochs.size();
  }

  private void atBarrier() throws Exception {
    notifyCompleted();
    BarrierRequest b = barrier;
    if (b == null) {
      return;
    }
    barrier = null;
    BarrierPosition at = new BarrierPosition(reader.position(), watermark, false);
    ColumnarBatch marker = pool.tryAcquire();
    if (marker == null) {
      long start = System.nanoTime();
      marker = pool.acquire(idle, () -> running && !pausing);
      blockedNanos.add(System.nanoTime() - start);
    }
    if (marker != null) {
      marker.markBarrier(b.id());
      if (publish(marker)) {
        b.reached().complete(at);
        return;
      }
    }
    b.reached().completeExceptionally(new IllegalStateException("source " + description + " stopped before the checkpoint barrier"));
  }

  private void notifyCompleted() throws Exception {
    Long epoch;
    while ((epoch = completedEpochs.poll()) != null) {
      reader.notifyCheckpointComplete(epoch);
    }
  }

  private void stamp(ColumnarBatch batch) {
    final int n = batch.size();
    if (rowtimeColumn < 0) {
      batch.setBatchWatermark(ColumnarBatch.NO_TIME);
      return;
    }
    if (processingTime) {
      long now = Math.max(watermark, System.currentTimeMillis());
      if (n == 0 && now < watermark + 10) {
        batch.setBatchWatermark(watermark); // no row and the clock moved less than 10 ms: nothing to say
        return;
      }
      for (int r = 0; r < n; r++) {
        batch.putLong(r, rowtimeColumn, now);
        batch.setRowtime(r, now);
        batch.setWatermark(r, now);
      }
      watermark = now;
      batch.setBatchWatermark(now);
      return;
    }
    long wm = watermark;
    for (int r = 0; r < n; r++) {
      if (batch.isNull(r, rowtimeColumn)) {
        throw new IllegalStateException("source " + description + ": event-time column '" + rowtimeColumnName
            + "' is NULL in a row; every row needs an event time");
      }
      long t = batch.getLong(r, rowtimeColumn);
      batch.setRowtime(r, t);
      long candidate = t - outOfOrdernessMillis;
      if (candidate > wm) {
        wm = candidate;
      }
      batch.setWatermark(r, wm);
    }
    watermark = wm;
    batch.setBatchWatermark(wm);
  }

  /** Hands a batch to the reactor, waiting for room; false (the batch released) when the runner was stopped meanwhile. */
  private boolean publish(ColumnarBatch batch) {
    if (queue.offer(batch)) {
      onPublished.run();
      return true;
    }
    long start = System.nanoTime();
    int idles = 0;
    while (!queue.offer(batch)) {
      if (!running) {
        BatchPool.release(batch);
        blockedNanos.add(System.nanoTime() - start);
        return false;
      }
      idle.idle(idles++);
    }
    blockedNanos.add(System.nanoTime() - start);
    onPublished.run();
    return true;
  }

  /**
   * Stops after the batch in hand has been handed over, closes the reader and returns its position
   * (null when the split had finished or the runner failed). Used to swap a plugin under a running
   * pipeline without losing or repeating a row.
   */
  public byte[] pause() {
    pausing = true;
    join();
    return pausedPosition;
  }

  /**
   * A runner standing for this one once its thread has ended ({@link #pause}) when its split is not read
   * again (it finished, or it failed): it holds no reader, so nothing of the plugin, reads nothing, and
   * answers checkpoint barriers as this runner would — with the split's final position when it finished.
   */
  public SourceRunner ended() {
    SourceRunner r = new SourceRunner(description, null, null, null, -1, null, 0, t -> { }, () -> { });
    r.running = false;
    r.finished = finished;
    r.finalPosition = finalPosition;
    r.watermark = watermark;
    r.done = true;
    return r;
  }

  /** Gives up on a reader stuck in a call: stops the loop and interrupts the thread. */
  public void abandon() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void join() {
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops reading and waits for the thread to close the reader. */
  public void stop() {
    running = false;
    join();
  }
}
