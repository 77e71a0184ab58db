package dev.laminar.sql.plan;

import dev.laminar.runtime.Counter;

/**
 * What a deployed plan reports and where its side output goes: the late-row counters shown by
 * DESCRIBE and SHOW STREAMS, and the operator receiving rows sent with {@code LATE DATA TO}.
 */
public final class PlanMetrics {
  private final Counter lateRowsDropped = new Counter();
  private final Counter lateRowsAccepted = new Counter();
  private final Counter lateRowsRedirected = new Counter();
  private dev.laminar.runtime.Operator lateOutput;
  private final java.util.List<dev.laminar.runtime.Timer> timers = new java.util.ArrayList<>();

  /** Processing-time callbacks the deployed operators need (registered with the reactor on deploy). */
  public java.util.List<dev.laminar.runtime.Timer> timers() {
    return timers;
  }

  /** Rows that arrived after their window had fired but within ALLOW LATENESS, and updated it. */
  public Counter lateRowsAccepted() {
    return lateRowsAccepted;
  }

  /** Rows later than the allowed lateness sent to the LATE DATA TO stream. */
  public Counter lateRowsRedirected() {
    return lateRowsRedirected;
  }

  /** Where rows later than the allowed lateness go, or null (they are dropped). */
  public dev.laminar.runtime.Operator lateOutput() {
    return lateOutput;
  }

  public void lateOutput(dev.laminar.runtime.Operator output) {
    this.lateOutput = output;
  }

  private dev.laminar.runtime.Operator[] shardLateOutputs;

  /**
   * Where shard k's windowed aggregate sends rows later than the allowed lateness when the plan's keyed stage runs as one
   * shard per reactor: a lane towards the side stream on reactor 0 (a shard must not call the side stream's node, which
   * runs there); null when the plan has no side stream or runs whole.
   */
  public dev.laminar.runtime.Operator shardLateOutput(int shard) {
    return shardLateOutputs == null ? null : shardLateOutputs[shard];
  }

  public void shardLateOutputs(dev.laminar.runtime.Operator[] perShard) {
    this.shardLateOutputs = perShard == null ? null : perShard.clone();
  }

  private java.util.function.Consumer<RuntimeException> asyncFailure = e -> {
    throw e;
  };
  private final Counter lookupFailedRows = new Counter();

  /** Where operators that finish work asynchronously (lookup joins) report a failure of the pipeline. */
  public void onAsyncFailure(java.util.function.Consumer<RuntimeException> handler) {
    this.asyncFailure = handler;
  }

  public java.util.function.Consumer<RuntimeException> asyncFailure() {
    return e -> asyncFailure.accept(e);
  }

  /** Rows whose lookup failed after every retry and were skipped or joined as unmatched. */
  public Counter lookupFailedRows() {
    return lookupFailedRows;
  }

  private final java.util.List<java.util.Map.Entry<String, dev.laminar.runtime.Checkpointable>> checkpointables =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Registers a deployed operator whose state checkpoints capture, under an id stable across restarts (its plan position). */
  public void checkpointable(String id, dev.laminar.runtime.Checkpointable operator) {
    checkpointables.add(java.util.Map.entry(id, operator));
  }

  /** The deployed operators whose state checkpoints capture, with their ids. */
  public java.util.List<java.util.Map.Entry<String, dev.laminar.runtime.Checkpointable>> checkpointables() {
    return checkpointables;
  }

  private PlanMetrics[] shards = new PlanMetrics[0];

  /**
   * The metrics of each shard when the plan's keyed part runs as one shard per reactor (index = reactor),
   * or none. Each shard's operators register their timers and checkpointed state there, under the ids
   * of their plan positions; checkpoints store them as {@code <id>~shard<k>}.
   */
  public PlanMetrics[] shards() {
    return shards.clone();
  }

  public void shards(PlanMetrics[] perShard) {
    this.shards = perShard.clone();
  }

  /** The id a shard's checkpointed operator is stored under. */
  public static String shardStateId(String id, int shard) {
    return id + "~shard" + shard;
  }

  private final java.util.List<java.util.function.LongSupplier> stateRows = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Registers an operator's count of rows held in state (joins). */
  public void stateRows(java.util.function.LongSupplier rows) {
    stateRows.add(rows);
  }

  /**
   * Rows the plan's joins hold in state. Read from the control thread while the reactor updates the
   * counts, so it is a monitoring figure, exact only when the plan is quiet.
   */
  public long stateRows() {
    long sum = 0;
    for (java.util.function.LongSupplier s : stateRows) {
      sum += s.getAsLong();
    }
    return sum;
  }

  /** Names of the objects a plan reads: its scans and lookup tables. */
  public static java.util.List<String> inputsOf(PlanNode plan) {
    return plan.nodes().stream().map(n -> n instanceof ScanNode s ? s.streamName() : n instanceof LookupJoinNode l ? l.table() : null)
        .filter(java.util.Objects::nonNull).distinct().toList();
  }

  /** Rows that arrived after their window had closed (or, for a join, below their input's watermark) and were dropped. */
  public Counter lateRowsDropped() {
    return lateRowsDropped;
  }

  private final java.util.List<AutoCloseable> resources = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Registers what a deployed operator must release when its plan is undeployed (off-heap state stores). */
  public void resource(AutoCloseable resource) {
    resources.add(resource);
  }

  /**
   * Releases the registered resources: on the reactor thread, after the plan's operators were detached
   * (they must not run afterwards). Failures are collected into the exception thrown at the end.
   */
  public void closeResources() {
    RuntimeException failure = null;
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("cannot release the state of a plan: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    resources.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
