package dev.laminar.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ring 1: a thread that takes batches from an {@link OutputEdge} and hands them to a sink writer or
 * a subscriber callback, in order. Finishes when the end of input arrives or when stopped.
 */
public abstract class OutputConsumer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputConsumer.class);

  protected final String description;
  private final OutputEdge edge;
  private final Consumer<Throwable> onFailure;
  private final IdleStrategy idle = IdleStrategy.standard();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Counter rows = new Counter();
  private volatile boolean running = true;
  private volatile boolean handingOff;
  private volatile long holdEpoch = Long.MAX_VALUE;
  private volatile boolean held;
  private volatile boolean reachedEnd;
  private volatile long callStartedNanos;
  private Thread thread;

  protected OutputConsumer(String description, OutputEdge edge, Consumer<Throwable> onFailure) {
    this.description = description;
    this.edge = edge;
    this.onFailure = onFailure;
  }

  /** Opens the destination (on the consumer thread). */
  protected abstract void open() throws Exception;

  /** Handles one batch of rows; may block (backpressure). */
  protected abstract void handle(ColumnarBatch batch) throws Exception;

  /** Called when the queue is momentarily empty after rows were handled. */
  protected void quiet() throws Exception {}

  /** A checkpoint barrier arrived: the rows handled so far belong to epoch {@code epoch} (or earlier). */
  protected void onBarrier(long epoch) throws Exception {}

  private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> tasks = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * Runs {@code task} on the consumer thread between batches (the destination is called from that
   * thread only). Returns false when the consumer has already finished: the task will not run.
   */
  public boolean runOnThread(Runnable task) {
    tasks.add(task);
    idle.wake();
    if (tasksClosed) {
      return !tasks.remove(task); // still queued after the last drain: it will not run
    }
    return true;
  }

  private volatile boolean tasksClosed;

  private void runTasks() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      t.run();
    }
  }

  /** Called once after the end of input. */
  protected abstract void finish() throws Exception;

  /** Releases the destination; called exactly once, last; {@code failed} when the consumer stopped on an error. */
  protected abstract void release(boolean failed);

  public void start(ClassLoader contextLoader) {
    thread = Thread.ofPlatform().name("out-" + description).daemon(true).unstarted(this);
    thread.setContextClassLoader(contextLoader);
    thread.start();
  }

  /** Whether the consumer is being replaced on the same edge (a plugin swap). */
  protected boolean handingOff() {
    return handingOff;
  }

  public long rowsHandled() {
    return rows.get();
  }

  public boolean reachedEnd() {
    return reachedEnd;
  }

  private volatile boolean finishing;

  /** Whether the end of input has arrived (it may still be finishing). */
  public boolean endArrived() {
    return finishing;
  }

  @Override
  public void run() {
    int idles = 0;
    boolean dirty = false;
    boolean failed = false;
    edge.consumerIdlesWith(idle); // the edge's producers wake this thread when they publish
    try {
      open();
      while (running) {
        runTasks();
        if (held) {
          idle.idle(idles++); // parked after a barrier: tasks (the epoch's commit) still run
          continue;
        }
        ColumnarBatch b = edge.poll();
        if (b == null) {
          if (dirty) {
            quiet();
            dirty = false;
          }
          idle.idle(idles++);
          continue;
        }
        idles = 0;
        try {
          if (b.size() > 0) {
            callStartedNanos = System.nanoTime();
            handle(b);
            callStartedNanos = 0;
            rows.add(b.size());
            dirty = true;
          }
          if (b.barrierEpoch() >= 0) {
            onBarrier(b.barrierEpoch());
            held = b.barrierEpoch() >= holdEpoch && !b.isEndOfInput();
          }
          if (b.isEndOfInput()) {
            finishing = true;
            finish();
            reachedEnd = true;
            break;
          }
        } finally {
          BatchPool.release(b);
        }
      }
    } catch (Throwable t) {
      failed = true;
      LOG.error("{} failed", description, t);
      onFailure.accept(t);
    } finally {
      if (!handingOff || failed) {
        edge.consumerClosed();
      }
      tasksClosed = true;
      try {
        runTasks();
      } catch (RuntimeException e) {
        LOG.error("{}: a task failed", description, e);
      }
      release(failed);
      done.countDown();
    }
  }

  /**
   * Stops after the batch in hand and releases the destination, leaving the edge open: rows still
   * queued are taken by the consumer that is started next on the same edge (a plugin swap).
   */
  public void handOff(long timeoutMillis) {
    handingOff = true;
    stop(timeoutMillis);
  }

  /**
   * Makes the consumer stop taking rows right after the barrier of checkpoint {@code epoch} (or a
   * later one): its epoch ends there, and the consumer still runs tasks such as that epoch's commit.
   * A plugin swap then hands off at an epoch boundary, so no rows are published outside a checkpoint.
   */
  public void holdAtBarrier(long epoch) {
    holdEpoch = epoch;
  }

  /** Whether the consumer is parked after a barrier ({@link #holdAtBarrier}). */
  public boolean held() {
    return held;
  }

  /** Undoes {@link #holdAtBarrier}: the consumer takes rows again. */
  public void releaseHold() {
    holdEpoch = Long.MAX_VALUE;
    held = false;
  }

  /** Nanos spent in the current call into the destination, or 0 outside calls (for the hang watchdog). */
  public long currentCallNanos() {
    long started = callStartedNanos;
    return started == 0 ? 0 : System.nanoTime() - started;
  }

  /** Gives up on a destination stuck in a call: the edge stops waiting for it and the thread is interrupted. */
  public void abandon() {
    running = false;
    edge.consumerClosed();
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** Stops after the batch in hand; waits up to {@code timeoutMillis} for the thread. */
  public void stop(long timeoutMillis) {
    running = false;
    awaitDone(timeoutMillis);
  }

  /** Waits until the consumer finished; true if it did. */
  public boolean awaitDone(long timeoutMillis) {
    try {
      return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean isDone() {
    return done.getCount() == 0;
  }
}
