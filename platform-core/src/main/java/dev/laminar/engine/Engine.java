package dev.laminar.engine;

import dev.laminar.api.LaminarConfig;
import dev.laminar.api.LaminarException;
import dev.laminar.api.RowListener;
import dev.laminar.api.Subscription;
import dev.laminar.connector.console.ConsoleConnectorFactory;
import dev.laminar.connector.datagen.DatagenConnectorFactory;
import dev.laminar.connector.memory.MemoryConnectorFactory;
import dev.laminar.plugin.ConnectorRegistry;
import dev.laminar.runtime.BatchPool;
import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.CpuPinning;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.OutputEdge;
import dev.laminar.runtime.Reactor;
import dev.laminar.runtime.SourceInput;
import dev.laminar.runtime.SourceRunner;
import dev.laminar.runtime.StreamNode;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sql.QueryPlanner;
import dev.laminar.sql.QueryPlanner.PlannedQuery;
import dev.laminar.sql.SqlPlanningException;
import dev.laminar.sql.plan.PlanMetrics;
import dev.laminar.sql.plan.PlanNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind the embedded API and the CLI: the catalog of sources, streams and sinks, the
 * connector registry, and the reactor that runs their operator chains. Catalog changes happen on
 * the caller's (control) thread under this object's lock; the data path never takes it.
 *
 * <p>A source starts reading when the first sink or subscription that depends on it is created;
 * consumers attached later see rows from then on.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  /** The reactor layout is logged once per process, not per engine. */
  private static final java.util.concurrent.atomic.AtomicBoolean LOGGED_REACTORS = new java.util.concurrent.atomic.AtomicBoolean();

  private final LaminarConfig config;
  private final ConnectorRegistry connectors;
  /** The reactor threads; reactor 0 runs the sources' channels, streams, views and every chain that is not sharded. */
  private final Reactor[] reactors;
  private final Reactor reactor;
  /** The reactors' CPUs when {@link LaminarConfig#pinReactors()} is on, else null. */
  private final CpuPinning pinning;
  /** How to take down the shards of a sink or subscription, by owner (sinks: the SinkObject). */
  private final Map<Object, ShardedPlan> shardsByOwner = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * Streams no statement declared, deployed for a plan split at its topmost stateful node ({@link PlanSplit}): by owner (the
   * sink, stream, subscription or hidden stream whose plan was split), in creation order, and by name.
   */
  private final Map<Object, List<StreamObject>> hiddenByOwner = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, StreamObject> hiddenStreams = new java.util.concurrent.ConcurrentHashMap<>();
  /** Of those, the ones a checkpoint covers (their plan's owner, at the root, is a sink or stream, not a subscription). */
  private final java.util.Set<StreamObject> checkpointedHidden = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final QueryPlanner planner;
  private final Map<String, CatalogObject> objects = new LinkedHashMap<>();
  /** A copy of {@link #objects}' values after every change, readable without the engine's lock (checkpoints). */
  private volatile List<CatalogObject> published = List.of();
  /** Set when {@link #close()} starts. */
  private volatile boolean closing;
  /** Checkpoints and recovery; null without a data directory. */
  private final CheckpointCoordinator checkpoints;
  private final List<SubscriptionImpl> subscriptions = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.ScheduledExecutorService watchdog =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("laminar-watchdog").daemon(true).unstarted(r));

  public Engine(LaminarConfig config) {
    this.config = config;
    this.reactors = new Reactor[config.reactors()];
    this.pinning = config.pinReactors() ? CpuPinning.claim(reactors.length) : null;
    try {
      for (int i = 0; i < reactors.length; i++) {
        reactors[i] = pinning == null ? new Reactor("laminar-reactor-" + i) : new Reactor("laminar-reactor-" + i, pinning.pinner(i));
      }
      this.reactor = reactors[0];
      String sharding = reactors.length > 1 ? "; keyed aggregates and joins of sinks, subscriptions and streams run as one shard per reactor "
          + "(and the windowed aggregates after them, re-keyed), global TUMBLE, HOP and CUMULATE aggregates (also over a keyed one) as "
          + "partial states on every reactor combined on one" : "";
      String unpinned = pinning == null ? null : pinning.settle(reactors);
      if (pinning == null && reactors.length > 1 && !LOGGED_REACTORS.getAndSet(true)) {
        LOG.info("{} reactors, not pinned to CPUs (to pin them: LaminarConfig.pinReactors or -D{}=true){}", reactors.length,
            LaminarConfig.PIN_REACTORS_PROPERTY, sharding);
      } else if (pinning != null && unpinned == null) {
        LOG.info("{} reactor(s) pinned to CPUs: {}{}", reactors.length, CpuPinning.describe(reactors), sharding);
      } else if (pinning != null) {
        LOG.warn("{} reactor(s) not pinned to CPUs although pinReactors is on: {}", reactors.length, unpinned);
      }
      this.connectors = new ConnectorRegistry(
          List.of(new DatagenConnectorFactory(), new ConsoleConnectorFactory(), new MemoryConnectorFactory(),
              new dev.laminar.connector.filesystem.FilesystemConnectorFactory()),
          config.connectors(), config.pluginsDirectory());
      this.planner = new QueryPlanner(new dev.laminar.sql.function.FunctionRegistry(config.functions(), this.connectors::functionProviders));
      watchdog.scheduleWithFixedDelay(this::checkHungCalls, 100, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
      this.checkpoints = config.dataDirectory() == null ? null
          : new CheckpointCoordinator(this, config.dataDirectory().resolve("checkpoints"), config.checkpointsRetained());
      if (config.checkpointInterval() != null) {
        long millis = config.checkpointInterval().toMillis();
        watchdog.scheduleWithFixedDelay(this::periodicCheckpoint, millis, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException | Error e) { // nothing started here may outlive a failed open
      watchdog.shutdownNow();
      try {
        watchdog.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      for (Reactor r : reactors) {
        if (r != null) {
          r.close();
        }
      }
      if (pinning != null) {
        pinning.release();
      }
      throw e;
    }
  }

  private String lastCheckpointFailure;

  private volatile boolean catalogRestored = true;
  private boolean restoringCatalog;
  private final java.util.Set<SourceObject> deferredStarts = new java.util.LinkedHashSet<>();

  /** The data directory's catalog is being replayed: sources start only once every pipeline reading them is rebuilt. */
  public synchronized void restoringCatalog() {
    restoringCatalog = true;
    catalogRestored = false;
  }

  /** The catalog has been replayed: the sources start (from their checkpointed positions), and checkpoints may be taken. */
  public synchronized void catalogRestored() {
    restoringCatalog = false;
    for (SourceObject s : deferredStarts) {
      if (!s.started && objects.get(key(s.name)) == s) {
        start(s);
      }
    }
    deferredStarts.clear();
    catalogRestored = true;
  }

  private void periodicCheckpoint() {
    if (!catalogRestored || published.stream().noneMatch(o -> o instanceof SinkObject)) {
      return; // nothing to make durable
    }
    try {
      checkpoints.checkpoint();
      lastCheckpointFailure = null;
    } catch (RuntimeException e) {
      if (!String.valueOf(e.getMessage()).equals(lastCheckpointFailure)) {
        LOG.warn("periodic checkpoint failed: {}", e.getMessage());
        lastCheckpointFailure = String.valueOf(e.getMessage());
      }
    }
  }

  public ConnectorRegistry connectors() {
    return connectors;
  }

  public QueryPlanner planner() {
    return planner;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  // ------------------------------------------------------------------ lookups

  synchronized CatalogObject find(String name) {
    return objects.get(key(name));
  }

  synchronized List<CatalogObject> all() {
    return List.copyOf(objects.values());
  }

  private void publish() {
    List<CatalogObject> all = new ArrayList<>(objects.values());
    all.addAll(checkpointedHidden); // their shards take the barriers like any sharded stream's
    published = List.copyOf(all);
  }

  /** A catalogue object, or a hidden stream of a split plan, by name; or null. */
  private CatalogObject lookup(String name) {
    CatalogObject o = objects.get(key(name));
    return o != null ? o : hiddenStreams.get(key(name));
  }

  /** The catalog objects as of the last change, without taking the engine's lock. */
  List<CatalogObject> published() {
    return published;
  }

  /** One running split of a started source. */
  record Split(String source, String id, SourceRunner runner, Reactor.Channel channel) {}

  /** The splits of every started source (without the engine's lock). */
  List<Split> runningSplits() {
    List<Split> out = new ArrayList<>();
    for (CatalogObject o : published) {
      if (o instanceof SourceObject s && s.started) {
        List<SourceRunner> runners = List.copyOf(s.runners);
        for (int i = 0; i < runners.size() && i < s.splitIds.size(); i++) {
          out.add(new Split(s.name, s.splitIds.get(i), runners.get(i), s.channels.get(i)));
        }
      }
    }
    return out;
  }

  Reactor reactor() {
    return reactor;
  }

  /** Every reactor, reactor 0 first. */
  Reactor[] reactors() {
    return reactors.clone();
  }

  /** Puts back the state the recovered checkpoint holds for the operators of {@code owner} (before they see a row). */
  private void restoreState(String owner, PlanMetrics metrics) {
    if (checkpoints == null) {
      return;
    }
    List<Map.Entry<String, dev.laminar.runtime.Checkpointable>> operators = new ArrayList<>(metrics.checkpointables());
    PlanMetrics[] shards = metrics.shards();
    for (int k = 0; k < shards.length; k++) {
      for (Map.Entry<String, dev.laminar.runtime.Checkpointable> c : shards[k].checkpointables()) {
        operators.add(Map.entry(PlanMetrics.shardStateId(c.getKey(), k), c.getValue()));
      }
    }
    java.util.Set<String> unknown = new java.util.TreeSet<>(checkpoints.recoveredStateIds(owner));
    for (Map.Entry<String, dev.laminar.runtime.Checkpointable> c : operators) {
      unknown.remove(c.getKey().toLowerCase(Locale.ROOT));
    }
    if (!unknown.isEmpty()) {
      throw new LaminarException("cannot restore the state of '" + owner + "' from checkpoint " + checkpoints.recoveredEpoch()
          + ": it holds operator state " + unknown + " that this deployment has no operator for; was it taken with another "
          + "reactor count? (this engine runs " + reactors.length + "; set LaminarConfig.reactors or -D"
          + LaminarConfig.REACTORS_PROPERTY + " as when the checkpoint was taken)");
    }
    for (Map.Entry<String, dev.laminar.runtime.Checkpointable> c : operators) {
      byte[] state = checkpoints.recoveredState(owner, c.getKey());
      if (state != null) {
        try {
          c.getValue().restore(new java.io.DataInputStream(new java.io.ByteArrayInputStream(state)));
          if (c.getValue() instanceof dev.laminar.runtime.StoreBacked stored) {
            stored.restoreStores(checkpoints.recoveredChains(owner, c.getKey()));
          }
        } catch (java.io.IOException | RuntimeException e) {
          throw new LaminarException("cannot restore the state of '" + owner + "' (operator " + c.getKey() + ") from checkpoint "
              + checkpoints.recoveredEpoch() + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /** Figures of the last completed checkpoint (reactor stall, background write, sizes), or null when none was taken. */
  public CheckpointStats lastCheckpointStats() {
    return checkpoints == null ? null : checkpoints.lastStats();
  }

  /** Takes a checkpoint now ({@code CHECKPOINT}); returns its epoch. */
  public long checkpoint() {
    if (checkpoints == null) {
      throw new LaminarException("CHECKPOINT needs a data directory (LaminarConfig.builder().dataDirectory(dir))");
    }
    return checkpoints.checkpoint();
  }

  /** Tables the planner can read: every source and stream. */
  public synchronized List<QueryPlanner.Table> readableTables() {
    List<QueryPlanner.Table> tables = new ArrayList<>();
    for (CatalogObject o : objects.values()) {
      if (o instanceof LookupTableObject lt) {
        tables.add(new QueryPlanner.Table(o.name, o.schema, -1, false, lt.keyColumns()));
      } else if (o.node() != null) {
        tables.add(new QueryPlanner.Table(o.name, o.schema, o.rowtimeColumn(), o instanceof StreamObject st && st.isChangelog()));
      }
    }
    return tables;
  }

  private CatalogObject readable(String name) {
    CatalogObject o = lookup(name);
    if (o == null || o.node() == null) {
      throw new SqlPlanningException("no source or stream named '" + name + "'" + (o != null ? " ('" + name + "' is a sink)" : ""));
    }
    return o;
  }

  private void checkFree(String name) {
    CatalogObject existing = objects.get(key(name));
    if (existing != null) {
      throw new SqlPlanningException("a " + existing.kind().displayName() + " named '" + existing.name + "' already exists");
    }
    if (hiddenStreams.containsKey(key(name))) {
      throw new SqlPlanningException("'" + name + "' names a part of a split plan (DESCRIBE shows it under the object before the '@')");
    }
  }

  /** True when the name is taken (for IF NOT EXISTS). */
  public synchronized boolean exists(String name) {
    return objects.containsKey(key(name));
  }

  // ------------------------------------------------------------------ CREATE SOURCE

  /** Validates options, creates the connector's source and registers it (readers start with the first consumer). */
  public synchronized void createSource(String name, Schema schema, String rowtimeColumn, long outOfOrdernessMillis,
      java.time.Duration idleTimeout, String connectorId, Map<String, String> options, String ddl) {
    checkFree(name);
    ConnectorRegistry.Entry entry = connectors.resolve(connectorId, ConnectorKind.SOURCE);
    ConnectorOptions validated = ConnectorOptions.validate(entry.factory().id(), entry.factory().options(), options);
    int rowtime = rowtimeColumn == null ? -1 : schema.indexOf(rowtimeColumn);
    SourceConnector connector = withLoader(entry.classLoader(), () -> entry.factory().createSource(context(name, schema, validated, rowtimeColumn)));
    if (connector instanceof dev.laminar.connector.memory.MemorySource memory && config.dataDirectory() != null) {
      attachLog(name, memory);
    }
    SourceObject source = new SourceObject(name, schema, ddl, entry.factory().id(), validated, connector, entry.classLoader(),
        entry.origin(), entry.pluginId(), rowtime, outOfOrdernessMillis);
    source.idleTimeout = idleTimeout;
    source.node.onConsumerFailure(this::consumerFailed);
    objects.put(key(name), source);
    publish();
  }

  /**
   * Gives a memory source (rows pushed by the application) its write-ahead log,
   * {@code <data>/wal/<source>/}: rows are logged before the engine sees them and replayed after a
   * crash from the recovered checkpoint's position. A log left by a dropped source of the same name
   * (outside a catalog restore) is stale and deleted first.
   */
  private void attachLog(String name, dev.laminar.connector.memory.MemorySource memory) {
    java.nio.file.Path dir = walDirectory(name);
    try {
      if (!restoringCatalog && java.nio.file.Files.exists(dir)) {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
          for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            java.nio.file.Files.delete(f);
          }
        }
      }
      memory.attachLog(dev.laminar.durability.wal.WalConfig.defaults(dir).withSyncPolicy(config.walSyncPolicy())
          .withSyncIntervalMillis(config.walSyncInterval().toMillis()).withSegmentBytes(config.walSegmentBytes()),
          checkpoints == null ? null : checkpoints.recoveredPosition(name, name));
    } catch (java.io.IOException | RuntimeException e) {
      closeQuietly(memory, name);
      throw new LaminarException("source '" + name + "': cannot open its write-ahead log " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The write-ahead log directory of a memory source: its lower-cased name, other characters than [a-z0-9_] hex-escaped. */
  private java.nio.file.Path walDirectory(String name) {
    StringBuilder b = new StringBuilder();
    for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
        b.append(c);
      } else {
        b.append('-').append(Integer.toHexString(c)).append('-');
      }
    }
    return config.dataDirectory().resolve("wal").resolve(b.toString());
  }

  private static ConnectorContext context(String name, Schema schema, ConnectorOptions options, String eventTimeColumn) {
    return new ConnectorContext() {
      @Override
      public String objectName() {
        return name;
      }

      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public ConnectorOptions options() {
        return options;
      }

      @Override
      public String eventTimeColumn() {
        return eventTimeColumn;
      }
    };
  }

  /** Runs connector code with the plugin's class loader as context loader. */
  private static <T> T withLoader(ClassLoader loader, java.util.concurrent.Callable<T> action) {
    Thread t = Thread.currentThread();
    ClassLoader previous = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      return action.call();
    } catch (LaminarException | IllegalArgumentException | UnsupportedOperationException e) {
      throw e;
    } catch (Exception e) {
      throw new LaminarException(e.getMessage(), e);
    } finally {
      t.setContextClassLoader(previous);
    }
  }

  /**
   * Makes the source's event-time column a processing-time column: the engine fills it with the wall
   * clock when each row is read, and the watermark follows the clock even while no row arrives.
   */
  public synchronized void markProcessingTime(String name) {
    ((SourceObject) objects.get(key(name))).processingTime = true;
  }

  // ------------------------------------------------------------------ CREATE LOOKUP TABLE

  /** Creates and opens a connector's lookup table; {@code options} holds the engine's lookup.* options and the connector's. */
  public synchronized void createLookupTable(String name, Schema schema, String connectorId, Map<String, String> options, String ddl) {
    checkFree(name);
    ConnectorRegistry.Entry entry = connectors.resolve(connectorId, ConnectorKind.LOOKUP);
    Map<String, String> engineOptions = new java.util.LinkedHashMap<>();
    Map<String, String> connectorOptions = new java.util.LinkedHashMap<>();
    options.forEach((k, v) -> (LookupTableObject.ENGINE_OPTIONS.stream().anyMatch(o -> o.matches(k)) ? engineOptions : connectorOptions).put(k, v));
    ConnectorOptions engineValidated = ConnectorOptions.validate(entry.factory().id(), LookupTableObject.ENGINE_OPTIONS, engineOptions);
    ConnectorOptions validated = ConnectorOptions.validate(entry.factory().id(), entry.factory().options(), connectorOptions);
    dev.laminar.sdk.lookup.LookupTable table = withLoader(entry.classLoader(),
        () -> entry.factory().createLookupTable(context(name, schema, validated, null)));
    for (dev.laminar.sdk.type.Column k : table.keySchema().columns()) {
      if (schema.indexOf(k.name()) < 0) {
        closeQuietly(table, name);
        throw new SqlPlanningException("lookup table '" + name + "': connector '" + entry.factory().id() + "' keys it by '" + k.name()
            + "', which is not a declared column");
      }
    }
    LookupTableObject object = new LookupTableObject(name, schema, ddl, table, entry.factory().id(), entry.origin(), entry.classLoader(),
        engineValidated);
    try {
      object.open();
    } catch (Exception e) {
      object.close();
      throw new LaminarException("lookup table '" + name + "' (connector '" + entry.factory().id() + "') failed to open: " + e.getMessage(), e);
    }
    objects.put(key(name), object);
    publish();
  }

  /** Adds rows to a lookup table of the built-in {@code memory} connector ({@code INSERT INTO t VALUES ...}). */
  public synchronized int insertInto(String name, List<dev.laminar.sdk.row.Row> rows) {
    CatalogObject o = objects.get(key(name));
    if (!(o instanceof LookupTableObject lt) || !(lt.table instanceof dev.laminar.connector.memory.MemoryLookupTable memory)) {
      throw new SqlPlanningException("INSERT INTO takes a lookup table of the 'memory' connector; '" + name + "' is "
          + (o == null ? "not defined" : o instanceof LookupTableObject lt2 ? "a lookup table of connector '" + lt2.connectorId + "'"
          : "a " + o.kind().displayName()) + " (streams are written by their sources and queries)");
    }
    memory.insert(rows);
    return rows.size();
  }

  // ------------------------------------------------------------------ CREATE STREAM

  public synchronized void createStream(String name, PlannedQuery query, String ddl) {
    createStream(name, query, ddl, false);
  }

  /**
   * Deploys a continuous query as a named stream; {@code materialized} also keeps its current contents
   * (a materialized view) for point queries. A stream can only read objects that exist when it is
   * created (there is no CREATE OR REPLACE), so streams and views cannot form a cycle, and the data
   * directory replays them in creation order, which is a topological order.
   */
  public synchronized void createStream(String name, PlannedQuery query, String ddl, boolean materialized) {
    checkFree(name);
    StreamObject stream = new StreamObject(name, ddl, query);
    if (materialized) {
      stream.table = new ViewTable();
      stream.metrics.checkpointable("view", stream.table); // its contents are part of every checkpoint
      stream.metrics.resource(stream.table); // the store its checkpoints keep the rows in
    }
    StreamObject late = lateDataStream(name, query);
    if (late != null) {
      stream.metrics.lateOutput(late.node);
    }
    stream.metrics.onAsyncFailure(e -> consumerFailed(stream, e));
    List<Attachment> sharded = instantiateShardedStream(stream, query.plan(), late, () -> stream);
    List<Attachment> chains = sharded != null ? sharded : instantiate(query.plan(), stream.node, stream.metrics);
    restoreState(name, stream.metrics);
    stream.node.onConsumerFailure(this::consumerFailed);
    reactor.execute(() -> {
      if (stream.table != null) {
        stream.node.attach(stream.table, stream.table);
      }
      attach(chains, stream);
    });
    reactor.addTimers(stream.metrics.timers(), stream);
    objects.put(key(name), stream);
    publish();
    if (stream.table != null) {
      startSourcesOf(name); // a view maintains its contents from the start
    }
    if (late != null) {
      objects.put(key(late.name), late);
      publish();
    }
  }

  /**
   * A stream whose plan can run over every reactor ({@link #deploySharded}), deployed so ({@link ShardedStream}): its parts
   * end in lanes back to reactor 0 instead of a sink's edge, merged there into the stream's node. Null when it runs whole
   * on reactor 0. With a {@code LATE DATA TO} side stream ({@code late}, else null), each shard of the keyed stage also
   * sends its late rows through a lane of its own to reactor 0, merged there into the side stream's node.
   */
  private List<Attachment> instantiateShardedStream(StreamObject stream, PlanNode plan, StreamObject late,
      java.util.function.Supplier<Object> failureOwner) {
    ShardedStream[] self = new ShardedStream[1];
    List<dev.laminar.runtime.ExchangeQueue> toMerge = new ArrayList<>();
    List<dev.laminar.runtime.MergeLane> lanes = new ArrayList<>();
    java.util.function.BooleanSupplier open = () -> (self[0] == null || self[0].open()) && reactors[0].isRunning();
    List<dev.laminar.runtime.ExchangeQueue> toLateMerge = new ArrayList<>();
    dev.laminar.runtime.MergeLane[] lateLanes = new dev.laminar.runtime.MergeLane[late == null ? 0 : reactors.length];
    for (int k = 0; k < lateLanes.length; k++) {
      lateLanes[k] = mergeLane(late.node.schema(), k, open, toLateMerge);
    }
    stream.metrics.shardLateOutputs(late == null ? null : lateLanes);
    ShardedDeployment d = deploySharded(plan, count -> {
      Operator[] ends = new Operator[count];
      for (int l = 0; l < count; l++) {
        // a combiner runs on the last reactor
        dev.laminar.runtime.MergeLane end = mergeLane(stream.node.schema(), count == 1 ? reactors.length - 1 : l, open, toMerge);
        lanes.add(end);
        ends[l] = end;
      }
      return ends;
    }, stream.metrics, stream, failureOwner);
    stream.metrics.shardLateOutputs(null);
    if (d == null) {
      return null;
    }
    LongConsumer aligned = id -> {
      CheckpointCoordinator c = checkpoints;
      if (c != null) {
        c.streamAligned(stream, id);
      }
    };
    LongConsumer[] perMerge = ShardedStream.alignedWhenAll(late == null ? 1 : 2, aligned);
    dev.laminar.runtime.MergeInbox merge =
        new dev.laminar.runtime.MergeInbox(queues(toMerge), stream.node, perMerge[0], reactors[0]::isHeld);
    dev.laminar.runtime.MergeInbox lateMerge = late == null ? null
        : new dev.laminar.runtime.MergeInbox(queues(toLateMerge), late.node, perMerge[1], reactors[0]::isHeld);
    List<StreamObject> shardedInputs = new ArrayList<>();
    for (String in : PlanMetrics.inputsOf(d.deployed())) { // a split plan's part above reads the hidden streams
      collectShardedStreams(in, shardedInputs);
    }
    self[0] = new ShardedStream(reactors, d.plan(), new ShardedStream.Merge(toMerge, lanes, merge),
        late == null ? null : new ShardedStream.Merge(toLateMerge, List.of(lateLanes), lateMerge), shardedInputs);
    reactors[0].addMergeInbox(merge); // never waits for a reactor: drained also while reactor 0 waits, and by the lanes' waits
    if (lateMerge != null) {
      reactors[0].addMergeInbox(lateMerge);
    }
    shardsByOwner.put(stream, self[0]);
    return chains(d, self[0], stream.metrics);
  }

  /** A lane from a part on reactor {@code producer} to a merge on reactor 0; its queue is added to {@code queues}. */
  private dev.laminar.runtime.MergeLane mergeLane(Schema schema, int producer, java.util.function.BooleanSupplier open,
      List<dev.laminar.runtime.ExchangeQueue> queues) {
    dev.laminar.runtime.ExchangeQueue q = new dev.laminar.runtime.ExchangeQueue(schema, config.queueBatches(), config.batchSize(), open,
        reactors[producer]::helpMerges, reactors[0]::wake);
    queues.add(q);
    return new dev.laminar.runtime.MergeLane(q);
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
  private static org.jctools.queues.SpscArrayQueue<dev.laminar.runtime.ColumnarBatch>[] queues(
      List<dev.laminar.runtime.ExchangeQueue> lanes) {
    org.jctools.queues.SpscArrayQueue<dev.laminar.runtime.ColumnarBatch>[] queues = new org.jctools.queues.SpscArrayQueue[lanes.size()];
    for (int l = 0; l < queues.length; l++) {
      queues[l] = lanes.get(l).queue();
    }
    return queues;
  }

  /** Adds to {@code out} the sharded streams {@code name} is, or reads through unsharded streams. */
  private void collectShardedStreams(String name, List<StreamObject> out) {
    if (!(lookup(name) instanceof StreamObject st)) {
      return;
    }
    if (shardsByOwner.containsKey(st)) {
      if (!out.contains(st)) {
        out.add(st);
      }
      return;
    }
    for (String in : st.inputs()) {
      collectShardedStreams(in, out);
    }
  }

  /** The side stream of a LATE DATA TO clause (rows as the windowed aggregate received them), or null. */
  private StreamObject lateDataStream(String name, PlannedQuery query) {
    for (PlanNode n : query.plan().nodes()) {
      String target = switch (n) {
        case dev.laminar.sql.plan.WindowAggregateNode w -> w.lateDataTarget();
        case dev.laminar.sql.plan.PaneWindowAggregateNode p -> p.lateDataTarget();
        case dev.laminar.sql.plan.SessionWindowAggregateNode s -> s.lateDataTarget();
        default -> null;
      };
      if (target != null) {
        checkFree(target);
        StreamObject late = StreamObject.sideOutput(target, name, n.input().schema(), n.input().rowtimeColumn(), query);
        late.node.onConsumerFailure(this::consumerFailed);
        return late;
      }
    }
    return null;
  }

  /** An operator chain to attach to the stream it reads. */
  private record Attachment(CatalogObject input, Operator chain) {}

  /** Builds the operators of {@code plan}: one chain per scan (a join has two), each ending in {@code downstream}. */
  private List<Attachment> instantiate(PlanNode plan, Operator downstream, PlanMetrics metrics) {
    List<Attachment> out = new ArrayList<>();
    wire(plan, plan.nodes(), downstream, metrics, out);
    return out;
  }

  /** The position of {@code n} in {@code nodes} by identity: its operator's id in checkpoints. */
  private static String nodeId(List<PlanNode> nodes, PlanNode n) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) == n) {
        return Integer.toString(i);
      }
    }
    throw new IllegalStateException("node not in its plan: " + n.describe());
  }

  private void wire(PlanNode n, List<PlanNode> nodes, Operator downstream, PlanMetrics metrics, List<Attachment> out) {
    wire(n, nodes, downstream, metrics, out, null);
  }

  /**
   * Builds the operators from {@code n} down into {@code downstream}, adding to {@code out} one attachment per scan; at
   * {@code stop} (when not null) it stops instead, adding the chain built so far with no input (a sharded plan's head copy
   * above its part on reactor 0).
   */
  private void wire(PlanNode n, List<PlanNode> nodes, Operator downstream, PlanMetrics metrics, List<Attachment> out, PlanNode stop) {
    if (n == stop) {
      out.add(new Attachment(null, downstream));
      return;
    }
    switch (n) {
      case dev.laminar.sql.plan.ScanNode s -> out.add(new Attachment(readable(s.streamName()), downstream));
      case dev.laminar.sql.plan.LookupJoinNode lj -> {
        dev.laminar.runtime.join.LookupJoinOperator op = lookupJoin(lj, downstream, metrics, reactor::post);
        metrics.checkpointable(nodeId(nodes, n), op);
        wire(lj.input(), nodes, op, metrics, out, stop);
      }
      case dev.laminar.sql.plan.JoinNode j -> {
        dev.laminar.runtime.join.TwoInputOperator op = j.instantiateJoin(downstream, config.batchSize(), metrics);
        metrics.checkpointable(nodeId(nodes, n), op);
        wire(j.left(), nodes, op.left(), metrics, out, stop);
        wire(j.right(), nodes, op.right(), metrics, out, stop);
      }
      default -> {
        Operator op = n.instantiate(downstream, config.batchSize(), metrics);
        if (op instanceof dev.laminar.runtime.Checkpointable c) {
          metrics.checkpointable(nodeId(nodes, n), c);
        }
        wire(n.input(), nodes, op, metrics, out, stop);
      }
    }
  }

  /**
   * The operator of lookup join {@code lj} into {@code downstream}: its lookups run off the reactor and their answers come
   * back through {@code reactor} (the executor of the reactor that runs it).
   */
  private dev.laminar.runtime.join.LookupJoinOperator lookupJoin(dev.laminar.sql.plan.LookupJoinNode lj, Operator downstream,
      PlanMetrics metrics, java.util.concurrent.Executor reactor) {
    LookupTableObject table = (LookupTableObject) objects.get(key(lj.table()));
    if (table == null) {
      throw new SqlPlanningException("no lookup table named '" + lj.table() + "'");
    }
    return new dev.laminar.runtime.join.LookupJoinOperator(table.name, table::lookup, lj.leftOuter(), lj.input().schema(),
        lj.keyColumns(), lj.lookupSchema().size(), lj.schema(), config.batchSize(), downstream, reactor, metrics.asyncFailure(),
        table.onFailure, metrics.lookupFailedRows(), table.cacheRows, table.cacheTtlMillis, table.maxPendingRows,
        table.timeoutMillis * (table.maxRetries + 1) + 60_000);
  }

  /** Attaches the chains to their inputs (reactor thread). */
  private static void attach(List<Attachment> chains, Object owner) {
    for (Attachment a : chains) {
      a.input().node().attach(a.chain(), owner);
    }
  }

  /**
   * Builds the operators of a plan ending in an edge towards a sink or subscription thread. When the
   * engine runs several reactors and the plan is shardable ({@link Shards#keyedNode}), the keyed
   * aggregate or join and everything after it run as one shard per reactor, each ending in its own lane of
   * {@code edge}, fed by one copy of the plan's head per reactor, dealt to by a
   * {@link dev.laminar.runtime.HeadDealer} on reactor 0; else as
   * {@link #instantiate}.
   *
   * @param owner what the shards' timers are registered for and what {@link #undeployShards} takes
   * @param failureOwner who a failing shard operator is reported as (see {@link #consumerFailed})
   */
  private List<Attachment> instantiateToEdge(PlanNode plan, OutputEdge edge, PlanMetrics metrics, Object owner,
      java.util.function.Supplier<Object> failureOwner) {
    ShardedDeployment d = deploySharded(plan, count -> count == 1 ? new Operator[] {edge} : edge.shard(count), metrics, owner,
        failureOwner);
    if (d == null) {
      return instantiate(plan, edge, metrics);
    }
    shardsByOwner.put(owner, d.plan());
    return chains(d, d.plan(), metrics);
  }

  /** What a sharded deployment attaches on reactor 0: its dealers (or the parts before them) and its hidden streams' chains. */
  private List<Attachment> chains(ShardedDeployment d, ShardedPlan plan, PlanMetrics metrics) {
    List<Attachment> chains = new ArrayList<>(dealerAttachments(d.deployed(), d.dealt(), plan, metrics));
    chains.addAll(d.hidden());
    return chains;
  }

  /**
   * A plan deployed over every reactor: its parts, the node whose inputs its dealers are attached to
   * ({@link #dealerAttachments}), the plan deployed (the plan given, or the part above a split, {@link PlanSplit}), and
   * the chains of the hidden streams of a split, to attach with the plan's own.
   */
  private record ShardedDeployment(ShardedPlan plan, PlanNode dealt, PlanNode deployed, List<Attachment> hidden) {
    ShardedDeployment(ShardedPlan plan, PlanNode dealt, PlanNode deployed) {
      this(plan, dealt, deployed, List.of());
    }
  }

  /**
   * Deploys {@code plan} over every reactor when it can run so, else returns null (it runs whole on reactor 0). A plan
   * reading a sharded stream is deployed like any other: its dealers run in the stream's merge, which delivers only from
   * reactor 0's loop ({@link dev.laminar.runtime.MergeInbox}). In order of preference:
   * one keyed node ({@link Shards}), a keyed stage into a global aggregate ({@link KeyedGlobalShards}), two keyed stages
   * ({@link RekeyedShards}), a global aggregate ({@link GlobalShards}). {@code lanes} gives what the plan's parts end in, given
   * how many: one per reactor (shard k's on reactor k), or one (the combiner's, on the last reactor).
   */
  private ShardedDeployment deploySharded(PlanNode plan, java.util.function.IntFunction<Operator[]> lanes,
      PlanMetrics metrics, Object owner, java.util.function.Supplier<Object> failureOwner) {
    if (reactors.length == 1) {
      return null;
    }
    PlanNode keyed = Shards.keyedNode(plan);
    if (keyed != null) {
      return new ShardedDeployment(deployKeyed(plan, plan, keyed, lanes.apply(reactors.length), null, metrics, owner, failureOwner), keyed,
          plan);
    }
    PlanNode[] stages = KeyedGlobalShards.stages(plan);
    if (stages != null) {
      return new ShardedDeployment(deployKeyedGlobal(plan, stages[0], stages[1], lanes.apply(1)[0], metrics, owner, failureOwner), stages[0],
          plan);
    }
    PlanNode[] chain = RekeyedShards.stages(plan);
    if (chain != null) {
      Operator[] ends = lanes.apply(RekeyedShards.keyed(chain[chain.length - 1]) ? reactors.length : 1);
      return new ShardedDeployment(deployRekeyed(plan, chain, ends, metrics, owner, failureOwner), chain[0], plan);
    }
    PlanNode global = GlobalShards.globalAggregate(plan);
    if (global != null) {
      return new ShardedDeployment(deployGlobal(plan, global, lanes.apply(1)[0], metrics, owner, failureOwner), global, plan);
    }
    PlanSplit split = PlanSplit.of(plan, hiddenName(owner));
    if (split == null) {
      return null;
    }
    // each stateful input of the topmost stateful node runs as a hidden sharded stream; the rest reads their merges
    List<Attachment> hidden = new ArrayList<>();
    for (int i = 0; i < split.parts().size(); i++) {
      hidden.addAll(deployHidden(split.names().get(i), split.parts().get(i), owner, failureOwner));
    }
    ShardedDeployment top = deploySharded(split.top(), lanes, metrics, owner, failureOwner);
    hidden.addAll(top.hidden());
    return new ShardedDeployment(top.plan(), top.dealt(), top.deployed(), hidden);
  }

  /** The names of the hidden streams of {@code owner}'s split plan start with this: the owner's name, or a subscription's number. */
  private String hiddenName(Object owner) {
    // no catalogue name begins with @
    return owner instanceof CatalogObject o ? o.name : "@subscription" + subscriptionSplits.incrementAndGet();
  }

  /** Numbers the split plans of subscriptions (their hidden streams' names; never checkpointed, so never reused across runs). */
  private final java.util.concurrent.atomic.AtomicLong subscriptionSplits = new java.util.concurrent.atomic.AtomicLong();

  /** Whether {@code owner}'s hidden streams are covered by checkpoints: its root owner is a sink or a stream. */
  private boolean checkpointed(Object owner) {
    if (owner instanceof SinkObject) {
      return true;
    }
    // a declared stream, or a hidden one that is itself checkpointed (a part split again)
    return owner instanceof StreamObject st && (!hiddenStreams.containsValue(st) || checkpointedHidden.contains(st));
  }

  /**
   * Deploys part {@code plan} of {@code owner}'s split plan as hidden sharded stream {@code name} (itself possibly split
   * further); returns its chains, to be attached with the owner's (their owner tag is the owner's, so they are detached
   * with it). Its failures are the owner's; its state is checkpointed under {@code name} when the owner's is.
   */
  private List<Attachment> deployHidden(String name, PlanNode plan, Object owner, java.util.function.Supplier<Object> failureOwner) {
    StreamObject hidden = new StreamObject(name, null, new PlannedQuery(plan, "", java.util.Set.of()));
    hidden.node.onConsumerFailure((o, e) -> consumerFailed(failureOwner.get(), e));
    hidden.metrics.onAsyncFailure(e -> consumerFailed(failureOwner.get(), e));
    boolean checkpointed = checkpointed(owner);
    hiddenStreams.put(key(name), hidden);
    hiddenByOwner.computeIfAbsent(owner, o -> new CopyOnWriteArrayList<>()).add(hidden);
    if (checkpointed) {
      checkpointedHidden.add(hidden);
    }
    List<Attachment> chains = instantiateShardedStream(hidden, plan, null, failureOwner);
    if (chains == null) {
      throw new IllegalStateException("part " + name + " of a split plan cannot run sharded: " + plan.describe());
    }
    if (checkpointed) {
      restoreState(name, hidden.metrics);
    }
    reactor.addTimers(hidden.metrics.timers(), owner);
    publish();
    return chains;
  }

  /**
   * Deploys the head copies of {@code keyed}'s inputs and its shards, each running {@code keyed} and the nodes after it
   * up to {@code top} (inclusive) into its entry of {@code ends} (see {@link Shards#deploy}).
   */
  private Shards deployKeyed(PlanNode plan, PlanNode top, PlanNode keyed, Operator[] ends, dev.laminar.runtime.EventSink[] frames,
      PlanMetrics metrics, Object owner, java.util.function.Supplier<Object> failureOwner) {
    List<PlanNode> nodes = plan.nodes();
    List<PlanNode> sides = Shards.sides(keyed);
    Schema[] inputSchemas = new Schema[sides.size()];
    for (int i = 0; i < inputSchemas.length; i++) {
      inputSchemas[i] = headInputSchema(sides.get(i));
    }
    return Shards.deploy(reactors, keyed, inputSchemas, ends, frames, config.queueBatches(), config.batchSize(), metrics,
        (shard, downstream, shardMetrics) -> {
          Operator op = downstream;
          for (PlanNode n = top; n != keyed; n = n.input()) {
            op = n instanceof dev.laminar.sql.plan.LookupJoinNode lj
                ? lookupJoin(lj, op, shardMetrics, reactors[shard]::post) // its answers come back to the shard's reactor
                : n.instantiate(op, config.batchSize(), shardMetrics);
            if (op instanceof dev.laminar.runtime.Checkpointable c) {
              shardMetrics.checkpointable(nodeId(nodes, n), c);
            }
          }
          if (keyed instanceof dev.laminar.sql.plan.JoinNode j) {
            dev.laminar.runtime.join.TwoInputOperator join = j.instantiateJoin(op, config.batchSize(), shardMetrics);
            shardMetrics.checkpointable(nodeId(nodes, keyed), join);
            return new Operator[] {join.left(), join.right()};
          }
          Operator aggregate = keyed.instantiate(op, config.batchSize(), shardMetrics);
          if (aggregate instanceof dev.laminar.runtime.Checkpointable c) {
            shardMetrics.checkpointable(nodeId(nodes, keyed), c);
          }
          return new Operator[] {aggregate};
        },
        (input, router, headMetrics) -> {
          List<Attachment> head = new ArrayList<>();
          wire(sides.get(input), nodes, router, headMetrics, head, Shards.headBoundary(sides.get(input)));
          return head.get(0).chain();
        },
        (o, e) -> consumerFailed(failureOwner.get(), e), owner, barrierListener(owner));
  }

  /**
   * What the head copies of input {@code side} of a sharded node take from the dealer: the stream it reads, or the output of
   * its topmost lookup join, which runs on reactor 0 before the dealer ({@link Shards#headBoundary}).
   */
  private Schema headInputSchema(PlanNode side) {
    PlanNode boundary = Shards.headBoundary(side);
    return boundary != null ? boundary.schema() : shardedInput(side).node().schema();
  }

  /** The stream an input of a sharded node reads (a shardable plan has exactly one scan per input). */
  private CatalogObject shardedInput(PlanNode side) {
    for (PlanNode n : side.nodes()) {
      if (n instanceof dev.laminar.sql.plan.ScanNode scan) {
        return readable(scan.streamName());
      }
    }
    throw new IllegalStateException("no scan under " + side.describe());
  }

  /**
   * One attachment per input of {@code keyed}: its dealer, on the stream it reads; or, when the input has a lookup join
   * ({@link Shards#headBoundary}), the part of the input up to its topmost lookup join, on reactor 0, into the dealer. A
   * checkpoint barrier then waits for those lookups in flight before it is dealt (their rows belong before it).
   */
  private List<Attachment> dealerAttachments(PlanNode plan, PlanNode keyed, ShardedPlan shards, PlanMetrics metrics) {
    List<PlanNode> nodes = plan.nodes();
    List<PlanNode> sides = Shards.sides(keyed);
    List<Attachment> attachments = new ArrayList<>();
    for (int i = 0; i < sides.size(); i++) {
      PlanNode boundary = Shards.headBoundary(sides.get(i));
      if (boundary == null) {
        attachments.add(new Attachment(shardedInput(sides.get(i)), shards.dealer(i)));
        continue;
      }
      wire(boundary, nodes, shards.dealer(i), metrics, attachments);
      for (PlanNode n : boundary.nodes()) {
        if (n instanceof dev.laminar.sql.plan.LookupJoinNode) {
          String id = nodeId(nodes, n);
          metrics.checkpointables().stream().filter(e -> e.getKey().equals(id))
              .map(e -> (dev.laminar.runtime.join.LookupJoinOperator) e.getValue())
              .forEach(lookup -> shards.dealer(0).beforeBarrier(lookup::finish));
        }
      }
    }
    return attachments;
  }

  /**
   * A plan whose keyed node ({@link Shards#keyedNode}) feeds a global TUMBLE, HOP or CUMULATE aggregate
   * ({@link KeyedGlobalShards#stages}): the keyed node runs sharded as above, each shard ending in a partial stage of the
   * global aggregate, and one combiner merges the shards' partial states and runs the rest of the plan.
   */
  private KeyedGlobalShards deployKeyedGlobal(PlanNode plan, PlanNode keyed, PlanNode global, Operator edge, PlanMetrics metrics,
      Object owner, java.util.function.Supplier<Object> failureOwner) {
    dev.laminar.runtime.aggregate.GroupAccumulatorFactory factory = globalFactory(global);
    KeyedGlobalShards shards = KeyedGlobalShards.deploy(reactors, global, factory, edge, config.queueBatches(), metrics,
        (downstream, combinerMetrics) -> combinerChain(plan, global, factory, downstream, combinerMetrics),
        (producers, shardMetrics) -> deployKeyed(plan, global.input(), keyed, producers, producers, shardMetrics, owner, failureOwner),
        (o, e) -> consumerFailed(failureOwner.get(), e), owner, barrierListener(owner));
    return shards;
  }

  /**
   * A plan whose keyed node ({@link Shards#keyedNode}) feeds a chain of windowed aggregates, each by another key or, last,
   * by none ({@link RekeyedShards#stages}): the first keyed node runs sharded as above, each shard ending in a router by the
   * next stage's key, and each later stage and the stateless nodes after it run as its consumers (one per reactor, or one
   * for a global stage), the last into {@code lanes}.
   */
  private RekeyedShards deployRekeyed(PlanNode plan, PlanNode[] chain, Operator[] lanes, PlanMetrics metrics, Object owner,
      java.util.function.Supplier<Object> failureOwner) {
    List<PlanNode> nodes = plan.nodes();
    return RekeyedShards.deploy(reactors, chain, lanes, config.queueBatches(), config.batchSize(), metrics,
        (stage, end, stageMetrics) -> {
          Operator op = end;
          for (PlanNode n = stage + 1 < chain.length ? chain[stage + 1].input() : plan; ; n = n.input()) {
            op = n.instantiate(op, config.batchSize(), stageMetrics);
            if (op instanceof dev.laminar.runtime.Checkpointable c) {
              stageMetrics.checkpointable(nodeId(nodes, n), c);
            }
            if (n == chain[stage]) {
              return op;
            }
          }
        },
        (routers, shardMetrics) -> deployKeyed(plan, chain[1].input(), chain[0], routers, routers, shardMetrics, owner, failureOwner),
        (o, e) -> consumerFailed(failureOwner.get(), e), owner, barrierListener(owner));
  }

  /** Where the shards of {@code owner}'s plan report taking a checkpoint barrier: the coordinator, for a sink's. */
  private Shards.BarrierListener barrierListener(Object owner) {
    return (shard, id) -> {
      CheckpointCoordinator c = checkpoints;
      if (c != null && owner instanceof SinkObject sink) {
        c.shardBarrier(sink, shard, id);
      } else if (c != null && owner instanceof StreamObject stream) {
        c.streamShardBarrier(stream, shard, id);
      }
    };
  }

  /**
   * A plan whose one stateful node is a global TUMBLE, HOP or CUMULATE aggregate ({@link GlobalShards#globalAggregate}),
   * over every reactor: head copies fold partial states, one combiner merges them and runs the rest of the plan.
   */
  private GlobalShards deployGlobal(PlanNode plan, PlanNode global, Operator edge,
      PlanMetrics metrics, Object owner, java.util.function.Supplier<Object> failureOwner) {
    List<PlanNode> nodes = plan.nodes();
    PlanNode boundary = Shards.headBoundary(global.input()); // a lookup join below runs on reactor 0, before the dealer
    Schema inputSchema = headInputSchema(global.input());
    dev.laminar.runtime.aggregate.GroupAccumulatorFactory factory = globalFactory(global);
    GlobalShards shards = GlobalShards.deploy(reactors, global, factory, inputSchema, edge, config.queueBatches(), config.batchSize(),
        metrics,
        (downstream, combinerMetrics) -> combinerChain(plan, global, factory, downstream, combinerMetrics),
        (partials, headMetrics) -> {
          List<Attachment> head = new ArrayList<>();
          wire(global.input(), nodes, (Operator) partials, headMetrics, head, boundary);
          return head.get(0).chain();
        },
        (o, e) -> consumerFailed(failureOwner.get(), e), owner, barrierListener(owner));
    return shards;
  }

  /** The accumulators of a global aggregate run in two phases: its partial stages and its combiner share them. */
  private static dev.laminar.runtime.aggregate.GroupAccumulatorFactory globalFactory(PlanNode global) {
    return dev.laminar.runtime.codegen.AggregateCompiler.create(
        global instanceof dev.laminar.sql.plan.PaneWindowAggregateNode p ? p.aggregates()
            : ((dev.laminar.sql.plan.WindowAggregateNode) global).aggregates());
  }

  /**
   * The combiner's part of a two-phase plan: the heap TUMBLE or HOP/CUMULATE operator of {@code global} (with the
   * partial stages' {@code factory}) and the nodes after it, into {@code downstream}, registered in {@code combinerMetrics}.
   */
  private dev.laminar.runtime.aggregate.PartialAggregates.Target combinerChain(PlanNode plan, PlanNode global,
      dev.laminar.runtime.aggregate.GroupAccumulatorFactory factory, Operator downstream, PlanMetrics combinerMetrics) {
    List<PlanNode> nodes = plan.nodes();
    Operator op = downstream;
    for (PlanNode n = plan; n != global; n = n.input()) {
      op = n.instantiate(op, config.batchSize(), combinerMetrics);
      if (op instanceof dev.laminar.runtime.Checkpointable c) {
        combinerMetrics.checkpointable(nodeId(nodes, n), c);
      }
    }
    dev.laminar.runtime.aggregate.PartialAggregates.Target aggregate = switch (global) {
      case dev.laminar.sql.plan.WindowAggregateNode w -> new dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator(
          w.sizeMillis(), w.windowStartColumn(), w.keySources(), w.keyColumns(), w.input().schema(), factory,
          w.schema(), config.batchSize(), op, combinerMetrics.lateRowsDropped(),
          dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE);
      case dev.laminar.sql.plan.PaneWindowAggregateNode p -> new dev.laminar.runtime.aggregate.PaneWindowAggregateOperator(p.shape(),
          p.paneMillis(), p.sizeMillis(), p.keySources(), p.keyColumns(), p.input().schema(), factory, p.schema(), config.batchSize(), op,
          combinerMetrics.lateRowsDropped()); // ON WINDOW CLOSE: its default
      default -> throw new IllegalArgumentException("not a global windowed aggregate: " + global.describe());
    };
    combinerMetrics.resource(aggregate);
    combinerMetrics.checkpointable(nodeId(nodes, global), aggregate);
    return aggregate;
  }

  /** Takes down the shards deployed for {@code owner}, if any (after its chains were detached on reactor 0). */
  private void undeployShards(Object owner) {
    List<StreamObject> hidden = hiddenByOwner.remove(owner);
    ShardedPlan shards = shardsByOwner.remove(owner);
    if (shards != null) {
      shards.undeploy();
      if (checkpoints != null && owner instanceof SinkObject sink) {
        checkpoints.shardsGone(sink); // after undeploy: no shard of it takes a barrier any more
      } else if (checkpoints != null && owner instanceof StreamObject stream) {
        checkpoints.streamShardsGone(stream);
      }
    }
    if (hidden != null) { // the parts below a split, after the part above (their chains on reactor 0 left with the owner's)
      boolean checkpointed = false;
      reactor.removeTimers(owner);
      for (StreamObject h : hidden.reversed()) {
        undeployShards(h);
        reactor.execute(() -> releaseState(h.name, h.metrics));
        hiddenStreams.remove(key(h.name));
        checkpointed |= checkpointedHidden.remove(h);
      }
      if (checkpointed) {
        publish(); // a sink's or stream's: dropped under the engine's lock
      }
    }
  }

  /** The shards deployed for {@code owner}, or null when its plan is not sharded. */
  ShardedPlan shards(Object owner) {
    return shardsByOwner.get(owner);
  }

  /** Routing and queue figures of a sink's or subscription's shards, or null when it is not sharded (for DESCRIBE). */
  String shardMetrics(Object owner) {
    ShardedPlan shards = shardsByOwner.get(owner);
    if (shards == null) {
      return null;
    }
    StringBuilder figures = new StringBuilder(shards.describe());
    for (StreamObject h : hiddenByOwner.getOrDefault(owner, List.of())) { // the parts below a split
      figures.append("; below, as hidden stream ").append(h.name).append(": ").append(shardMetrics(h));
    }
    return figures.toString();
  }

  /** A single chain (a plan over one input, e.g. a point query over a view). */
  private Operator instantiateSingle(PlanNode plan, Operator downstream, PlanMetrics metrics) {
    List<Attachment> chains = instantiate(plan, downstream, metrics);
    if (chains.size() != 1) {
      throw new SqlPlanningException("this query reads " + chains.size() + " inputs; it must read one");
    }
    return chains.get(0).chain();
  }

  // ------------------------------------------------------------------ CREATE SINK

  /** {@code CREATE SINK name FROM input} when {@code query} is null, else {@code CREATE SINK name AS query}. */
  public synchronized void createSink(String name, String input, PlannedQuery query, String connectorId, Map<String, String> options, String ddl) {
    checkFree(name);
    List<String> inputNames = query != null ? PlanMetrics.inputsOf(query.plan()) : List.of(input);
    String inputName = String.join(", ", inputNames);
    // the first input with rows (a lookup table a query joins is an input, but no stream): a query's plan checks its own
    CatalogObject source = readable(inputNames.stream().filter(n -> !(objects.get(key(n)) instanceof LookupTableObject)).findFirst()
        .orElse(inputNames.get(0)));
    Schema schema = query != null ? query.plan().schema() : source.schema;
    ConnectorRegistry.Entry entry = connectors.resolve(connectorId, ConnectorKind.SINK);
    Map<String, String> connectorOptions = new java.util.LinkedHashMap<>(options);
    String guarantee = DeliveryGuarantee.take(connectorOptions, entry.factory().id(), entry.factory().options());
    ConnectorOptions validated = ConnectorOptions.validate(entry.factory().id(), entry.factory().options(), connectorOptions);
    SinkConnector connector = withLoader(entry.classLoader(), () -> entry.factory().createSink(context(name, schema, validated, null)));
    boolean changelog = query != null ? query.plan().changelog() : source instanceof StreamObject st && st.isChangelog();
    if (changelog && !connector.capabilities().contains(dev.laminar.sdk.sink.SinkCapability.ACCEPTS_CHANGELOG)) {
      closeQuietly(connector, name);
      throw new SqlPlanningException("sink '" + name + "' (connector '" + entry.factory().id() + "') is append-only, but '" + inputName
          + "' is a changelog (EMIT ON UPDATE / CHANGES): use a sink that accepts changelogs, or EMIT ON WINDOW CLOSE");
    }
    try {
      List<CatalogObject> upstream = upstreamOf(inputNames);
      DeliveryGuarantee.check(guarantee, name, entry.factory().id(), connector.capabilities(),
          connector instanceof dev.laminar.connector.memory.MemorySink, checkpoints != null, upstream, () -> {
        CheckpointCoordinator.refuseStatefulPipelines(upstream);
        if (query != null) {
          CheckpointCoordinator.refusePlan("sink", name, query);
        }
      });
    } catch (RuntimeException e) {
      closeQuietly(connector, name);
      throw e;
    }
    SinkObject[] holder = new SinkObject[1];
    SinkObject sink = new SinkObject(name, schema, ddl, inputNames, query, entry.factory().id(), validated, connector, entry.origin(),
        entry.pluginId(), withLoader(entry.classLoader(), connector::createWriter), config.queueBatches(), config.batchSize(),
        t -> objectFailed(holder[0], t), checkpoints);
    holder[0] = sink;
    sink.metrics.onAsyncFailure(e -> consumerFailed(sink, e));
    List<Attachment> chains = query != null ? instantiateToEdge(query.plan(), sink.edge, sink.metrics, sink, () -> sink)
        : List.of(new Attachment(source, sink.edge));
    restoreState(name, sink.metrics);
    objects.put(key(name), sink);
    publish();
    reactor.addTimers(sink.metrics.timers(), sink);
    sink.runner.start(entry.classLoader());
    reactor.execute(() -> attach(chains, sink));
    for (String in : inputNames) {
      startSourcesOf(in);
    }
  }

  /** Every object {@code names} read, transitively (each once). */
  private List<CatalogObject> upstreamOf(List<String> names) {
    java.util.LinkedHashSet<CatalogObject> out = new java.util.LinkedHashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(names);
    while (!todo.isEmpty()) {
      CatalogObject o = objects.get(key(todo.pop()));
      if (o != null && out.add(o)) {
        todo.addAll(o.inputs());
      }
    }
    return List.copyOf(out);
  }

  // ------------------------------------------------------------------ subscriptions and queries

  /** Subscribes to a source or stream; {@code listener} null means the application polls. */
  public synchronized Subscription subscribe(String name, RowListener listener) {
    CatalogObject source = readable(name);
    return attachSubscription(source, null, listener);
  }

  /** Whether {@code name} is a materialized view. */
  public synchronized boolean isView(String name) {
    return objects.get(key(name)) instanceof StreamObject st && st.table != null;
  }

  /**
   * A point query: runs {@code query} once over the current contents of the materialized view it
   * reads and returns the rows (windows over the contents close at the end of the snapshot).
   */
  public List<dev.laminar.sdk.row.Row> queryView(PlannedQuery query) {
    StreamObject view;
    synchronized (this) {
      view = (StreamObject) objects.get(key(query.plan().scan().streamName()));
    }
    List<ViewTable.Entry> snapshot = reactor.submit(view.table::snapshot).join();
    List<dev.laminar.sdk.row.Row> out = new ArrayList<>();
    Operator collector = new Operator() {
      @Override
      public void process(ColumnarBatch batch) {
        for (int r = 0; r < batch.size(); r++) {
          out.add(batch.toRow(r));
        }
      }

      @Override
      public void onWatermark(long watermark) {}

      @Override
      public void onEndOfInput() {}
    };
    Operator chain = instantiateSingle(query.plan(), collector, new PlanMetrics());
    ColumnarBatch batch = new ColumnarBatch(view.schema, config.batchSize());
    for (ViewTable.Entry e : snapshot) {
      if (batch.isFull()) {
        chain.process(batch);
        batch.clear();
      }
      batch.beginRow();
      for (int c = 0; c < view.schema.size(); c++) {
        batch.setObject(c, e.row().get(c));
      }
      batch.setRowtime(batch.size(), e.rowtime());
      batch.endRow();
    }
    if (batch.size() > 0) {
      chain.process(batch);
    }
    chain.onWatermark(Long.MAX_VALUE);
    chain.onEndOfInput();
    return out;
  }

  /** Rows a materialized view holds now. */
  public long viewSize(String name) {
    StreamObject view;
    synchronized (this) {
      view = (StreamObject) objects.get(key(name));
    }
    return reactor.submit(view.table::size).join();
  }

  /** Runs a continuous SELECT and returns its rows as a subscription (closing it stops the query). */
  public synchronized Subscription query(PlannedQuery query, RowListener listener) {
    return attachSubscription(null, query, listener);
  }

  /** Attaches a subscription to {@code source} (no query) or to the inputs of {@code query}. */
  private Subscription attachSubscription(CatalogObject source, PlannedQuery query, RowListener listener) {
    Schema schema = query != null ? query.plan().schema() : source.schema;
    OutputEdge edge = new OutputEdge(schema, config.queueBatches(), config.batchSize());
    Object owner = new Object();
    SubscriptionImpl[] holder = new SubscriptionImpl[1];
    PlanMetrics metrics = new PlanMetrics();
    List<Attachment> chains = query != null ? instantiateToEdge(query.plan(), edge, metrics, owner, () -> new SubscriptionOwner(holder[0], owner))
        : List.of(new Attachment(source, edge));
    SubscriptionImpl sub = new SubscriptionImpl(schema, edge, listener, () -> {
      reactor.execute(() -> {
        for (Attachment a : chains) {
          a.input().node().detachWhere(o -> o instanceof SubscriptionOwner so && so.owner() == owner);
        }
        releaseState("a subscription", metrics);
      });
      undeployShards(owner);
      subscriptions.remove(holder[0]);
    });
    holder[0] = sub;
    metrics.onAsyncFailure(e -> {
      failures.add("subscription failed: " + e); // recorded before the subscriber is woken by the failure
      sub.fail(e);
    });
    subscriptions.add(sub);
    sub.start();
    reactor.execute(() -> attach(chains, new SubscriptionOwner(sub, owner)));
    for (Attachment a : chains) {
      startSourcesOf(a.input().name);
    }
    return sub;
  }

  /** Owner tag of a subscription's chain; detaching uses the inner owner. */
  private record SubscriptionOwner(SubscriptionImpl subscription, Object owner) {}

  private void consumerFailed(Object owner, RuntimeException e) {
    if (owner instanceof CatalogObject o) {
      objectFailed(o, e);
    } else if (owner instanceof SubscriptionOwner s) {
      failures.add("subscription failed: " + e); // recorded before the subscriber is woken by the failure
      s.subscription().fail(e);
    }
  }

  private void objectFailed(CatalogObject o, Throwable t) {
    if (o == null) {
      return;
    }
    String origin = o instanceof SourceObject src ? " (" + src.origin + ")" : o instanceof SinkObject snk ? " (" + snk.origin + ")" : "";
    String message = o.kind().displayName() + " '" + o.name + "'" + origin + " failed: " + t;
    LOG.error(message);
    failures.add(message); // recorded before whoever waits on the object sees it fail
    o.fail(t);
    if (o instanceof SinkObject s) {
      s.edge.consumerClosed();
    }
  }

  /** Failures so far, one line each, naming the object. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  // ------------------------------------------------------------------ starting sources

  /** Starts every not-yet-started source that {@code name} reads, transitively. */
  private void startSourcesOf(String name) {
    CatalogObject o = objects.get(key(name));
    if (o instanceof SourceObject s) {
      if (restoringCatalog) {
        deferredStarts.add(s); // every reader of it must be attached before it produces a row
      } else if (!s.started) {
        start(s);
      }
    } else if (o != null) {
      for (String in : o.inputs()) {
        startSourcesOf(in);
      }
    }
  }

  /**
   * Held while a source registers its channels and is marked started, and by a checkpoint while it lists the
   * running splits and registers its alignment on reactor 0: so every channel that can deliver rows before the
   * barrier belongs to a split the barrier asks for its position. A source starting later has its channels held
   * until the alignment ends ({@link Reactor#addChannel}): none of its rows is in that checkpoint's state.
   */
  private final Object sourceStarts = new Object();

  /** See {@link #sourceStarts}. */
  Object sourceStartLock() {
    return sourceStarts;
  }

  private void start(SourceObject s) {
    List<SourceSplit> splits = withLoader(s.connectorLoader, s.connector::discoverSplits);
    synchronized (sourceStarts) {
      register(s, splits);
    }
    for (SourceRunner r : s.runners) {
      r.start(s.connectorLoader);
    }
  }

  /** Registers the channels and runners of {@code s}'s splits and marks it started (under {@link #sourceStarts}). */
  private void register(SourceObject s, List<SourceSplit> splits) {
    s.splits = splits.size();
    SourceInput input = new SourceInput(s.node, Math.max(1, splits.size()));
    if (splits.isEmpty()) {
      reactor.execute(() -> {
        s.node.onWatermark(Long.MAX_VALUE);
        s.node.onEndOfInput();
      });
    }
    for (int i = 0; i < splits.size(); i++) {
      s.splitIds.add(splits.get(i).id());
      s.channels.add(reactor.addChannel(input, i, config.queueBatches() + 1));
      String splitId = splits.get(i).id();
      byte[] position = checkpoints == null ? null : checkpoints.recoveredPosition(s.name, splitId);
      long watermark = checkpoints == null ? ColumnarBatch.NO_TIME : checkpoints.recoveredWatermark(s.name, splitId);
      s.runners.add(splitRunner(s, i, splits.get(i), position, watermark));
    }
    // started before any reader runs: a checkpoint from now on asks every split for its position (a runner not
    // yet started answers once it has opened its reader), so no row reaches a consumer uncovered by a position
    s.started = true;
  }

  /** Creates and starts the reader of split {@code i}, restored from {@code position} when not null. */
  /** A runner for split {@code i} of {@code s}, not started yet ({@link SourceRunner#start}). */
  private SourceRunner splitRunner(SourceObject s, int i, SourceSplit split, byte[] position, long watermark) {
    SourceReader reader = withLoader(s.connectorLoader, () -> s.connector.createReader(split));
    BatchPool pool = new BatchPool(s.schema, config.queueBatches(), config.batchSize());
    SourceRunner runner = new SourceRunner(s.name + "/" + split.id(), reader, pool, s.channels.get(i).queue(), s.rowtimeColumn,
        s.rowtimeColumn < 0 ? null : s.schema.column(s.rowtimeColumn).name(), s.outOfOrdernessMillis,
        t -> objectFailed(s, t), s.finishedSplits::incrementAndGet);
    if (position != null) {
      runner.resumeFrom(position, watermark);
    }
    ClassLoader loader = s.connectorLoader;
    runner.onClosed(() -> checkLeakedThreads(s, loader));
    runner.onPublished(reactor::wake); // the channel's reactor (0) need not sleep out its park
    if (s.connector instanceof dev.laminar.connector.memory.MemorySource memory) {
      memory.onChunkPublished(runner::wake); // nor the runner, when the application pushed rows
    }
    runner.idleTimeout(s.idleTimeout);
    if (s.processingTime) {
      runner.processingTime();
    }
    return runner;
  }

  // ------------------------------------------------------------------ misbehaving plugins

  /** Fails (only) the pipeline whose connector is stuck in a call longer than the configured timeout. */
  private void checkHungCalls() {
    long limit = config.pluginCallTimeout().toNanos();
    for (CatalogObject o : published) {
      if (o.failure() != null) {
        continue;
      }
      if (o instanceof SourceObject s) {
        for (SourceRunner r : List.copyOf(s.runners)) {
          if (r.currentCallNanos() > limit) {
            objectFailed(s, new LaminarException("a call into its reader did not return within " + config.pluginCallTimeout()
                + "; the source is stopped"));
            r.abandon();
          }
        }
      } else if (o instanceof SinkObject k && k.runner.currentCallNanos() > limit) {
        objectFailed(k, new LaminarException("write() did not return within " + config.pluginCallTimeout() + "; the sink is stopped"));
        k.runner.abandon();
      }
    }
  }

  /**
   * After a plugin's reader closed: threads the plugin started (they carry its class loader as
   * context loader) that are still alive once nothing of the plugin runs any more are a leak; the
   * source using it fails with their names.
   */
  private void checkLeakedThreads(SourceObject s, ClassLoader loader) {
    // runs on the source thread, which close() waits for while holding the engine's lock: read the
    // published catalog only, and skip the check when the whole engine is closing
    if (s.pluginId == null || loader == null || closing) {
      return;
    }
    long deadline = System.nanoTime() + 200_000_000L; // threads told to stop in close() get a moment to end
    List<String> leaked;
    do {
      leaked = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.isAlive() && t.getContextClassLoader() == loader && t != Thread.currentThread())
          .filter(t -> !t.getName().startsWith("source-") && !t.getName().startsWith("out-"))
          .map(Thread::getName).sorted().toList();
      if (leaked.isEmpty()) {
        return;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() < deadline);
    boolean pluginStillInUse = published.stream().anyMatch(o -> o != s && o.failure() == null
        && (o instanceof SourceObject x ? s.pluginId.equals(x.pluginId) && x.status().equals("RUNNING")
            : o instanceof SinkObject k && s.pluginId.equals(k.pluginId) && !k.runner.isDone()));
    boolean ownRunnersOpen = List.copyOf(s.runners).stream().anyMatch(r -> !r.isFinished() && r.currentCallNanos() >= 0
        && s.status().equals("RUNNING"));
    if (!pluginStillInUse && !ownRunnersOpen) {
      objectFailed(s, new LaminarException("the plugin left threads running after its reader was closed: " + leaked));
    }
  }

  // ------------------------------------------------------------------ plugins: install, hot swap, remove

  /** Plugins loaded from the plugins directory. */
  public synchronized List<ConnectorRegistry.PluginInfo> plugins() {
    return connectors.plugins();
  }

  /**
   * Loads a new plugin, from a zip file or, by {@code ID[@VERSION]}, from the configured plugin
   * index; returns "ID VERSION".
   */
  public synchronized String installPlugin(String target) {
    return withResolvedZip(target, this::installPlugin);
  }

  /** Like {@link #updatePlugin(Path)}, from a zip file or, by {@code ID[@VERSION]}, from the configured plugin index. */
  public synchronized String updatePlugin(String target) {
    return withResolvedZip(target, this::updatePlugin);
  }

  private String withResolvedZip(String target, java.util.function.Function<Path, String> action) {
    Path zip;
    try {
      zip = new dev.laminar.plugin.directory.PluginResolver(config.pluginIndex()).resolve(target);
    } catch (dev.laminar.plugin.directory.PluginDirectoryException e) {
      throw new LaminarException(e.getMessage(), e);
    }
    try {
      return action.apply(zip);
    } finally {
      if (dev.laminar.plugin.directory.PluginResolver.isDownloaded(zip)) {
        deleteQuietly(zip);
      }
    }
  }

  /** Loads a new plugin from a zip (copied into the plugins directory); returns "ID VERSION". */
  public synchronized String installPlugin(Path zip) {
    PluginSwap meta = PluginSwap.read(zip);
    if (connectors.hasPlugin(meta.id())) {
      throw new LaminarException("plugin '" + meta.id() + "' is already loaded (" + connectors.describePlugin(meta.id())
          + "); use UPDATE PLUGIN to replace it");
    }
    try {
      connectors.install(zip);
    } catch (IllegalArgumentException e) {
      throw new LaminarException(e.getMessage(), e);
    }
    return meta.id() + " " + meta.version();
  }

  /** Removes a plugin that no source or sink uses. */
  public synchronized void removePlugin(String pluginId) {
    refuseIfFunctionsInUse(pluginId, "remove");
    List<String> users = users(pluginId).stream().map(o -> o.name).toList();
    if (!users.isEmpty()) {
      throw new LaminarException("plugin '" + pluginId + "' is used by " + users + "; drop them first");
    }
    try {
      connectors.uninstall(pluginId);
    } catch (IllegalArgumentException e) {
      throw new LaminarException(e.getMessage(), e);
    }
  }

  /** Streams and sinks whose queries call functions of the plugin: such a plugin cannot be swapped or removed yet. */
  private void refuseIfFunctionsInUse(String pluginId, String action) {
    String origin = connectors.describePlugin(pluginId);
    List<String> callers = objects.values().stream().filter(o -> o instanceof StreamObject st ? st.query.usesFunctionsOf(origin)
        : o instanceof SinkObject k && k.query != null && k.query.usesFunctionsOf(origin)).map(o -> o.name).toList();
    if (!callers.isEmpty()) {
      throw new LaminarException("cannot " + action + " " + origin + ": " + callers + " call its functions; drop them first "
          + "(swapping a plugin's functions under running queries is not supported yet)");
    }
  }

  private List<CatalogObject> users(String pluginId) {
    return objects.values().stream().filter(o -> o instanceof SourceObject s ? pluginId.equals(s.pluginId)
        : o instanceof SinkObject k && pluginId.equals(k.pluginId)).toList();
  }

  /**
   * Replaces a loaded plugin by another version while pipelines use it (hot swap): every source
   * reading through it stops after the batch in hand and records each split's position; every sink
   * writing through it commits what it wrote and stops, leaving queued rows in place; the old plugin
   * is unloaded; the new one is loaded; connectors are recreated from the same options, readers
   * restored from the recorded positions, and writers continue with the queued rows. No row is lost
   * or repeated. If the new version cannot take over (it fails to load, rejects the options, or
   * splits differ), the old version is put back and the pipelines resume on it.
   *
   * @return "ID OLD_VERSION -> NEW_VERSION"
   */
  public synchronized String updatePlugin(Path zip) {
    PluginSwap meta = PluginSwap.read(zip);
    if (!connectors.hasPlugin(meta.id())) {
      throw new LaminarException("plugin '" + meta.id() + "' is not loaded; use INSTALL PLUGIN");
    }
    String before = connectors.describePlugin(meta.id());
    refuseIfFunctionsInUse(meta.id(), "update");
    Path backup = backupOf(meta.id());
    // sinks that already received the end of their input keep their finished writer
    List<CatalogObject> users = users(meta.id()).stream()
        .filter(o -> !(o instanceof SinkObject k && (k.runner.reachedEnd() || k.runner.isDone()))).toList();
    List<SinkObject> sinks = users.stream().filter(SinkObject.class::isInstance).map(SinkObject.class::cast).toList();
    if (checkpoints != null && !sinks.isEmpty() && checkpoints.possible()) {
      // the sinks commit only at checkpoints: end their epoch with one, so the old writers commit
      // exactly what a durable manifest covers and the new writers start the next epoch
      try {
        checkpoints.checkpointAndHold(sinks);
      } catch (RuntimeException e) {
        throw new LaminarException("cannot update plugin '" + meta.id() + "': the checkpoint that ends the epoch of its sinks "
            + sinks.stream().map(k -> "'" + k.name + "'").toList() + " failed: " + e.getMessage(), e);
      }
    }
    java.util.Map<SourceObject, SourcePause> paused = new java.util.LinkedHashMap<>();
    for (CatalogObject o : users) {
      if (o instanceof SourceObject s && s.started) {
        paused.put(s, pause(s));
      }
    }
    for (SinkObject k : sinks) {
      k.runner.handOff(10_000);
    }
    releaseConnectors(users);
    connectors.uninstall(meta.id());
    try {
      connectors.install(zip);
      resume(users, paused);
    } catch (RuntimeException e) {
      LOG.warn("update of {} failed, restoring {}: {}", meta.id(), before, e.getMessage());
      releaseConnectors(users);
      if (connectors.hasPlugin(meta.id())) {
        connectors.uninstall(meta.id());
      }
      connectors.install(backup);
      resume(users, paused);
      throw new LaminarException("cannot update plugin '" + meta.id() + "' to " + meta.version() + ": " + e.getMessage()
          + "; " + before + " is back in place", e);
    } finally {
      deleteQuietly(backup);
    }
    return meta.id() + " " + before.substring(before.lastIndexOf(' ') + 1) + " -> " + meta.version();
  }

  /**
   * Positions and watermarks of the splits of a paused source; {@code ended[i]} not null: split i is not read
   * again (it finished, or failed), and that runner stands for it ({@link SourceRunner#ended}).
   */
  private record SourcePause(byte[][] positions, long[] watermarks, SourceRunner[] ended) {}

  private SourcePause pause(SourceObject s) {
    int n = s.runners.size();
    SourcePause p = new SourcePause(new byte[n][], new long[n], new SourceRunner[n]);
    for (int i = 0; i < n; i++) {
      SourceRunner r = s.runners.get(i);
      p.positions()[i] = r.pause();
      s.rowsReadBefore += r.rowsRead();
      p.watermarks()[i] = r.watermark();
      if (r.isFinished() || p.positions()[i] == null) {
        p.ended()[i] = r.ended();
      }
    }
    return p;
  }

  /** Closes the connectors of the users and drops every reference into the plugin's classes. */
  private void releaseConnectors(List<CatalogObject> users) {
    for (CatalogObject o : users) {
      if (o instanceof SourceObject s) {
        if (s.connector != null) {
          closeQuietly(s.connector, s.name);
        }
        s.connector = null;
        s.connectorLoader = null;
        s.runners.clear();
      } else if (o instanceof SinkObject k) {
        if (k.connector != null) {
          closeQuietly(k.connector, k.name);
        }
        k.connector = null;
      }
    }
  }

  /** Recreates the users' connectors from the (new) plugin and restarts them where they stopped. */
  private void resume(List<CatalogObject> users, java.util.Map<SourceObject, SourcePause> paused) {
    for (CatalogObject o : users) {
      if (o instanceof SourceObject s) {
        ConnectorRegistry.Entry entry = connectors.resolve(s.connectorId, ConnectorKind.SOURCE);
        ConnectorOptions options = ConnectorOptions.validate(entry.factory().id(), entry.factory().options(), s.options.raw());
        s.connector = withLoader(entry.classLoader(), () -> entry.factory().createSource(
            context(s.name, s.schema, options, s.rowtimeColumn < 0 ? null : s.schema.column(s.rowtimeColumn).name())));
        s.connectorLoader = entry.classLoader();
        s.origin = entry.origin();
        SourcePause p = paused.get(s);
        if (p == null) {
          continue; // not started yet: it starts with its first consumer
        }
        List<SourceSplit> splits = withLoader(s.connectorLoader, s.connector::discoverSplits);
        List<String> ids = splits.stream().map(SourceSplit::id).toList();
        if (!ids.equals(s.splitIds)) {
          throw new LaminarException("source '" + s.name + "' has splits " + s.splitIds + " but the new version reports " + ids);
        }
        s.runners.clear();
        for (int i = 0; i < splits.size(); i++) {
          if (p.ended()[i] != null) {
            s.runners.add(p.ended()[i]); // nothing more to read; a checkpoint still records where the split ended
          } else {
            SourceRunner runner = splitRunner(s, i, splits.get(i), p.positions()[i], p.watermarks()[i]);
            s.runners.add(runner);
            runner.start(s.connectorLoader);
          }
        }
      } else if (o instanceof SinkObject k) {
        ConnectorRegistry.Entry entry = connectors.resolve(k.connectorId, ConnectorKind.SINK);
        ConnectorOptions options = ConnectorOptions.validate(entry.factory().id(), entry.factory().options(), k.options.raw());
        k.connector = withLoader(entry.classLoader(), () -> entry.factory().createSink(context(k.name, k.schema, options, null)));
        k.origin = entry.origin();
        SinkObject.Runner runner = new SinkObject.Runner("sink-" + k.name, k.edge, withLoader(entry.classLoader(), k.connector::createWriter),
            t -> objectFailed(k, t), checkpoints, k);
        k.runner = runner;
        runner.start(entry.classLoader());
      }
    }
  }

  private Path backupOf(String pluginId) {
    Path path = connectors.plugins().stream().filter(p -> p.id().equals(pluginId)).findFirst().orElseThrow().path();
    Path zip = path.getFileName().toString().endsWith(".zip") ? path : path.resolveSibling(path.getFileName() + ".zip");
    if (!java.nio.file.Files.isRegularFile(zip)) {
      throw new LaminarException("plugin '" + pluginId + "' was not loaded from a zip (" + path + "); only zip plugins can be updated");
    }
    try {
      Path backup = java.nio.file.Files.createTempDirectory("laminar-plugin-backup").resolve(zip.getFileName());
      java.nio.file.Files.copy(zip, backup);
      return backup;
    } catch (java.io.IOException e) {
      throw new LaminarException("cannot back up " + zip + " before the update: " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      java.nio.file.Files.deleteIfExists(file);
      java.nio.file.Files.deleteIfExists(file.getParent());
    } catch (java.io.IOException e) {
      LOG.debug("could not delete {}", file, e);
    }
  }

  // ------------------------------------------------------------------ DROP

  /** Drops an object; with {@code cascade}, first everything that reads it. */
  public synchronized List<String> drop(CatalogObject.Kind kind, String name, boolean ifExists, boolean cascade) {
    CatalogObject o = objects.get(key(name));
    if (o == null || o.kind() != kind) {
      if (ifExists && o == null) {
        return List.of();
      }
      throw new SqlPlanningException(o == null ? "no " + kind.displayName() + " named '" + name + "'"
          : "'" + name + "' is a " + o.kind().displayName() + ", not a " + kind.displayName());
    }
    List<CatalogObject> sideStreams = objects.values().stream()
        .filter(d -> d instanceof StreamObject st && st.sideOf != null && st.sideOf.equalsIgnoreCase(o.name)).toList();
    if (o instanceof StreamObject st && st.sideOf != null) {
      throw new SqlPlanningException("stream '" + o.name + "' carries the late rows of stream '" + st.sideOf + "'; it is dropped with it");
    }
    List<CatalogObject> dependents = objects.values().stream().filter(d -> !sideStreams.contains(d))
        .filter(d -> d.inputs().stream().anyMatch(i -> i.equalsIgnoreCase(o.name))).toList();
    List<String> dropped = new ArrayList<>();
    if (!dependents.isEmpty()) {
      if (!cascade) {
        throw new SqlPlanningException("cannot drop " + kind.displayName() + " '" + o.name + "': "
            + dependents.stream().map(d -> d.kind().displayName() + " '" + d.name + "'").toList()
            + " read(s) it; drop those first or use DROP ... CASCADE");
      }
      for (CatalogObject d : dependents) {
        dropped.addAll(drop(d.kind(), d.name, true, true));
      }
    }
    for (CatalogObject side : sideStreams) {
      List<CatalogObject> readers = objects.values().stream().filter(d -> d.inputs().stream().anyMatch(i -> i.equalsIgnoreCase(side.name))).toList();
      if (!readers.isEmpty() && !cascade) {
        throw new SqlPlanningException("cannot drop " + kind.displayName() + " '" + o.name + "': its late-data stream '"
            + side.name + "' is read by " + readers.stream().map(d -> d.name).toList() + "; drop those first or use DROP ... CASCADE");
      }
      for (CatalogObject d : readers) {
        dropped.addAll(drop(d.kind(), d.name, true, true));
      }
    }
    stop(o);
    if (o instanceof SourceObject src && src.connector instanceof dev.laminar.connector.memory.MemorySource memory) {
      try {
        memory.deleteLog();
      } catch (java.io.IOException e) {
        LOG.warn("source '{}' dropped, but its write-ahead log could not be deleted (a new source of this name deletes it): {}", o.name,
            e.getMessage());
      }
    }
    objects.remove(key(o.name));
    publish();
    for (CatalogObject side : sideStreams) {
      objects.remove(key(side.name));
      publish();
      dropped.add(side.name);
    }
    dropped.add(o.name);
    return dropped;
  }

  private void stop(CatalogObject o) {
    switch (o) {
      case SinkObject s -> {
        reactor.execute(() -> {
          s.inputs().forEach(in -> readableNode(in).ifPresent(n -> n.detach(s)));
          releaseState(s.name, s.metrics);
        });
        reactor.removeTimers(s);
        s.edge.consumerClosed();
        undeployShards(s);
        s.runner.stop(10_000);
        closeQuietly(s.connector, s.name);
      }
      case StreamObject st -> {
        reactor.execute(() -> {
          st.inputs().forEach(in -> readableNode(in).ifPresent(n -> n.detach(st)));
          releaseState(st.name, st.metrics);
        });
        reactor.removeTimers(st);
        undeployShards(st);
      }
      case LookupTableObject lt -> lt.close();
      case SourceObject src -> {
        for (SourceRunner r : src.runners) {
          r.stop();
        }
        closeQuietly(src.connector, src.name);
      }
    }
  }

  /** Reactor thread, after the plan's operators were detached: frees their off-heap state. */
  private static void releaseState(String owner, PlanMetrics metrics) {
    try {
      metrics.closeResources();
    } catch (RuntimeException e) {
      LOG.warn("'{}': {}", owner, e.getMessage(), e);
    }
  }

  private java.util.Optional<StreamNode> readableNode(String name) {
    CatalogObject o = lookup(name);
    return o == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(o.node());
  }

  private static void closeQuietly(AutoCloseable c, String name) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing {} failed", name, e);
    }
  }

  // ------------------------------------------------------------------ completion and shutdown

  /**
   * Waits until every sink and subscription has received the end of its input (all bounded sources
   * finished), or an object failed; false on timeout.
   */
  public boolean awaitCompletion(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!failures.isEmpty() || isComplete()) {
        return true;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
    return false;
  }

  private boolean isComplete() {
    List<CatalogObject> all = all();
    boolean any = false;
    for (CatalogObject o : all) {
      if (o instanceof SinkObject s) {
        any = true;
        if (!s.runner.reachedEnd() && s.failure() == null) {
          return false;
        }
      }
    }
    for (SubscriptionImpl s : subscriptions) {
      any = true;
      if (!s.isFinished()) {
        return false;
      }
    }
    return any;
  }

  /** Whether every source is bounded (so {@link #awaitCompletion} can succeed). */
  public synchronized boolean allSourcesBounded() {
    return objects.values().stream().filter(o -> o instanceof SourceObject)
        .allMatch(o -> ((SourceObject) o).connector.isBounded());
  }

  @Override
  public void close() {
    closing = true;
    // never while the catalog is half restored (a failed open): that checkpoint would lack the state not restored yet
    if (catalogRestored && checkpoints != null && checkpoints.possible()
        && published.stream().anyMatch(o -> o instanceof SinkObject k && !k.runner.endArrived())) {
      try {
        checkpoints.checkpoint(); // a clean shutdown commits what the sinks have and records where the sources are
      } catch (RuntimeException e) {
        LOG.warn("final checkpoint at close failed: {}", e.getMessage());
      }
    }
    closeLocked();
  }

  private synchronized void closeLocked() {
    // first let the reactor stop waiting on any consumer, so the detach commands below can run
    for (SubscriptionImpl s : subscriptions) {
      s.releaseBackpressure();
    }
    for (CatalogObject o : objects.values()) {
      if (o instanceof SinkObject s) {
        s.edge.consumerClosed();
      }
    }
    for (SubscriptionImpl s : List.copyOf(subscriptions)) {
      s.close();
    }
    List<CatalogObject> reversed = new ArrayList<>(objects.values());
    java.util.Collections.reverse(reversed);
    for (CatalogObject o : reversed) {
      if (o instanceof SourceObject) {
        stop(o);
      }
    }
    for (CatalogObject o : reversed) {
      if (!(o instanceof SourceObject)) {
        stop(o);
      }
    }
    objects.clear();
    publish();
    watchdog.shutdownNow();
    for (Reactor r : reactors) {
      r.close(); // reactor 0 first: its routers may wait for the shards, never the other way round
    }
    if (pinning != null) {
      pinning.release();
    }
    if (checkpoints != null) {
      checkpoints.close(); // the background state compactor
    }
    connectors.close();
  }

  /** The checkpoint coordinator, or null without a data directory (tests in this package). */
  CheckpointCoordinator checkpointCoordinator() {
    return checkpoints;
  }

  /** The connector object of a source, for the embedded API (e.g. the memory source's writer). */
  public synchronized Object sourceConnector(String name) {
    CatalogObject o = objects.get(key(name));
    if (!(o instanceof SourceObject s)) {
      throw new LaminarException("no source named '" + name + "'");
    }
    return s.connector;
  }

  /** The connector object of a sink, for the embedded API (e.g. the memory sink's rows). */
  public synchronized Object sinkConnector(String name) {
    CatalogObject o = objects.get(key(name));
    if (!(o instanceof SinkObject s)) {
      throw new LaminarException("no sink named '" + name + "'");
    }
    return s.connector;
  }

  /** The CREATE statements of every object, in creation order (what the data directory keeps). */
  public synchronized List<String> catalogDdl() {
    return objects.values().stream().map(o -> o.ddl).filter(java.util.Objects::nonNull).toList();
  }
}
