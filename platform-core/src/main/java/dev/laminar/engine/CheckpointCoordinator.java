package dev.laminar.engine;

import dev.laminar.api.LaminarException;
import dev.laminar.durability.checkpoint.CheckpointManifest;
import dev.laminar.durability.checkpoint.CheckpointStore;
import dev.laminar.durability.checkpoint.LoadedCheckpoint;
import dev.laminar.runtime.OutputEdge;
import dev.laminar.runtime.Reactor;
import dev.laminar.runtime.SourceRunner;
import dev.laminar.sql.plan.PlanNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes checkpoints and recovers from them (a data directory's {@code checkpoints/}).
 *
 * <p>A checkpoint of epoch E: the barrier travels in band. Reactor 0 is told which source channels
 * carry it ({@link Reactor#align}); each running split then puts a marker into its queue after its last
 * row before the barrier, records its position there, and reads on ({@link SourceRunner#barrier}).
 * Reactor 0 holds each channel back at its marker until all have delivered theirs, then snapshots the
 * operators it runs, marks lane 0 of each unsharded sink's queue and deals the barrier into each sharded
 * sink's plan as one more numbered event ({@code HeadDealer.barrier}); each shard takes it after every
 * event before it, snapshots its operators on its own reactor and marks its lane ({@link #shardBarrier};
 * a sink fed by N shards aligns the N markers, {@link OutputEdge#poll()}). No source and no other
 * reactor waits. Each sink thread pre-commits epoch E when the marker reaches it (the rows before
 * it). The manifest — source positions and sink pre-commit handles — is then written atomically;
 * that durable manifest is the decision to commit: the sinks commit E, and once all have, a
 * committed marker is written and the sources may commit their positions upstream. On recovery the
 * latest complete manifest gives the positions the sources resume from; its sinks' commits are
 * re-driven when no committed marker exists (commit is idempotent); epochs after it were never
 * decided and are aborted (presumed abort).
 *
 * <p>Scope today: filters, projections, window assignment, windowed aggregates, joins and the
 * contents of materialized views (their state is serialized on the reactor at the barrier and stored
 * as one file per operator and epoch; a lookup join finishes its lookups in flight at the barrier).
 * A plugin aggregate function without an accumulator serializer keeps state that cannot be snapshotted; a
 * checkpoint of an engine running one fails with a message naming it. Sources whose rows the application pushes are logged: before a
 * manifest records their positions, their write-ahead logs are made durable up to them, and after it
 * segments no retained checkpoint needs are deleted.
 */
final class CheckpointCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);
  private static final long BARRIER_TIMEOUT_SECONDS = 60;

  private final Engine engine;
  private final CheckpointStore store;
  private final LoadedCheckpoint recovered;
  private volatile long lastEpoch;

  CheckpointCoordinator(Engine engine, Path directory, int retain) {
    this.engine = engine;
    try {
      this.store = new CheckpointStore(directory, retain);
      this.snapshots = new StateSnapshots(store.stateDirectory());
      this.recovered = store.latest(snapshots::problem).orElse(null);
      if (recovered != null) {
        snapshots.recovered(recovered.manifest());
      }
      List<Long> epochs = store.epochs();
      this.lastEpoch = epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1);
    } catch (IOException e) {
      throw new LaminarException("cannot open the checkpoints in " + directory + ": " + e.getMessage(), e);
    }
    if (recovered != null) {
      lastEpoch = Math.max(lastEpoch, recovered.epoch());
      for (CheckpointManifest.OperatorSnapshot o : recovered.manifest().operators()) {
        if (StateSnapshots.isChain(o.operator())) {
          continue; // a state store's chain: restored from its files by StoreBacked.restoreStores
        }
        try { // read now: later checkpoints' retention may delete the files before the pipelines are rebuilt
          recoveredStates.put(o.operator().toLowerCase(java.util.Locale.ROOT),
              java.nio.file.Files.readAllBytes(store.stateDirectory().resolve(o.files().get(0))));
        } catch (IOException e) {
          throw new LaminarException("checkpoint " + recovered.epoch() + ": cannot read the state of " + o.operator() + " (" + o.files()
              + "): " + e.getMessage(), e);
        }
      }
      for (LoadedCheckpoint.Skipped s : recovered.skipped()) {
        LOG.warn("checkpoint {} skipped: {}", s.epoch(), s.reason());
      }
      LOG.info("recovering from checkpoint {} ({} source splits, {} sinks{})", recovered.epoch(), recovered.manifest().sources().size(),
          recovered.manifest().sinks().size(), recovered.committed() ? "" : ", commit re-driven");
    }
  }

  /** The state a recovered checkpoint holds for operator {@code id} of {@code owner}, or null. */
  byte[] recoveredState(String owner, String id) {
    return recoveredStates.get((owner + "/" + id).toLowerCase(java.util.Locale.ROOT));
  }

  private final Map<String, byte[]> recoveredStates = new HashMap<>();
  private final StateSnapshots snapshots;
  private volatile CheckpointStats lastStats;

  /** The recovered checkpoint's state-store chains of operator {@code id} of {@code owner}, by store name. */
  Map<String, List<Path>> recoveredChains(String owner, String id) {
    return snapshots.recoveredChains(owner, id);
  }

  /** Figures of the last completed checkpoint, or null. */
  CheckpointStats lastStats() {
    return lastStats;
  }

  /** The operator ids the recovered checkpoint holds state for under {@code owner} (lower case). */
  java.util.Set<String> recoveredStateIds(String owner) {
    String prefix = (owner + "/").toLowerCase(java.util.Locale.ROOT);
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (String k : recoveredStates.keySet()) {
      if (k.startsWith(prefix)) {
        ids.add(k.substring(prefix.length()));
      }
    }
    return ids;
  }

  /** The epoch recovered from, or 0. */
  long recoveredEpoch() {
    return recovered == null ? 0 : recovered.epoch();
  }

  /** The recorded position of a source split, or null (start from the beginning). */
  byte[] recoveredPosition(String source, String split) {
    if (recovered == null) {
      return null;
    }
    for (CheckpointManifest.SourcePosition p : recovered.manifest().sources()) {
      if (p.source().equalsIgnoreCase(source) && p.split().equals(split)) {
        return p.position();
      }
    }
    return null;
  }

  /** The recorded watermark of a source split (stored per split as "source/split"), or NO_TIME. */
  long recoveredWatermark(String source, String split) {
    if (recovered != null) {
      for (CheckpointManifest.Watermark w : recovered.manifest().watermarks()) {
        if (w.stream().equalsIgnoreCase(source + "/" + split)) {
          return w.millis();
        }
      }
    }
    return dev.laminar.runtime.ColumnarBatch.NO_TIME;
  }

  /** What a sink must do before writing on recovery: re-drive the commit of the recovered epoch (null: nothing). */
  byte[] recoveredHandle(String sink) {
    if (recovered == null || recovered.committed()) {
      return null;
    }
    for (CheckpointManifest.SinkPreCommit p : recovered.manifest().sinks()) {
      if (p.sink().equalsIgnoreCase(sink)) {
        return p.handle();
      }
    }
    return null;
  }

  /** The first epoch new rows of a sink belong to. */
  long firstEpoch() {
    return lastEpoch + 1;
  }

  /** Takes a checkpoint now; returns its epoch. */
  long checkpoint() {
    return checkpoint(null, null);
  }

  /**
   * Takes a checkpoint at whose barrier the writers of {@code sinks} stop taking rows (they still
   * commit the epoch): a plugin swap replaces them at that epoch boundary. On failure the sinks take
   * rows again and the exception is rethrown.
   */
  synchronized long checkpointAndHold(List<SinkObject> sinks) {
    long epoch = lastEpoch + 1;
    for (SinkObject k : sinks) {
      k.runner.holdAtBarrier(epoch);
    }
    try {
      return checkpoint(null, null);
    } catch (RuntimeException e) {
      for (SinkObject k : sinks) {
        k.runner.releaseHold();
      }
      throw e;
    }
  }

  /**
   * Takes a checkpoint; {@code finishing} (if not null) is a sink whose input has ended, calling from
   * its own thread: {@code preCommit} pre-commits its last epoch, and it commits itself after this
   * returns (then calls {@link #sinkCommitted}).
   */
  synchronized long checkpoint(SinkObject finishing, LongFunction<byte[]> preCommit) {
    List<CatalogObject> objects = engine.published();
    refuseStatefulPipelines(objects);
    long epoch = ++lastEpoch;
    try {
      return checkpoint(epoch, objects, finishing, preCommit);
    } catch (RuntimeException e) {
      lastEpoch--; // nothing of it was decided: its pre-commits were aborted, the number is free again
      throw e;
    }
  }

  /**
   * One checkpoint's barrier on its way through the reactors: the parts that snapshot (reactor 0's
   * unsharded operators, then each shard of each sharded sink) add their state here, each on its own
   * reactor, one at a time (the lock is taken once per part and checkpoint, never per row).
   */
  private static final class Barrier {
    final long id;
    final long epoch;
    final List<CatalogObject> objects;
    final List<SinkObject> sinks;
    final Map<String, byte[]> states = new LinkedHashMap<>();
    final List<StateSnapshots.Capture> captures = new ArrayList<>();
    /** Parts still to snapshot: reactor 0's own, plus one per shard of each sharded sink once reactor 0 dealt it the barrier. */
    final java.util.concurrent.atomic.AtomicInteger parts = new java.util.concurrent.atomic.AtomicInteger(1);
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Per sharded sink dealt the barrier: which shards have taken it (guarded by this). */
    final Map<CatalogObject, boolean[]> shardsTaken = new HashMap<>();
    /** Sinks whose shards were taken down while this barrier was in flight (guarded by this): not dealt it any more. */
    final java.util.Set<CatalogObject> shardsGone = new java.util.HashSet<>();
    /** Sharded streams whose merge on reactor 0 has not yet aligned the barrier (guarded by this). */
    final java.util.Set<StreamObject> pendingStreams = new java.util.HashSet<>();
    /**
     * Of those, the ones dealt it (guarded by this): a sharded stream reading others is dealt it once their merges aligned
     * it, so it follows every row they emitted before it.
     */
    final java.util.Set<StreamObject> dealtStreams = new java.util.HashSet<>();
    long stallNanos;

    Barrier(long id, long epoch, List<CatalogObject> objects, List<SinkObject> sinks) {
      this.id = id;
      this.epoch = epoch;
      this.objects = objects;
      this.sinks = sinks;
    }

    void partDone() {
      if (parts.decrementAndGet() == 0) {
        done.complete(null);
      }
    }
  }

  private final java.util.concurrent.atomic.AtomicLong barrierIds = new java.util.concurrent.atomic.AtomicLong();
  /** The barrier in flight, or null. */
  private volatile Barrier inFlight;

  /**
   * On reactor 0, once the barrier is aligned on every source channel (every row before it, and none after, has been
   * processed here). Without sharded streams, the operators here snapshot at once ({@link #snapshotReactor0}). A sharded
   * stream's rows before the barrier may still be on their way through its shards, to readers here: the barrier is dealt
   * into each sharded stream that reads no sharded stream, the source channels stay held ({@link Reactor#keepHeld}, so no
   * row after it enters), a sharded stream reading others is dealt it once their merges have aligned it, and reactor 0
   * snapshots once every stream's merge has delivered its shards' rows before it ({@link #streamAligned}).
   */
  private void alignedOnReactor0(Barrier b) {
    List<StreamObject> sharded = new ArrayList<>();
    for (CatalogObject o : b.objects) {
      if (o instanceof StreamObject st && engine.shards(st) != null) {
        sharded.add(st);
      }
    }
    if (sharded.isEmpty()) {
      snapshotReactor0(b);
      return;
    }
    Reactor reactor0 = engine.reactors()[0];
    List<ShardedPlan> dealt = new ArrayList<>();
    synchronized (b) {
      if (inFlight != b) {
        return; // abandoned (timed out) before it was aligned
      }
      for (StreamObject st : sharded) {
        ShardedPlan shards = engine.shards(st);
        if (shards != null && !b.shardsGone.contains(st)) {
          b.pendingStreams.add(st);
          b.parts.addAndGet(shards.count());
          b.shardsTaken.put(st, new boolean[shards.count()]);
        }
      }
      if (b.pendingStreams.isEmpty()) {
        snapshotReactor0(b);
        return;
      }
      dealt.addAll(readyStreams(b));
    }
    reactor0.keepHeld(b.id);
    for (ShardedPlan shards : dealt) {
      shards.barrier(b.id); // the merges deliver only from reactor 0's loop, so none aligns it while this deals
    }
  }

  /**
   * The pending sharded streams not yet dealt barrier {@code b} whose sharded inputs have all aligned it, marked dealt
   * (call holding {@code b}'s lock; deal outside it).
   */
  private List<ShardedPlan> readyStreams(Barrier b) {
    List<ShardedPlan> ready = new ArrayList<>();
    for (StreamObject st : b.pendingStreams) {
      if (b.dealtStreams.contains(st) || !(engine.shards(st) instanceof ShardedStream sharded)) {
        continue;
      }
      boolean inputsAligned = sharded.shardedInputs().stream().noneMatch(b.pendingStreams::contains);
      if (inputsAligned) {
        b.dealtStreams.add(st);
        ready.add(sharded);
      }
    }
    return ready;
  }

  /** On reactor 0: the merge of sharded stream {@code st} delivered every row its shards emitted before barrier {@code id}. */
  void streamAligned(StreamObject st, long id) {
    Barrier b = inFlight;
    if (b == null || b.id != id) {
      return; // a barrier abandoned on its way
    }
    boolean last;
    List<ShardedPlan> ready;
    synchronized (b) {
      last = b.pendingStreams.remove(st) && b.pendingStreams.isEmpty();
      ready = readyStreams(b); // the streams reading it, once their other sharded inputs aligned too
    }
    for (ShardedPlan shards : ready) {
      shards.barrier(id); // within the merge's delivery: every row it had before the barrier has gone to its readers
    }
    if (last) {
      snapshotReactor0(b);
      engine.reactors()[0].releaseHeld(id);
    }
  }

  /**
   * On reactor 0, with every row before the barrier, and none after, processed here: snapshots the operators reactor 0
   * runs, marks each unsharded sink's queue, and deals the barrier into each sharded sink's plan, whose shards go on in
   * {@link #shardBarrier}.
   */
  private void snapshotReactor0(Barrier b) {
    try {
      long start = System.nanoTime();
      synchronized (b) {
        if (inFlight != b) {
          return; // abandoned (timed out) before it was aligned
        }
        for (CatalogObject o : b.objects) {
          dev.laminar.sql.plan.PlanMetrics m = o instanceof StreamObject st && st.sideOf == null ? st.metrics
              : o instanceof SinkObject k ? k.metrics : null;
          if (m != null) {
            snapshot(o.name, m.checkpointables(), -1, b.states, b.captures);
          }
        }
        b.stallNanos += System.nanoTime() - start;
      }
      for (SinkObject k : b.sinks) {
        if (engine.shards(k) == null) {
          k.edge.lanes()[0].barrier(b.epoch);
        }
      }
      for (CatalogObject o : b.objects) {
        ShardedPlan shards = o instanceof SinkObject k ? engine.shards(k) : null;
        if (shards != null) {
          boolean gone;
          synchronized (b) { // before dealing: shard 0 may take it while this reactor waits for room
            gone = b.shardsGone.contains(o); // taken down since the lookup: no shard would take it
            if (!gone) {
              b.parts.addAndGet(shards.count());
              b.shardsTaken.put((SinkObject) o, new boolean[shards.count()]);
            }
          }
          if (!gone) {
            shards.barrier(b.id);
          }
        }
      }
      b.partDone();
    } catch (RuntimeException | IOException e) {
      b.done.completeExceptionally(e);
    }
  }

  /** On shard {@code shard}'s reactor: the shard of {@code sink} took barrier {@code id} (see {@link Shards.BarrierListener}). */
  void shardBarrier(SinkObject sink, int shard, long id) {
    Barrier b = inFlight;
    if (b == null || b.id != id) {
      return; // a barrier abandoned on its way
    }
    try {
      if (!snapshotShard(b, sink, sink.metrics, shard)) {
        return;
      }
      ShardedPlan plan = engine.shards(sink);
      int lane = plan == null ? -1 : plan.lane(shard); // null: taken down meanwhile, its lanes are read no more
      if (b.sinks.contains(sink) && lane >= 0) {
        sink.edge.lanes()[lane].barrier(b.epoch);
      }
      b.partDone();
    } catch (RuntimeException | IOException e) {
      b.done.completeExceptionally(e);
    }
  }

  /**
   * Snapshots shard {@code shard} of {@code owner}'s plan into barrier {@code b}, once; false when {@code b} is no
   * longer in flight or the shard is not expected to take it (or already did).
   */
  private boolean snapshotShard(Barrier b, CatalogObject owner, dev.laminar.sql.plan.PlanMetrics metrics, int shard) throws IOException {
    synchronized (b) {
      boolean[] taken = b.shardsTaken.get(owner);
      if (inFlight != b || taken == null || taken[shard]) {
        return false;
      }
      taken[shard] = true;
      long start = System.nanoTime();
      dev.laminar.sql.plan.PlanMetrics[] perShard = metrics.shards();
      if (shard < perShard.length) {
        snapshot(owner.name, perShard[shard].checkpointables(), shard, b.states, b.captures);
      }
      b.stallNanos += System.nanoTime() - start;
      return true;
    }
  }

  /**
   * On shard {@code shard}'s reactor: the shard of sharded stream {@code st} took barrier {@code id}: snapshots its state
   * (when the barrier is the one in flight) and always puts the marker into its lane, after every row it emitted before,
   * so that the merge sees every barrier on every lane in one order.
   */
  void streamShardBarrier(StreamObject st, int shard, long id) {
    Barrier b = inFlight;
    try {
      if (b == null || b.id != id) {
        return; // a barrier abandoned on its way
      }
      if (!snapshotShard(b, st, st.metrics, shard)) {
        return;
      }
      b.partDone();
    } catch (RuntimeException | IOException e) {
      b.done.completeExceptionally(e);
    } finally {
      if (engine.shards(st) instanceof ShardedStream sharded) {
        sharded.markLane(shard, id);
      }
    }
  }

  /**
   * The shards of sharded stream {@code st} were taken down (DROP STREAM): a barrier in flight no longer waits for them
   * or for its merge.
   */
  void streamShardsGone(StreamObject st) {
    Barrier b = inFlight;
    if (b == null) {
      return;
    }
    int missing = 0;
    boolean last;
    synchronized (b) {
      b.shardsGone.add(st);
      boolean[] taken = b.shardsTaken.get(st);
      for (int k = 0; taken != null && k < taken.length; k++) {
        if (!taken[k]) {
          taken[k] = true;
          missing++;
        }
      }
      last = b.pendingStreams.remove(st) && b.pendingStreams.isEmpty();
      b.dealtStreams.add(st); // never to be dealt now
    }
    for (int k = 0; k < missing; k++) {
      b.partDone();
    }
    Reactor reactor0 = engine.reactors()[0];
    reactor0.execute(() -> {
      List<ShardedPlan> ready;
      synchronized (b) {
        ready = inFlight == b ? readyStreams(b) : List.of();
      }
      for (ShardedPlan shards : ready) {
        shards.barrier(b.id);
      }
      if (last) {
        snapshotReactor0(b);
        reactor0.releaseHeld(b.id);
      }
    });
  }

  /**
   * The shards of {@code sink} were taken down (the sink was dropped or closed): a barrier in flight no
   * longer waits for those that had not taken it, and is not dealt to them if reactor 0 has not dealt it yet
   * (it looked them up before they went). The sink's own epoch then fails or never commits.
   */
  void shardsGone(SinkObject sink) {
    Barrier b = inFlight;
    if (b == null) {
      return;
    }
    int missing = 0;
    synchronized (b) {
      b.shardsGone.add(sink); // reactor 0 has not dealt it yet: it will not
      boolean[] taken = b.shardsTaken.get(sink);
      for (int k = 0; taken != null && k < taken.length; k++) {
        if (!taken[k]) {
          taken[k] = true;
          missing++;
        }
      }
    }
    for (int k = 0; k < missing; k++) {
      b.partDone();
    }
  }

  private void snapshot(String owner, List<Map.Entry<String, dev.laminar.runtime.Checkpointable>> operators, int shard,
      Map<String, byte[]> states, List<StateSnapshots.Capture> captures) throws IOException {
    for (Map.Entry<String, dev.laminar.runtime.Checkpointable> c : operators) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      c.getValue().snapshot(new java.io.DataOutputStream(bytes));
      String id = shard < 0 ? c.getKey() : dev.laminar.sql.plan.PlanMetrics.shardStateId(c.getKey(), shard);
      states.put(owner + "/" + id, bytes.toByteArray());
      if (c.getValue() instanceof dev.laminar.runtime.StoreBacked stored) {
        snapshots.capture(owner + "/" + id, stored, captures); // only what changed since the last checkpoint
      }
    }
  }

  private long checkpoint(long epoch, List<CatalogObject> objects, SinkObject finishing, LongFunction<byte[]> preCommit) {
    Map<String, CompletableFuture<SourceRunner.BarrierPosition>> positions = new LinkedHashMap<>();
    Map<SinkObject, CompletableFuture<byte[]>> handles = new LinkedHashMap<>();
    List<SinkObject> sinks = new ArrayList<>();
    for (CatalogObject o : objects) {
      if (o instanceof SinkObject k && k != finishing && k.failure() == null && !k.runner.endArrived()) {
        sinks.add(k);
      }
    }
    Barrier barrier = new Barrier(barrierIds.incrementAndGet(), epoch, objects, sinks);
    Map<String, byte[]> states = barrier.states;
    List<StateSnapshots.Capture> captures = barrier.captures;
    Reactor reactor0 = engine.reactors()[0];
    long[] stall = new long[1];
    try {
      // The barrier enters at the sources, in band: reactor 0 first learns which channels carry it, then
      // each split puts a marker into its queue after its last row before the barrier, records its position
      // there, and reads on. Reactor 0 holds each channel back at its marker until all have theirs
      // (alignment), snapshots, and deals the barrier on into the sharded plans, whose shards snapshot
      // when they take it after every event before it. No source waits for the checkpoint.
      for (SinkObject k : sinks) {
        handles.put(k, k.runner.expectBarrier(epoch));
      }
      inFlight = barrier;
      List<Engine.Split> splits;
      synchronized (engine.sourceStartLock()) { // no source registers a channel between the listing and the alignment
        splits = engine.runningSplits();
        List<Reactor.Channel> channels = new ArrayList<>();
        for (Engine.Split split : splits) {
          channels.add(split.channel());
        }
        reactor0.align(barrier.id, channels, () -> alignedOnReactor0(barrier)).get(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      for (Engine.Split split : splits) {
        positions.put(split.source() + "\u0000" + split.id(), split.runner().barrier(barrier.id));
      }
      CompletableFuture.allOf(positions.values().toArray(CompletableFuture[]::new)).get(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      barrier.done.get(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      synchronized (barrier) {
        stall[0] = barrier.stallNanos;
      }
    } catch (Exception e) {
      inFlight = null;
      reactor0.abandonAlignment(barrier.id);
      synchronized (barrier) {
        abandonCaptures(captures);
      }
      throw failed(epoch, e);
    }
    inFlight = null;
    Map<SinkObject, byte[]> preCommitted = new LinkedHashMap<>();
    CheckpointStats written;
    List<CheckpointManifest.SourcePosition> sources = new ArrayList<>();
    List<CheckpointManifest.Watermark> watermarks = new ArrayList<>();
    try {
      for (Map.Entry<String, CompletableFuture<SourceRunner.BarrierPosition>> p : positions.entrySet()) {
        String[] id = p.getKey().split("\u0000", 2);
        SourceRunner.BarrierPosition at = p.getValue().join();
        if (at.position() != null) {
          sources.add(new CheckpointManifest.SourcePosition(id[0], id[1], at.position()));
          watermarks.add(new CheckpointManifest.Watermark(id[0] + "/" + id[1], at.watermark()));
        }
      }
      if (finishing != null) {
        preCommitted.put(finishing, preCommit.apply(epoch));
      }
      for (Map.Entry<SinkObject, CompletableFuture<byte[]>> h : handles.entrySet()) {
        byte[] handle = h.getValue().get(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (handle != null) {
          preCommitted.put(h.getKey(), handle);
        }
      }
      List<CheckpointManifest.SinkPreCommit> sinkHandles = new ArrayList<>();
      preCommitted.forEach((k, h) -> sinkHandles.add(new CheckpointManifest.SinkPreCommit(k.name, h)));
      List<CheckpointManifest.OperatorSnapshot> operators = new ArrayList<>();
      long writeStart = System.nanoTime();
      long[] bytes = new long[1];
      for (Map.Entry<String, byte[]> st : states.entrySet()) {
        String file = "e" + epoch + "-" + st.getKey().replaceAll("[^A-Za-z0-9_-]", "_") + ".state";
        dev.laminar.durability.DurableFiles.writeAtomically(store.stateDirectory().resolve(file), st.getValue());
        bytes[0] += st.getValue().length;
        operators.add(new CheckpointManifest.OperatorSnapshot(st.getKey(), List.of(file)));
      }
      awaitLogsDurable(objects, sources);
      List<StateSnapshots.Capture> toWrite = List.copyOf(captures);
      captures.clear();
      operators.addAll(snapshots.write(epoch, toWrite, bytes));
      long writeNanos = System.nanoTime() - writeStart;
      store.write(new CheckpointManifest(epoch, System.currentTimeMillis(), 0, sources, operators, watermarks, sinkHandles));
      truncateLogs(objects);
      int full = (int) toWrite.stream().filter(StateSnapshots.Capture::full).count();
      written = new CheckpointStats(epoch, stall[0], writeNanos, bytes[0], full, toWrite.size() - full, 0, 0);
    } catch (Exception e) {
      abandonCaptures(captures);
      for (Map.Entry<SinkObject, byte[]> p : preCommitted.entrySet()) {
        if (p.getKey() != finishing) {
          p.getKey().runner.abortOnThread(epoch, p.getValue());
        }
      }
      throw failed(epoch, e);
    }
    // the manifest is durable: the decision to commit is taken
    List<CompletableFuture<Void>> commits = new ArrayList<>();
    for (Map.Entry<SinkObject, byte[]> p : preCommitted.entrySet()) {
      if (p.getKey() == finishing) {
        CompletableFuture<Void> own = new CompletableFuture<>();
        finishingCommits.put(epoch, own);
        commits.add(own);
      } else {
        commits.add(p.getKey().runner.commitOnThread(epoch, p.getValue()));
      }
    }
    CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      if (e != null) {
        LOG.error("checkpoint {}: a sink failed to commit; the commit is re-driven on recovery", epoch, e);
        return;
      }
      try {
        store.markCommitted(epoch);
      } catch (IOException io) {
        LOG.warn("cannot mark checkpoint {} committed; recovery re-drives its (idempotent) commits", epoch, io);
      }
      for (CatalogObject o : engine.published()) {
        if (o instanceof SourceObject s) {
          for (SourceRunner r : List.copyOf(s.runners)) {
            r.checkpointComplete(epoch);
          }
        }
      }
    });
    // while the sinks commit on their threads: the sweep, and compactions handed to the compactor thread
    // (never on the reactor, never waited for: a later checkpoint's manifest references the merged files)
    long compactStart = System.nanoTime();
    snapshots.compactDue(epoch);
    try {
      snapshots.sweep(store.referencedStateFiles());
    } catch (IOException e) {
      LOG.warn("checkpoint {}: cannot list the state files the manifests reference: {}", epoch, e.toString());
    }
    lastStats = new CheckpointStats(epoch, written.reactorStallNanos(), written.writeNanos(), written.stateBytes(), written.fullCaptures(),
        written.incrementalCaptures(), snapshots.chainBytes(), System.nanoTime() - compactStart);
    return epoch;
  }

  /** Waits until the state compactions submitted so far have finished (tests). */
  synchronized void awaitStateCompactions() {
    snapshots.awaitCompactions();
  }

  /**
   * Engine close: stops the background state compactor (after the last checkpoint). Not under the
   * coordinator's lock: the engine calls it under its own, and a checkpoint still running may need that
   * one; the executor is thread-safe, and a compaction submitted after this is refused and skipped.
   */
  void close() {
    snapshots.close();
  }

  /** A checkpoint failed after (or while) the stores were captured: free the copies, and make every next capture full. */
  private void abandonCaptures(List<StateSnapshots.Capture> captures) {
    StateSnapshots.discard(captures);
    captures.clear();
    snapshots.reset();
  }

  private final Map<Long, CompletableFuture<Void>> finishingCommits = new HashMap<>();

  /**
   * A position recorded for a source whose rows the application pushed must be replayable: wait until
   * its write-ahead log is durable up to it (INTERVAL asks for a force now), so a checkpoint never
   * covers rows a crash could take out of the log.
   */
  private static void awaitLogsDurable(List<CatalogObject> objects, List<CheckpointManifest.SourcePosition> positions) throws Exception {
    for (CheckpointManifest.SourcePosition p : positions) {
      if (loggedSource(objects, p.source()) instanceof dev.laminar.connector.memory.MemorySource memory) {
        memory.awaitDurable(p.position(), TimeUnit.SECONDS.toMillis(BARRIER_TIMEOUT_SECONDS));
      }
    }
  }

  private static dev.laminar.connector.memory.MemorySource loggedSource(List<CatalogObject> objects, String name) {
    for (CatalogObject o : objects) {
      if (o instanceof SourceObject s && s.name.equalsIgnoreCase(name) && s.connector instanceof dev.laminar.connector.memory.MemorySource m
          && m.isLogged()) {
        return m;
      }
    }
    return null;
  }

  /**
   * Deletes write-ahead log segments that no retained checkpoint needs: per logged source, those below
   * the oldest position the retained manifests record for it (none while a retained manifest lacks it,
   * or cannot be read). Recovery falls back to an older manifest when the newest is damaged, so every
   * retained one must stay replayable.
   */
  private void truncateLogs(List<CatalogObject> objects) {
    List<SourceObject> logged = new ArrayList<>();
    for (CatalogObject o : objects) {
      if (o instanceof SourceObject s && s.connector instanceof dev.laminar.connector.memory.MemorySource m && m.isLogged()) {
        logged.add(s);
      }
    }
    if (logged.isEmpty()) {
      return;
    }
    try {
      List<CheckpointManifest> retained = new ArrayList<>();
      for (long e : store.epochs()) {
        retained.add(store.read(e));
      }
      for (SourceObject s : logged) {
        List<byte[]> positions = new ArrayList<>();
        for (CheckpointManifest m : retained) {
          positions.add(m.sources().stream().filter(p -> p.source().equalsIgnoreCase(s.name)).map(CheckpointManifest.SourcePosition::position)
              .findFirst().orElse(null));
        }
        ((dev.laminar.connector.memory.MemorySource) s.connector).truncateLog(positions);
      }
    } catch (IOException | dev.laminar.durability.checkpoint.CorruptManifestException | RuntimeException e) {
      LOG.warn("write-ahead logs not truncated after a checkpoint (they are at the next one): {}", e.toString());
    }
  }

  /** A finishing sink committed epoch {@code epoch} (see {@link #checkpoint(SinkObject, LongFunction)}). */
  synchronized void sinkCommitted(long epoch, Throwable failure) {
    CompletableFuture<Void> f = finishingCommits.remove(epoch);
    if (f != null) {
      if (failure == null) {
        f.complete(null);
      } else {
        f.completeExceptionally(failure);
      }
    }
  }

  private static LaminarException failed(long epoch, Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.ExecutionException || e instanceof java.util.concurrent.CompletionException
        ? e.getCause() : e;
    return new LaminarException("checkpoint " + epoch + " failed: " + cause, cause);
  }

  /** Thrown when a pipeline's operators keep state that checkpoints do not cover yet. */
  static final class NotCheckpointable extends LaminarException {
    NotCheckpointable(String message) {
      super(message);
    }
  }

  /** Whether every pipeline of the engine can be checkpointed now. */
  boolean possible() {
    try {
      refuseStatefulPipelines(engine.published());
      return true;
    } catch (NotCheckpointable e) {
      return false;
    }
  }

  /** The first plugin aggregate call whose accumulators cannot be written (no serializer), or null. */
  private static String unserializable(dev.laminar.runtime.aggregate.AggregateSpec[] specs) {
    return java.util.Arrays.stream(specs).filter(a -> a.kind() == dev.laminar.runtime.aggregate.AggregateKind.PLUGIN
        && !a.plugin().serializable()).map(a -> a.name() + " (" + a.plugin().origin() + ")").findFirst().orElse(null);
  }

  /** Operators whose state is not snapshotted yet make a checkpoint impossible; say which. */
  static void refuseStatefulPipelines(List<CatalogObject> objects) {
    for (CatalogObject o : objects) {
      dev.laminar.sql.QueryPlanner.PlannedQuery q = o instanceof StreamObject st ? st.query : o instanceof SinkObject k ? k.query : null;
      if (q == null || (o instanceof StreamObject st2 && st2.sideOf != null)) {
        continue;
      }
      refusePlan(o.kind().displayName(), o.name, q);
    }
  }

  /** Refuses a query whose operators keep state that checkpoints do not cover, naming its owner. */
  static void refusePlan(String kind, String name, dev.laminar.sql.QueryPlanner.PlannedQuery q) {
    for (PlanNode n : q.plan().nodes()) {
      String what = switch (n) {
        case dev.laminar.sql.plan.WindowAggregateNode w -> unserializable(w.aggregates());
        case dev.laminar.sql.plan.PaneWindowAggregateNode w -> unserializable(w.aggregates());
        case dev.laminar.sql.plan.SessionWindowAggregateNode w -> unserializable(w.aggregates());
        default -> null; // their state is snapshotted
      };
      if (what != null) {
        throw new NotCheckpointable(kind + " '" + name + "' calls the aggregate function " + what + ", whose accumulators "
            + "cannot be checkpointed: the function has no accumulator serializer (AggregateFunction.accumulatorSerializer())");
      }
    }
  }
}
