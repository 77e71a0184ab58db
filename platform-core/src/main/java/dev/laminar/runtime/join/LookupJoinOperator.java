package dev.laminar.runtime.join;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Enriches each row with the rows a lookup table holds for its key. Keys found in the operator's
 * cache (size-bounded, LRU, entries expire after a TTL; misses are cached too) are joined at once;
 * the others are looked up in one batched, asynchronous call per input batch, off the reactor, and
 * the batch waits — with the rows and watermarks behind it, so output order and event time are
 * kept — until the answer comes back to the reactor. When more than {@code maxPendingRows} rows
 * wait, the reactor waits for the oldest lookup (backpressure, like a full output queue).
 *
 * <p>INNER drops rows whose key is absent (or has a NULL component); LEFT pads them with NULLs.
 * A lookup that still fails after the client's retries follows the failure policy: fail the
 * pipeline, skip the rows (counted), or join them as if nothing matched (counted).
 */
public final class LookupJoinOperator implements Operator, dev.laminar.runtime.Checkpointable {
  /** What to do with rows whose lookup failed after every retry. */
  public enum OnFailure { FAIL, SKIP, NULL }

  private final Function<List<Row>, CompletableFuture<List<List<Row>>>> lookup;
  private final String tableName;
  private final boolean leftOuter;
  private final int[] keyColumns;
  private final StoredRow.Layout inputLayout;
  private final int inputWidth;
  private final int lookupWidth;
  private final BatchEmitter emitter;
  private final Executor reactor;
  private final Consumer<RuntimeException> onAsyncFailure;
  private final OnFailure onFailure;
  private final Counter failedRows;
  private final int maxCacheRows;
  private final long ttlNanos;
  private final int maxPendingRows;
  private final long waitTimeoutMillis;
  private final LinkedHashMap<List<Object>, Cached> cache;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /** Keys being looked up, by the batch that asked (so later batches do not ask again). */
  private final java.util.HashMap<List<Object>, Pending> inFlight = new java.util.HashMap<>();
  private int pendingRows;
  private long heldWatermark = ColumnarBatch.NO_TIME;
  private boolean endHeld;
  private boolean failed;

  private record Cached(List<Row> rows, long expiresAt) {}

  /** One input batch waiting for its lookups. */
  private static final class Pending {
    final List<StoredRow> rows = new ArrayList<>();
    final List<List<Object>> keys = new ArrayList<>();
    final Map<List<Object>, List<Row>> answers = new java.util.HashMap<>();
    /** Keys an earlier batch is already looking up: their answers come from it (it is drained first). */
    final Map<List<Object>, Pending> borrowed = new java.util.HashMap<>();
    CompletableFuture<List<List<Row>>> future;
    List<List<Object>> asked;
    boolean complete;
    Throwable error;
  }

  public LookupJoinOperator(String tableName, Function<List<Row>, CompletableFuture<List<List<Row>>>> lookup, boolean leftOuter,
      Schema inputSchema, int[] keyColumns, int lookupWidth, Schema outputSchema, int batchCapacity, Operator downstream, Executor reactor,
      Consumer<RuntimeException> onAsyncFailure, OnFailure onFailure, Counter failedRows, int maxCacheRows, long ttlMillis,
      int maxPendingRows, long waitTimeoutMillis) {
    this.tableName = tableName;
    this.lookup = lookup;
    this.leftOuter = leftOuter;
    this.keyColumns = keyColumns.clone();
    this.inputLayout = new StoredRow.Layout(inputSchema);
    this.inputWidth = inputSchema.size();
    this.lookupWidth = lookupWidth;
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.reactor = reactor;
    this.onAsyncFailure = onAsyncFailure;
    this.onFailure = onFailure;
    this.failedRows = failedRows;
    this.maxCacheRows = maxCacheRows;
    this.ttlNanos = TimeUnit.MILLISECONDS.toNanos(ttlMillis);
    this.maxPendingRows = maxPendingRows;
    this.waitTimeoutMillis = waitTimeoutMillis;
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<List<Object>, Cached> eldest) {
        return size() > LookupJoinOperator.this.maxCacheRows;
      }
    };
  }

  private List<Object> key(ColumnarBatch in, int row) {
    Object[] k = new Object[keyColumns.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = in.getObject(row, keyColumns[i]);
      if (k[i] == null) {
        return null; // a NULL component matches nothing
      }
    }
    return Arrays.asList(k);
  }

  private List<Row> cached(List<Object> key, long now) {
    Cached c = cache.get(key);
    if (c == null) {
      return null;
    }
    if (now - c.expiresAt() > 0) {
      cache.remove(key);
      return null;
    }
    return c.rows();
  }

  @Override
  public void process(ColumnarBatch in) {
    if (failed) {
      return;
    }
    long now = System.nanoTime();
    int n = in.size();
    if (pending.isEmpty()) {
      boolean allCached = true;
      for (int r = 0; r < n && allCached; r++) {
        List<Object> k = key(in, r);
        allCached = k == null || cached(k, now) != null;
      }
      if (allCached) {
        for (int r = 0; r < n; r++) {
          List<Object> k = key(in, r);
          emit(in, r, k == null ? List.of() : cached(k, now));
        }
        emitter.flush();
        return;
      }
    }
    Pending p = new Pending();
    LinkedHashMap<List<Object>, Boolean> missing = new LinkedHashMap<>();
    for (int r = 0; r < n; r++) {
      List<Object> k = key(in, r);
      p.rows.add(inputLayout.copy(in, r));
      p.keys.add(k);
      if (k != null) {
        List<Row> hit = cached(k, now);
        Pending asking = hit == null ? inFlight.get(k) : null;
        if (hit != null) {
          p.answers.put(k, hit);
        } else if (asking != null) {
          p.borrowed.put(k, asking);
        } else {
          missing.put(k, Boolean.TRUE);
        }
      }
    }
    pending.add(p);
    pendingRows += n;
    if (missing.isEmpty()) {
      p.complete = true;
    } else {
      p.asked = new ArrayList<>(missing.keySet());
      for (List<Object> k : p.asked) {
        inFlight.put(k, p);
      }
      List<Row> keys = new ArrayList<>(p.asked.size());
      for (List<Object> k : p.asked) {
        keys.add(Row.of(k.toArray()));
      }
      p.future = lookup.apply(keys);
      p.future.whenComplete((result, error) -> reactor.execute(() -> completed(p, result, error)));
    }
    drain();
    while (pendingRows > maxPendingRows && !pending.isEmpty() && !failed) {
      awaitOldest();
    }
  }

  /** Backpressure: waits on the reactor for the oldest lookup, then applies it. */
  private void awaitOldest() {
    Pending oldest = pending.peekFirst();
    if (!oldest.complete) {
      try {
        completed(oldest, oldest.future.get(waitTimeoutMillis, TimeUnit.MILLISECONDS), null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        completed(oldest, null, e);
      } catch (java.util.concurrent.ExecutionException e) {
        completed(oldest, null, e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        completed(oldest, null, e);
      }
    } else {
      drain();
    }
  }

  private void completed(Pending p, List<List<Row>> result, Throwable error) {
    if (p.complete || failed) {
      return; // already applied (awaited by backpressure), or the join failed
    }
    p.complete = true;
    for (List<Object> k : p.asked) {
      inFlight.remove(k, p);
    }
    if (error != null) {
      p.error = error;
    } else {
      long expires = System.nanoTime() + ttlNanos;
      for (int i = 0; i < p.asked.size(); i++) {
        List<Row> rows = i < result.size() && result.get(i) != null ? List.copyOf(result.get(i)) : List.of();
        p.answers.put(p.asked.get(i), rows);
        if (maxCacheRows > 0) {
          cache.put(p.asked.get(i), new Cached(rows, expires));
        }
      }
    }
    drain();
  }

  /** Emits every leading batch whose lookups are done, then what was held behind them. */
  private void drain() {
    while (!pending.isEmpty() && pending.peekFirst().complete && !failed) {
      Pending p = pending.pollFirst();
      pendingRows -= p.rows.size();
      if (p.error != null) {
        switch (onFailure) {
          case FAIL -> {
            failed = true;
            RuntimeException e = new IllegalStateException("lookup in table '" + tableName + "' failed for keys " + p.asked
                + " after every retry: " + p.error, p.error);
            onAsyncFailure.accept(e);
            return;
          }
          case SKIP -> {
            failedRows.add(p.rows.size());
            continue;
          }
          case NULL -> failedRows.add(p.rows.size());
        }
      }
      for (int i = 0; i < p.rows.size(); i++) {
        List<Object> k = p.keys.get(i);
        Pending source = k == null ? null : p.borrowed.get(k);
        Throwable error = source != null ? source.error : p.error;
        if (error != null && onFailure == OnFailure.SKIP) {
          continue; // counted with the batch that asked
        }
        List<Row> found = k == null || error != null ? List.of() : (source != null ? source : p).answers.getOrDefault(k, List.of());
        emitStored(p.rows.get(i), found);
      }
    }
    emitter.flush();
    if (pending.isEmpty() && !failed) {
      if (heldWatermark != ColumnarBatch.NO_TIME) {
        long wm = heldWatermark;
        heldWatermark = ColumnarBatch.NO_TIME;
        emitter.downstream().onWatermark(wm);
      }
      if (endHeld) {
        endHeld = false;
        emitter.downstream().onEndOfInput();
      }
    }
  }

  private void emit(ColumnarBatch in, int r, List<Row> found) {
    if (found.isEmpty()) {
      if (leftOuter) {
        int o = emitter.openRow(RowKind.INSERT, in.rowtime(r), in.watermark(r));
        inputLayout.write(in, r, emitter.batch(), o, 0);
        nulls(o);
        emitter.commitRow();
      }
      return;
    }
    for (Row match : found) {
      int o = emitter.openRow(RowKind.INSERT, in.rowtime(r), in.watermark(r));
      inputLayout.write(in, r, emitter.batch(), o, 0);
      values(o, match);
      emitter.commitRow();
    }
  }

  private void emitStored(StoredRow row, List<Row> found) {
    if (found.isEmpty()) {
      if (leftOuter) {
        int o = emitter.openRow(RowKind.INSERT, row.rowtime, ColumnarBatch.NO_TIME);
        inputLayout.write(row, emitter.batch(), o, 0);
        nulls(o);
        emitter.commitRow();
      }
      return;
    }
    for (Row match : found) {
      int o = emitter.openRow(RowKind.INSERT, row.rowtime, ColumnarBatch.NO_TIME);
      inputLayout.write(row, emitter.batch(), o, 0);
      values(o, match);
      emitter.commitRow();
    }
  }

  private void nulls(int o) {
    for (int c = 0; c < lookupWidth; c++) {
      emitter.batch().putNull(o, inputWidth + c);
    }
  }

  private void values(int o, Row match) {
    for (int c = 0; c < lookupWidth; c++) {
      emitter.batch().putBoxed(o, inputWidth + c, c < match.arity() ? match.get(c) : null);
    }
  }

  @Override
  public void onWatermark(long watermark) {
    if (failed) {
      return;
    }
    if (pending.isEmpty()) {
      emitter.downstream().onWatermark(watermark);
    } else {
      heldWatermark = Math.max(heldWatermark, watermark);
    }
  }

  @Override
  public void onEndOfInput() {
    if (failed) {
      return;
    }
    if (pending.isEmpty()) {
      emitter.flush();
      emitter.downstream().onEndOfInput();
    } else {
      endHeld = true;
    }
  }

  /**
   * At a barrier every row before it must be joined (a lookup table is not state to restore): waits for
   * the lookups in flight and emits their rows, so they belong to the epoch before the barrier.
   */
  @Override
  public void snapshot(java.io.DataOutput out) {
    finish();
    if (failed) {
      throw new IllegalStateException("lookup join on table '" + tableName + "' has failed: no checkpoint can include it");
    }
  }

  /** Waits for every lookup in flight and emits its rows (and the watermarks and end held behind them); reactor thread. */
  public void finish() {
    while (!pending.isEmpty() && !failed) {
      awaitOldest();
    }
  }

  @Override
  public void restore(java.io.DataInput in) {
    // nothing: lookups in flight were finished at the barrier, and the cache is rebuilt from the table
  }

  /** Rows waiting for lookups (for tests and metrics). */
  public int pendingRows() {
    return pendingRows;
  }
}
