package dev.laminar.plugin.kafka;

import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once: one Kafka transaction per epoch. The transaction begins with the first row written
 * after the previous {@code preCommit}; {@code preCommit} flushes it and returns a
 * {@link PreparedTransaction} handle (transactional id, producer id and epoch); {@code commit} commits
 * it and {@code abort} aborts it. Both wait until the transaction markers are written, so on return
 * the epoch's rows are visible to (or gone for) read_committed consumers.
 *
 * <p>Transactional ids are {@code <prefix>-0}, {@code <prefix>-1}, ...: one per transaction in flight
 * (the next epoch's rows can arrive while the previous epoch waits for its checkpoint), reused once
 * their transaction ends. Before its first transaction a writer takes over every id of the prefix
 * that exists on the cluster: initialising a producer with an id fences the predecessor's producer and
 * aborts what it left open (presumed abort). The engine re-drives {@code commit} of checkpointed epochs
 * before writing new rows, so that never aborts an epoch it still commits.
 *
 * <p>A re-driven {@code commit} with a handle of an earlier writer (after a restart) resumes the
 * transaction in a new producer with the handle's id, producer id and epoch (see
 * {@link TransactionalProducer#resume}) and commits it. If Kafka refuses because the transaction was
 * completed before, the writer checks with the cluster that it was committed (a repeated commit) and
 * fails otherwise: an epoch is never silently lost.
 */
final class TransactionalSinkWriter implements SinkWriter {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalSinkWriter.class);
  private static final Duration COMPLETION_TIMEOUT = Duration.ofSeconds(60);
  private static final long POLL_PAUSE_NANOS = 5_000_000L;
  private static final int REMEMBERED_COMMITS = 64;

  private final SinkSettings settings;
  private final AtomicReference<Exception> sendError = new AtomicReference<>();
  private final Callback onSent = (metadata, e) -> {
    if (e != null) {
      sendError.compareAndSet(null, e);
    }
  };
  /** Every producer of this writer by transactional id. */
  private final Map<String, TransactionalProducer> producers = new LinkedHashMap<>();
  /** Producers without a transaction, ready for the next epoch. */
  private final ArrayDeque<TransactionalProducer> idle = new ArrayDeque<>();
  /** Prepared transactions of this writer by epoch. */
  private final Map<Long, TransactionalProducer> prepared = new HashMap<>();
  /** The last transactions this writer committed, oldest first (a repeated commit of one does nothing). */
  private final Set<PreparedTransaction> committed = new LinkedHashSet<>();
  private RecordBuilder records;
  private Admin admin;
  private TransactionalProducer current;
  private boolean tookOverIds;
  private boolean closed;

  TransactionalSinkWriter(SinkSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open() {
    records = new RecordBuilder(settings);
  }

  @Override
  public void write(RowBatch batch) throws Exception {
    checkSends();
    if (batch.size() == 0) {
      return;
    }
    if (current == null) {
      current = nextProducer();
      current.producer().beginTransaction();
    }
    final var p = current.producer();
    for (int row = 0, n = batch.size(); row < n; row++) {
      p.send(records.record(batch, row), onSent);
    }
  }

  private TransactionalProducer nextProducer() throws ExecutionException, InterruptedException {
    if (!tookOverIds) {
      takeOverExistingIds();
      tookOverIds = true;
    }
    TransactionalProducer p = idle.pollFirst();
    if (p != null) {
      return p;
    }
    int index = 0;
    while (producers.containsKey(id(index))) {
      index++;
    }
    p = new TransactionalProducer(settings.producerProperties(), id(index));
    producers.put(p.transactionalId(), p);
    p.initAbortingLeftovers();
    return p;
  }

  /** Fences and cleans up every transactional id of the prefix a predecessor used (they exist on the cluster). */
  private void takeOverExistingIds() throws ExecutionException, InterruptedException {
    for (int index = 0; ; index++) {
      String id = id(index);
      if (producers.containsKey(id)) {
        continue; // this writer already owns it (a re-driven abort)
      }
      if (describe(id) == null) {
        return;
      }
      TransactionalProducer p = new TransactionalProducer(settings.producerProperties(), id);
      producers.put(id, p);
      p.initAbortingLeftovers();
      idle.addLast(p);
      LOG.info("sink '{}': took over transactional id '{}' (a predecessor's transaction there, if any, is aborted)",
          settings.objectName(), id);
    }
  }

  private Map<String, Object> adminProperties() {
    Map<String, Object> props = new HashMap<>(settings.producerProperties());
    for (String producerOnly : List.of("key.serializer", "value.serializer", "acks", "enable.idempotence",
        "partitioner.class", "linger.ms", "batch.size", "compression.type")) {
      props.remove(producerOnly);
    }
    return props;
  }

  private String id(int index) {
    return settings.transactionalIdPrefix() + "-" + index;
  }

  @Override
  public void flush() throws Exception {
    if (current != null) {
      current.producer().flush();
    }
    checkSends();
  }

  @Override
  public byte[] preCommit(long epoch) throws Exception {
    if (current == null) {
      return new byte[0]; // no rows in this epoch: nothing to commit
    }
    current.producer().flush();
    checkSends();
    PreparedTransaction txn = current.prepare();
    prepared.put(epoch, current);
    current = null;
    return txn.toBytes();
  }

  @Override
  public void commit(long epoch, byte[] handle) throws ExecutionException, InterruptedException {
    PreparedTransaction txn = PreparedTransaction.fromBytes(handle);
    if (txn == null) {
      return;
    }
    TransactionalProducer own = prepared.remove(epoch);
    if (own != null) {
      own.commit();
      idle.addLast(own);
      remember(txn);
      awaitCompleted(txn);
      return;
    }
    if (committed.contains(txn)) {
      return; // this writer committed it already: a repeated commit
    }
    if (producers.containsKey(txn.transactionalId())) {
      throw new IllegalStateException("sink '" + settings.objectName() + "': commit(" + epoch + ") with a handle for"
          + " transactional id '" + txn.transactionalId() + "', which this writer uses for another transaction");
    }
    // a transaction prepared before a restart: take it over without initialising (which would abort it)
    try (TransactionalProducer p = new TransactionalProducer(settings.producerProperties(), txn.transactionalId())) {
      p.resume(txn);
      try {
        p.commit();
        LOG.info("sink '{}': committed epoch {} prepared before a restart ({})", settings.objectName(), epoch, txn);
      } catch (KafkaException e) {
        // fenced or no such transaction any more: fine if it was committed before, data loss otherwise
        TransactionDescription d = describe(txn.transactionalId());
        if (d == null || d.producerId() != txn.producerId() || d.state() != TransactionState.COMPLETE_COMMIT) {
          throw new IllegalStateException("sink '" + settings.objectName() + "': cannot commit epoch " + epoch + " (" + txn
              + "): the transaction is " + (d == null ? "unknown to the cluster" : d.state() + " (producer id " + d.producerId()
              + ")") + "; its rows are lost — was it aborted by transaction.timeout.ms or by another writer?", e);
        }
        LOG.info("sink '{}': epoch {} ({}) was committed before", settings.objectName(), epoch, txn);
      }
    }
    remember(txn);
    awaitCompleted(txn);
  }

  /** Remembers a committed transaction for repeated commits of recent epochs. */
  private void remember(PreparedTransaction txn) {
    committed.add(txn);
    if (committed.size() > REMEMBERED_COMMITS) {
      committed.remove(committed.iterator().next());
    }
  }

  /** Waits until the transaction's markers are written, so its rows are visible to read_committed consumers on return. */
  private void awaitCompleted(PreparedTransaction txn) throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + COMPLETION_TIMEOUT.toNanos();
    while (true) {
      TransactionDescription d = describe(txn.transactionalId());
      if (d == null || d.producerId() != txn.producerId() || d.state() == TransactionState.COMPLETE_COMMIT
          || d.state() == TransactionState.COMPLETE_ABORT || d.state() == TransactionState.EMPTY) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("sink '" + settings.objectName() + "': transaction " + txn + " still "
            + d.state() + " after " + COMPLETION_TIMEOUT.toSeconds() + " s");
      }
      LockSupport.parkNanos(POLL_PAUSE_NANOS);
    }
  }

  private TransactionDescription describe(String transactionalId) throws ExecutionException, InterruptedException {
    try {
      return admin().describeTransactions(List.of(transactionalId)).description(transactionalId).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TransactionalIdNotFoundException) {
        return null;
      }
      throw e;
    }
  }

  private Admin admin() {
    if (admin == null) {
      admin = Clients.admin(adminProperties());
    }
    return admin;
  }

  @Override
  public void abort(long epoch, byte[] handle) {
    PreparedTransaction txn = PreparedTransaction.fromBytes(handle);
    TransactionalProducer own = prepared.remove(epoch);
    if (own != null) {
      own.abort();
      idle.addLast(own);
      return;
    }
    if (txn == null || producers.containsKey(txn.transactionalId())) {
      return; // an empty epoch, or one this writer already completed
    }
    TransactionalProducer p = new TransactionalProducer(settings.producerProperties(), txn.transactionalId());
    producers.put(p.transactionalId(), p);
    p.initAbortingLeftovers();
    idle.addLast(p);
    LOG.info("sink '{}': aborted epoch {} prepared before a restart ({})", settings.objectName(), epoch, txn);
  }

  private void checkSends() {
    Exception e = sendError.get();
    if (e != null) {
      throw new IllegalStateException("sink '" + settings.objectName() + "': writing to topic '" + settings.topic() + "' failed: " + e, e);
    }
  }

  /**
   * Aborts the open (not pre-committed) transaction and closes every producer; prepared transactions
   * stay prepared for the engine to commit or abort after a restart.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    if (current != null) {
      try {
        current.abort();
      } catch (RuntimeException e) {
        LOG.warn("sink '{}': aborting the open transaction on close failed", settings.objectName(), e);
      }
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(10));
    }
    for (TransactionalProducer p : producers.values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
