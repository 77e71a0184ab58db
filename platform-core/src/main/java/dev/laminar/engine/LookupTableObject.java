package dev.laminar.engine;

import dev.laminar.runtime.join.LookupJoinOperator;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A {@code CREATE LOOKUP TABLE}: the connector's {@link LookupTable}, called on the table's own thread
 * (never a reactor), with the engine's retry policy around each batched call.
 */
final class LookupTableObject extends CatalogObject {
  /** Options the engine takes from a lookup table's WITH clause (the rest go to the connector). */
  static final List<OptionSpec> ENGINE_OPTIONS = List.of(
      OptionSpec.builder("lookup.cache.max-rows", OptionType.INT).defaultValue("10000")
          .description("keys each join keeps cached (their rows, or that they are absent); 0 disables the cache").build(),
      OptionSpec.builder("lookup.cache.ttl", OptionType.DURATION).defaultValue("60 s")
          .description("how long a cached key is trusted before it is looked up again").build(),
      OptionSpec.builder("lookup.max-retries", OptionType.INT).defaultValue("3")
          .description("retries of a failed lookup call (backoff 100 ms, doubling) before the failure policy applies").build(),
      OptionSpec.builder("lookup.timeout", OptionType.DURATION).defaultValue("30 s")
          .description("how long one lookup call may take before it counts as failed").build(),
      OptionSpec.builder("lookup.on-failure", OptionType.ENUM).defaultValue("fail").allowedValues("fail", "skip", "null")
          .description("after the retries: fail the pipeline, skip the rows (counted), or join them as unmatched (counted)").build(),
      OptionSpec.builder("lookup.max-pending-rows", OptionType.INT).defaultValue("65536")
          .description("rows a join lets wait for lookups before the pipeline waits (backpressure)").build());

  final LookupTable table;
  final String connectorId;
  final String origin;
  final int cacheRows;
  final long cacheTtlMillis;
  final int maxRetries;
  final long timeoutMillis;
  final LookupJoinOperator.OnFailure onFailure;
  final int maxPendingRows;
  private final ExecutorService executor;

  LookupTableObject(String name, Schema schema, String ddl, LookupTable table, String connectorId, String origin, ClassLoader loader,
      dev.laminar.sdk.connector.ConnectorOptions engineOptions) {
    super(name, schema, ddl);
    this.table = table;
    this.connectorId = connectorId;
    this.origin = origin;
    this.cacheRows = engineOptions.getInt("lookup.cache.max-rows");
    this.cacheTtlMillis = engineOptions.getDuration("lookup.cache.ttl").toMillis();
    this.maxRetries = engineOptions.getInt("lookup.max-retries");
    this.timeoutMillis = engineOptions.getDuration("lookup.timeout").toMillis();
    this.onFailure = LookupJoinOperator.OnFailure.valueOf(engineOptions.getString("lookup.on-failure").toUpperCase(java.util.Locale.ROOT));
    this.maxPendingRows = engineOptions.getInt("lookup.max-pending-rows");
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = Thread.ofPlatform().name("lookup-" + name).daemon(true).unstarted(r);
      t.setContextClassLoader(loader);
      return t;
    });
  }

  /** Column names of the table's key, in the order lookups pass them. */
  List<String> keyColumns() {
    return table.keySchema().columns().stream().map(dev.laminar.sdk.type.Column::name).toList();
  }

  /** Opens the table on its own thread. */
  void open() throws Exception {
    try {
      executor.submit(() -> {
        table.open();
        return null;
      }).get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /** One batched lookup, retried with backoff; completes on the table's thread. */
  CompletableFuture<List<List<Row>>> lookup(List<Row> keys) {
    return attempt(keys, 0);
  }

  private CompletableFuture<List<List<Row>>> attempt(List<Row> keys, int retry) {
    CompletableFuture<List<List<Row>>> call = CompletableFuture.supplyAsync(() -> table.lookup(keys), executor)
        .thenCompose(stage -> stage.toCompletableFuture())
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .thenApply(result -> {
          if (result == null || result.size() != keys.size()) {
            throw new IllegalStateException("lookup table '" + name + "' (connector '" + connectorId + "') answered "
                + (result == null ? "null" : result.size() + " results") + " for " + keys.size() + " keys");
          }
          return result;
        });
    if (retry >= maxRetries) {
      return call;
    }
    return call.exceptionallyCompose(e -> {
      long backoff = 100L << Math.min(retry, 10);
      return CompletableFuture.supplyAsync(() -> keys, CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS, executor))
          .thenCompose(k -> attempt(k, retry + 1));
    });
  }

  void close() {
    executor.execute(() -> {
      try {
        table.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(LookupTableObject.class).warn("lookup table '{}': close failed", name, e);
      }
    });
    executor.shutdown();
  }

  Duration timeout() {
    return Duration.ofMillis(timeoutMillis);
  }

  @Override
  Kind kind() {
    return Kind.LOOKUP_TABLE;
  }

  @Override
  dev.laminar.runtime.StreamNode node() {
    return null;
  }

  @Override
  int rowtimeColumn() {
    return -1;
  }

  @Override
  List<String> inputs() {
    return List.of();
  }

  @Override
  String status() {
    return failure() != null ? "FAILED" : "READY";
  }
}
