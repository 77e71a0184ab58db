package dev.laminar.api;

import dev.laminar.durability.wal.SyncPolicy;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of an embedded engine. Build with {@link #builder()}; {@link #defaults()} is an
 * in-memory engine loading plugins from {@code ./plugins} when that folder exists.
 *
 * @param pluginsDirectory folder of PF4J plugin zips/folders, or null for built-in connectors only
 * @param dataDirectory folder where the catalog (every CREATE/DROP) is kept so that reopening restores
 *     sources, streams and sinks; null for a purely in-memory engine
 * @param batchSize rows per batch between threads
 * @param queueBatches batches in flight per queue (bounds memory; the backpressure window)
 * @param connectors connectors the application registers in code, next to the built-ins and plugins
 * @param pluginIndex folder or URL of a plugin index (plugins.json) that {@code INSTALL PLUGIN 'id'} and
 *     {@code UPDATE PLUGIN 'id'} look plugins up in; null for none
 * @param pluginCallTimeout how long a call into a connector (poll, write, open) may take before its
 *     pipeline is failed as hung; the rest of the engine goes on
 * @param functions scalar SQL functions the application registers in code, next to those of plugins
 * @param checkpointInterval how often the engine takes a checkpoint (needs a data directory); null: only
 *     on {@code CHECKPOINT} statements and when pipelines end
 * @param checkpointsRetained how many complete checkpoints are kept in the data directory
 * @param walSyncPolicy when the write-ahead log of rows the application pushes (memory sources, with a data
 *     directory) is forced to the device: {@link SyncPolicy#EVERY_COMMIT} (group commit: a row is durable
 *     once an fdatasync covering it returned), {@link SyncPolicy#INTERVAL} (forced every {@code walSyncInterval}),
 *     {@link SyncPolicy#NONE} (never forced: durable means written to the operating system — it survives a
 *     crash of the process, not of the machine)
 * @param walSyncInterval the force period of {@link SyncPolicy#INTERVAL}
 * @param walSegmentBytes size of a write-ahead log segment file; whole segments are deleted once no retained
 *     checkpoint needs them
 * @param reactors reactor threads that run operator chains; keyed aggregates and joins of sinks, subscriptions and
 *     streams are sharded by key over all of them, global windowed aggregates run in two phases over them
 *     (docs/ARCHITECTURE.md, "Reactors"). Default: the system property
 *     {@code laminar.reactors} (a number, or {@code cores}), else one per available core (at most {@link #MAX_REACTORS})
 * @param pinReactors pin each reactor thread to a CPU of its own (OpenHFT affinity; docs/ARCHITECTURE.md,
 *     "Reactors"): where there are fewer free CPUs than reactors, or the platform cannot pin threads, the
 *     engine pins none and logs one warning saying why. Default: the system property {@code laminar.reactors.pin}
 *     ({@code true} or {@code false}), else false
 */
public record LaminarConfig(Path pluginsDirectory, Path dataDirectory, int batchSize, int queueBatches,
    java.util.List<dev.laminar.sdk.connector.ConnectorFactory> connectors, String pluginIndex,
    java.time.Duration pluginCallTimeout, java.util.List<dev.laminar.sdk.function.ScalarFunction> functions,
    java.time.Duration checkpointInterval, int checkpointsRetained, SyncPolicy walSyncPolicy, java.time.Duration walSyncInterval,
    long walSegmentBytes, int reactors, boolean pinReactors) {
  public LaminarConfig {
    Objects.requireNonNull(walSyncPolicy, "walSyncPolicy is null");
    if (walSyncInterval.toMillis() < 1) {
      throw new IllegalArgumentException("walSyncInterval must be at least 1 ms, was " + walSyncInterval);
    }
    if (walSegmentBytes < 4096 || walSegmentBytes > 1L << 30) {
      throw new IllegalArgumentException("walSegmentBytes must be between 4096 and 1 GiB, was " + walSegmentBytes);
    }
    if (checkpointInterval != null && (checkpointInterval.isNegative() || checkpointInterval.isZero())) {
      throw new IllegalArgumentException("checkpointInterval must be positive, was " + checkpointInterval);
    }
    if (checkpointInterval != null && dataDirectory == null) {
      throw new IllegalArgumentException("checkpointInterval needs a dataDirectory to keep the checkpoints in");
    }
    if (checkpointsRetained < 1) {
      throw new IllegalArgumentException("checkpointsRetained must be >= 1, was " + checkpointsRetained);
    }
    if (pluginCallTimeout.isNegative() || pluginCallTimeout.isZero()) {
      throw new IllegalArgumentException("pluginCallTimeout must be positive, was " + pluginCallTimeout);
    }
    connectors = java.util.List.copyOf(connectors);
    functions = java.util.List.copyOf(functions);
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    if (queueBatches < 1) {
      throw new IllegalArgumentException("queueBatches must be >= 1, was " + queueBatches);
    }
    if (reactors < 1 || reactors > MAX_REACTORS) {
      throw new IllegalArgumentException("reactors must be between 1 and " + MAX_REACTORS + ", was " + reactors);
    }
  }

  /** Upper bound of {@link #reactors()}: more threads than this only contend. */
  public static final int MAX_REACTORS = 256;

  /** Name of the system property that sets the default reactor count. */
  public static final String REACTORS_PROPERTY = "laminar.reactors";

  /** Name of the system property that sets whether reactors are pinned to CPUs by default. */
  public static final String PIN_REACTORS_PROPERTY = "laminar.reactors.pin";

  /** Whether reactors are pinned when the builder is not told: {@value #PIN_REACTORS_PROPERTY}, else false. */
  static boolean defaultPinReactors() {
    String value = System.getProperty(PIN_REACTORS_PROPERTY);
    if (value == null || value.isBlank()) {
      return false;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("system property " + PIN_REACTORS_PROPERTY + " must be 'true' or 'false', was '"
          + value + "'");
    };
  }

  /** The reactor count when the builder is not told: {@value #REACTORS_PROPERTY}, else one per available core. */
  static int defaultReactors() {
    String value = System.getProperty(REACTORS_PROPERTY);
    if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("cores")) {
      return Math.min(MAX_REACTORS, Runtime.getRuntime().availableProcessors());
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("system property " + REACTORS_PROPERTY + " must be a number of reactors or 'cores', was '"
          + value + "'", e);
    }
  }

  public static LaminarConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link LaminarConfig}. */
  public static final class Builder {
    private Path pluginsDirectory = Path.of("plugins");
    private Path dataDirectory;
    private int batchSize = 1024;
    private int queueBatches = 8;
    private final java.util.List<dev.laminar.sdk.connector.ConnectorFactory> connectors = new java.util.ArrayList<>();
    private java.time.Duration pluginCallTimeout = java.time.Duration.ofSeconds(60);
    private String pluginIndex;
    private final java.util.List<dev.laminar.sdk.function.ScalarFunction> functions = new java.util.ArrayList<>();
    private java.time.Duration checkpointInterval;
    private int checkpointsRetained = 3;
    private SyncPolicy walSyncPolicy = SyncPolicy.EVERY_COMMIT;
    private java.time.Duration walSyncInterval = java.time.Duration.ofMillis(10);
    private long walSegmentBytes = 64L << 20;

    private int reactors = defaultReactors();
    private boolean pinReactors = defaultPinReactors();

    private Builder() {}

    /**
     * Reactor threads (default: system property {@value LaminarConfig#REACTORS_PROPERTY}, a number or {@code cores}; else one
     * per available core).
     */
    public Builder reactors(int count) {
      this.reactors = count;
      return this;
    }

    /**
     * Pins each reactor thread to a CPU of its own (default: system property
     * {@value LaminarConfig#PIN_REACTORS_PROPERTY}, {@code true} or {@code false}; else false).
     */
    public Builder pinReactors(boolean pin) {
      this.pinReactors = pin;
      return this;
    }

    /** When the write-ahead log of pushed rows is forced (default EVERY_COMMIT; see {@link LaminarConfig}). */
    public Builder walSyncPolicy(SyncPolicy policy) {
      this.walSyncPolicy = Objects.requireNonNull(policy, "policy is null");
      return this;
    }

    /** The force period of {@link SyncPolicy#INTERVAL} (default 10 ms). */
    public Builder walSyncInterval(java.time.Duration interval) {
      this.walSyncInterval = Objects.requireNonNull(interval, "interval is null");
      return this;
    }

    /** Size of a write-ahead log segment (default 64 MiB). */
    public Builder walSegmentBytes(long bytes) {
      this.walSegmentBytes = bytes;
      return this;
    }

    /** Takes a checkpoint every {@code interval} (needs a data directory); null (the default): only on CHECKPOINT. */
    public Builder checkpointInterval(java.time.Duration interval) {
      this.checkpointInterval = interval;
      return this;
    }

    /** Complete checkpoints kept (default 3). */
    public Builder checkpointsRetained(int count) {
      this.checkpointsRetained = count;
      return this;
    }

    public Builder pluginsDirectory(Path dir) {
      this.pluginsDirectory = dir;
      return this;
    }

    public Builder dataDirectory(Path dir) {
      this.dataDirectory = Objects.requireNonNull(dir, "dir is null");
      return this;
    }

    public Builder batchSize(int rows) {
      this.batchSize = rows;
      return this;
    }

    public Builder queueBatches(int batches) {
      this.queueBatches = batches;
      return this;
    }

    /** Registers a connector written against the SDK in the application itself. */
    public Builder connector(dev.laminar.sdk.connector.ConnectorFactory factory) {
      connectors.add(Objects.requireNonNull(factory, "factory is null"));
      return this;
    }

    /** A folder or URL holding a plugin index (plugins.json) to install and update plugins from by id. */
    public Builder pluginIndex(String location) {
      this.pluginIndex = location;
      return this;
    }

    /** How long one call into a connector may take before its pipeline fails as hung (default 60 s). */
    public Builder pluginCallTimeout(java.time.Duration timeout) {
      this.pluginCallTimeout = Objects.requireNonNull(timeout, "timeout is null");
      return this;
    }

    /** Registers a scalar SQL function written against the SDK in the application itself (callable by its name). */
    public Builder function(dev.laminar.sdk.function.ScalarFunction function) {
      functions.add(Objects.requireNonNull(function, "function is null"));
      return this;
    }

    public LaminarConfig build() {
      return new LaminarConfig(pluginsDirectory, dataDirectory, batchSize, queueBatches, connectors, pluginIndex, pluginCallTimeout,
          functions, checkpointInterval, checkpointsRetained, walSyncPolicy, walSyncInterval, walSegmentBytes, reactors,
          pinReactors);
    }
  }
}
