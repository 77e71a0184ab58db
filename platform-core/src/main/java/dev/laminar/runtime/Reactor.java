package dev.laminar.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ring 0: one thread that runs compiled operator chains. It drains the SPSC queues its source
 * readers fill, pushes each batch through the operators, and returns the batch to its pool. Other
 * threads change what it runs only through its command queue, so operator state is touched by this
 * thread alone and needs no locks.
 *
 * <p>The engine runs {@code LaminarConfig.reactors} of them: reactor 0 runs the sources' channels and
 * every unsharded chain; for a sharded plan every reactor runs a copy of its stateless head (fed by
 * reactor 0's dealer through a head {@link Inbox}) and one shard of its keyed aggregate (fed by every
 * reactor's key router through a shard {@link Inbox}), see {@code engine.Shards}.
 *
 * <p>Checkpoint barriers come in band, as markers in the channels: {@link #align} holds each channel back
 * at its marker until every channel of the barrier has delivered its own.
 */
public final class Reactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reactor.class);
  private static final int MAX_BATCHES_PER_CHANNEL = 4;

  /** One source split's queue into this reactor. */
  public static final class Channel {
    final SpscArrayQueue<ColumnarBatch> queue;
    final SourceInput input;
    final int split;
    volatile boolean closed;
    /** Not polled: a checkpoint barrier is being aligned and this channel is past it, or not part of it (reactor thread only). */
    boolean held;

    Channel(SpscArrayQueue<ColumnarBatch> queue, SourceInput input, int split) {
      this.queue = queue;
      this.input = input;
      this.split = split;
    }

    /** The queue a source thread offers batches to (single producer). */
    public SpscArrayQueue<ColumnarBatch> queue() {
      return queue;
    }

    /** Batches waiting in the queue (approximate, for metrics). */
    public int depth() {
      return queue.size();
    }
  }

  /**
   * A queue between reactors that this reactor drains (engine.Shards' exchange): {@link #drain} processes
   * what is ready and returns how many batches it took, never waiting for more.
   */
  public interface Inbox {
    int drain();
  }

  private final MpscArrayQueue<Runnable> commands = new MpscArrayQueue<>(1024);
  private final List<Channel> channels = new ArrayList<>();
  /**
   * Inboxes feeding shards: drained also while a producer on this thread waits ({@link #helpWhileBlocked}), each one not
   * re-entrantly, but one while another waits: a shard of one plan may wait for a combiner or second stage that needs an
   * event of another plan's shard on this reactor.
   */
  private final List<InboxSlot> shardInboxes = new ArrayList<>();
  /** Inboxes feeding plan heads: drained only from the loop (a head may be the one waiting). */
  private final List<Inbox> headInboxes = new ArrayList<>();
  /**
   * Inboxes of combiners (two-phase aggregation) and of the consumers of later stages (RekeyInbox), which wait only for
   * sink threads, a lane to reactor 0 or the next stage's consumers: drained from the loop and by every
   * {@link #helpWhileBlocked}, even one called from a shard's chain (a shard's partial stage may be what waits for them),
   * each not from within itself but one from within another's wait (a stage's consumer waits for the next stage's).
   */
  private final List<InboxSlot> combinerInboxes = new ArrayList<>();
  /**
   * The merges of sharded streams (reactor 0): they deliver only from the loop (a reader of the stream may wait for a
   * reactor), and every wait on this reactor takes what their lanes hold into their buffers ({@link #helpMerges}).
   */
  private final List<MergeInbox> mergeInboxes = new ArrayList<>();
  private final Thread thread;
  private final IdleStrategy idle = IdleStrategy.standard();
  private final Counter batchesProcessed = new Counter();
  /** Processing-time callbacks (reactor thread only), with the owner each was registered for. */
  private final List<Timer> timers = new ArrayList<>();
  private final List<Object> timerOwners = new ArrayList<>();
  private long nextTimerNanos;
  private volatile boolean running = true;
  /** Runs first on the thread: may pin it to a CPU ({@link CpuPinning}) and returns that CPU, or -1. */
  private final java.util.function.IntSupplier pin;
  private volatile int pinnedCpu = -1;

  public Reactor(String name) {
    this(name, () -> -1);
  }

  public Reactor(String name, java.util.function.IntSupplier pin) {
    this.pin = pin;
    thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    thread.start();
  }

  /** The CPU this reactor's thread is pinned to, or -1 when it is not (or has not started yet). */
  public int pinnedCpu() {
    return pinnedCpu;
  }

  /** Runs {@code unpin} on the reactor's thread to undo its pinning; {@link #pinnedCpu()} is -1 after. */
  public void unpin(Runnable unpin) {
    execute(() -> {
      unpin.run();
      pinnedCpu = -1;
    });
  }

  /** Any thread: a producer handed this reactor work (a batch in a channel or inbox): unparks it if it is parked. */
  public void wake() {
    idle.wake();
  }

  /** Runs {@code action} on the reactor thread and returns its result; safe from any other thread. */
  public <T> CompletableFuture<T> submit(Callable<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable command = () -> {
      try {
        result.complete(action.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    };
    if (Thread.currentThread() == thread) {
      command.run();
      return result;
    }
    while (!commands.offer(command)) {
      if (!running) {
        result.completeExceptionally(new IllegalStateException("reactor is closed"));
        return result;
      }
      Thread.onSpinWait();
    }
    if (!running) {
      result.completeExceptionally(new IllegalStateException("reactor is closed"));
    }
    idle.wake();
    return result;
  }

  /**
   * Runs {@code action} on the reactor thread without waiting for it (at once when called there): for the callbacks of
   * work done elsewhere (lookups), whose threads must not wait for a reactor that may itself be waiting for them. A
   * failure of the action is logged.
   */
  public void post(Runnable action) {
    submit(() -> {
      action.run();
      return null;
    }).whenComplete((ignored, failure) -> {
      if (failure != null) {
        LOG.error("A callback on reactor {} failed", thread.getName(), failure);
      }
    });
  }

  /** Runs {@code action} on the reactor thread and waits for it. */
  public void execute(Runnable action) {
    submit(() -> {
      action.run();
      return null;
    }).join();
  }

  /**
   * Begins aligning checkpoint barrier {@code id} on this reactor's channels (any thread; takes effect on
   * the reactor, in order with other commands). Every channel not in {@code expected} is held at once (not
   * polled: what it delivers belongs after the barrier); each channel in {@code expected} is polled until
   * the marker with this id comes out of its queue (its source put it there after the last row the
   * checkpoint covers, {@link SourceRunner#barrier}) or its split ends, and is then held. Once all have,
   * {@code onAligned} runs on the reactor, having seen exactly the rows before the barrier on every
   * channel; then every channel is polled again. A marker of another id (an abandoned barrier) is dropped.
   * An alignment still open is abandoned by a new one.
   */
  public CompletableFuture<Void> align(long id, List<Channel> expected, Runnable onAligned) {
    return submit(() -> {
      alignment = new Alignment(id, new ArrayList<>(expected), onAligned);
      for (int i = 0; i < channels.size(); i++) {
        Channel c = channels.get(i);
        c.held = true;
      }
      List<Channel> waiting = alignment.waiting;
      for (int i = waiting.size() - 1; i >= 0; i--) {
        Channel c = waiting.get(i);
        if (!channels.contains(c) || c.input.ended(c.split)) {
          waiting.remove(i);
        } else {
          c.held = false;
        }
      }
      checkAligned();
      return null;
    });
  }

  /** Abandons the alignment of barrier {@code id}, if it is still open: every channel is polled again. */
  public CompletableFuture<Void> abandonAlignment(long id) {
    return submit(() -> {
      if (alignment != null && alignment.id == id) {
        alignment = null;
        releaseChannels();
      }
      releaseHeld(id);
      return null;
    });
  }

  /** A checkpoint barrier being aligned: the channels whose marker has not come yet. */
  private record Alignment(long id, List<Channel> waiting, Runnable onAligned) {}

  private Alignment alignment;

  private void releaseChannels() {
    for (int i = 0; i < channels.size(); i++) {
      channels.get(i).held = false;
    }
  }

  /** Channel {@code c} reached the barrier being aligned (its marker, or its end). */
  private void arrived(Channel c) {
    c.held = true;
    if (alignment.waiting.remove(c)) {
      checkAligned();
    }
  }

  private void checkAligned() {
    Alignment a = alignment;
    if (a == null || !a.waiting.isEmpty()) {
      return;
    }
    alignment = null;
    try {
      a.onAligned.run();
    } catch (RuntimeException e) {
      LOG.error("A checkpoint barrier's action failed", e);
      heldAfter = -1;
    } finally {
      if (heldAfter != a.id) {
        releaseChannels();
      }
    }
  }

  /** The barrier whose channels stay held after its alignment ({@link #keepHeld}), or -1. */
  private long heldAfter = -1;

  /**
   * Reactor thread, from the {@code onAligned} action of barrier {@code id}: the channels stay held after it returns,
   * until {@link #releaseHeld} (or an abandon) for this id: the checkpoint waits for rows already past the sources
   * (a sharded stream's shards) before the operators here may snapshot, and no row after the barrier may enter meanwhile.
   */
  public void keepHeld(long id) {
    heldAfter = id;
  }

  /**
   * Reactor thread: polls the channels held since barrier {@code id}'s alignment again, and lets the merges of sharded
   * streams deliver what came after it ({@link MergeInbox#release}).
   */
  public void releaseHeld(long id) {
    if (heldAfter == id) {
      heldAfter = -1;
      if (alignment == null) {
        releaseChannels();
      }
    }
    for (int i = 0; i < mergeInboxes.size(); i++) {
      mergeInboxes.get(i).release(id);
    }
  }

  /** Reactor thread: whether the channels stay held after barrier {@code id}'s alignment ({@link #keepHeld}). */
  public boolean isHeld(long id) {
    return heldAfter == id;
  }

  /** Delivers a batch polled from {@code c} (a barrier marker included) and returns it to its pool. */
  private void deliver(Channel c, ColumnarBatch batch) {
    try {
      long barrier = batch.barrierEpoch();
      if (barrier >= 0) {
        if (alignment != null && alignment.id == barrier) {
          arrived(c);
        }
        return; // another id: a barrier abandoned before its marker came out
      }
      c.input.deliver(batch, c.split);
      if (alignment != null && c.input.ended(c.split)) {
        arrived(c);
      }
    } catch (RuntimeException e) {
      LOG.error("Unexpected failure delivering a batch of {}", c.input.node().name(), e);
    } finally {
      BatchPool.release(batch);
    }
    batchesProcessed.increment();
  }

  /**
   * Registers a channel from one split of a source (call from any thread; takes effect on the reactor). While a
   * checkpoint barrier is being aligned, the new channel is held until it is aligned: it is not part of that
   * barrier, so none of its rows may reach state the barrier snapshots.
   */
  public Channel addChannel(SourceInput input, int split, int capacity) {
    Channel channel = new Channel(new SpscArrayQueue<>(capacity), input, split);
    execute(() -> {
      channel.held = alignment != null || heldAfter >= 0;
      channels.add(channel);
    });
    return channel;
  }

  /** Stops draining a channel and releases batches left in it. */
  public void removeChannel(Channel channel) {
    execute(() -> {
      channels.remove(channel);
      if (alignment != null && alignment.waiting.remove(channel)) {
        checkAligned();
      }
      ColumnarBatch b;
      while ((b = channel.queue.poll()) != null) {
        BatchPool.release(b);
      }
    });
  }

  /**
   * Registers an inbox (any thread; takes effect on the reactor). A shard inbox ({@code feedsShard}) runs
   * only shard operators, which never wait for a reactor, so it is also drained while a producer on this
   * reactor waits for room in another reactor's queue: that is what keeps two reactors that feed each
   * other from waiting on each other for good.
   */
  public void addInbox(Inbox inbox, boolean feedsShard) {
    execute(() -> {
      if (feedsShard) {
        shardInboxes.add(new InboxSlot(inbox));
      } else {
        headInboxes.add(inbox);
      }
    });
  }

  /**
   * Registers the inbox of a combiner: it must never wait for a reactor (only for a sink or subscriber thread), and is
   * drained from the loop and by every {@link #helpWhileBlocked}, also one called from within a shard's chain.
   */
  public void addCombinerInbox(Inbox inbox) {
    execute(() -> combinerInboxes.add(new InboxSlot(inbox)));
  }

  /**
   * Registers a sharded stream's merge: it delivers from the loop, and every wait on this reactor buffers what its lanes
   * hold ({@link #helpMerges}).
   */
  public void addMergeInbox(MergeInbox merge) {
    execute(() -> mergeInboxes.add(merge));
  }

  /** Stops draining an inbox (its owner releases what is left in it). */
  public void removeInbox(Inbox inbox) {
    execute(() -> {
      shardInboxes.removeIf(s -> s.inbox == inbox);
      headInboxes.remove(inbox);
      combinerInboxes.removeIf(s -> s.inbox == inbox);
      mergeInboxes.remove((Object) inbox);
    });
  }

  /**
   * Called by a shard, second stage or combiner on this reactor's thread while it waits for room in a lane to a sharded
   * stream's merge, and by every other wait here: takes what the merges' lanes hold into their buffers
   * ({@link MergeInbox#buffer}), delivering nothing and running no other inbox, since the waiting part may itself be what
   * a shard inbox would wait for. Returns batches taken.
   */
  public int helpMerges() {
    if (Thread.currentThread() != thread) {
      return 0;
    }
    int work = 0;
    final List<MergeInbox> in = mergeInboxes;
    for (int i = 0; i < in.size(); i++) {
      work += in.get(i).buffer();
    }
    return work;
  }

  /**
   * Called by a producer on this reactor's thread while it waits for room in a queue: drains the shard
   * inboxes (each not from within itself, but one from within another's wait), the combiners' (also from within a shard's
   * chain: a shard's partial stage waits for its combiner) and buffers the merges' lanes, so the reactors it waits for can
   * make progress. Returns batches taken.
   */
  public int helpWhileBlocked() {
    if (Thread.currentThread() != thread) {
      return 0;
    }
    return drainShardInboxes() + drainCombinerInboxes() + helpMerges();
  }

  private int drainCombinerInboxes() {
    return drainEach(combinerInboxes);
  }

  /** A shard or combiner inbox, and whether this thread is within its drain (it is not drained again from within). */
  private static final class InboxSlot {
    final Inbox inbox;
    boolean draining;

    InboxSlot(Inbox inbox) {
      this.inbox = inbox;
    }
  }

  private int drainShardInboxes() {
    return drainEach(shardInboxes);
  }

  /** Drains each inbox of {@code slots} that this thread is not already within. */
  private static int drainEach(List<InboxSlot> slots) {
    int work = 0;
    for (int i = 0; i < slots.size(); i++) {
      InboxSlot slot = slots.get(i);
      if (slot.draining) {
        continue;
      }
      slot.draining = true;
      try {
        work += slot.inbox.drain();
      } catch (RuntimeException e) {
        LOG.error("An inbox failed; the reactor goes on with the others", e); // a reactor that died would hang every command
      } finally {
        slot.draining = false;
      }
    }
    return work;
  }

  private int drainInboxes() {
    int work = drainShardInboxes() + drainCombinerInboxes();
    final List<MergeInbox> merges = mergeInboxes;
    for (int i = 0; i < merges.size(); i++) {
      work += merges.get(i).drain();
    }
    final List<Inbox> in = headInboxes;
    for (int i = 0; i < in.size(); i++) {
      work += in.get(i).drain();
    }
    return work;
  }

  /** Registers processing-time callbacks for {@code owner} (any thread; takes effect on the reactor). */
  public void addTimers(List<Timer> added, Object owner) {
    if (added.isEmpty()) {
      return;
    }
    execute(() -> {
      for (Timer t : added) {
        timers.add(t);
        timerOwners.add(owner);
      }
    });
  }

  /** Removes the callbacks registered for {@code owner}. */
  public void removeTimers(Object owner) {
    execute(() -> {
      for (int i = timers.size() - 1; i >= 0; i--) {
        if (timerOwners.get(i) == owner) {
          timers.remove(i);
          timerOwners.remove(i);
        }
      }
    });
  }

  private int fireTimers() {
    if (timers.isEmpty()) {
      return 0;
    }
    long now = System.nanoTime();
    if (now < nextTimerNanos) {
      return 0;
    }
    nextTimerNanos = now + 5_000_000; // every 5 ms at most
    long wall = System.currentTimeMillis();
    for (int i = 0; i < timers.size(); i++) {
      try {
        timers.get(i).onTimer(wall);
      } catch (RuntimeException e) {
        LOG.error("A timer failed", e);
      }
    }
    return 0; // timers alone do not count as work: the loop still idles between them
  }

  /** False once {@link #close()} began: producers waiting for this reactor stop waiting. */
  public boolean isRunning() {
    return running;
  }

  public boolean isReactorThread() {
    return Thread.currentThread() == thread;
  }

  public long batchesProcessed() {
    return batchesProcessed.get();
  }

  private void run() {
    pinnedCpu = pin.getAsInt();
    int idleCount = 0;
    while (running) {
      int work = 0;
      Runnable command;
      while ((command = commands.poll()) != null) {
        command.run();
        work++;
      }
      final List<Channel> cs = channels;
      for (int i = 0; i < cs.size(); i++) {
        Channel c = cs.get(i);
        for (int k = 0; k < MAX_BATCHES_PER_CHANNEL && !c.held; k++) {
          ColumnarBatch batch = c.queue.relaxedPoll();
          if (batch == null) {
            break;
          }
          deliver(c, batch);
          work++;
        }
      }
      work += drainInboxes();
      fireTimers();
      if (work == 0) {
        idle.idle(idleCount++); // parks at most 1 ms, so timers fire within a few ms
      } else {
        idleCount = 0;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runnable command;
    while ((command = commands.poll()) != null) {
      command.run(); // complete pending futures (they fail or finish)
    }
  }
}
