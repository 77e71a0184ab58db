package dev.laminar.plugin.kafka;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

/**
 * A transactional producer whose open transaction can be committed by another producer after a
 * restart: {@link #prepare()} flushes the transaction and returns its producer id and epoch;
 * {@link #resume} makes a new producer with the same transactional id take over that transaction
 * without initialising (which would abort it), so {@link #commit()} completes it.
 *
 * <p>Kafka's own two-phase commit (KIP-939: {@code initTransactions(keepPreparedTxn)}) is not usable
 * with kafka-clients 4.4: the client never sends the InitProducerId version that carries it (the
 * version is still marked unstable). Resuming therefore sets the transaction manager's producer id,
 * epoch and state by reflection, as Apache Flink's Kafka sink does. A prepared transaction is subject
 * to {@code transaction.timeout.ms} (default here 15 minutes, the brokers' default maximum): the
 * broker aborts one that waits longer for its commit.
 */
final class TransactionalProducer implements AutoCloseable {
  private final String transactionalId;
  private final KafkaProducer<byte[], byte[]> producer;
  private boolean prepared;

  TransactionalProducer(Map<String, Object> properties, String transactionalId) {
    this.transactionalId = transactionalId;
    Map<String, Object> props = new HashMap<>(properties);
    props.put("transactional.id", transactionalId);
    props.putIfAbsent("transaction.timeout.ms", "900000");
    props.put("client.id", transactionalId);
    this.producer = Clients.producer(props);
  }

  String transactionalId() {
    return transactionalId;
  }

  KafkaProducer<byte[], byte[]> producer() {
    return producer;
  }

  /** Initialises the producer, fencing earlier producers with this id and aborting a transaction they left open. */
  void initAbortingLeftovers() {
    producer.initTransactions();
  }

  /** Flushes the open transaction and returns what a producer needs to {@link #resume} it. */
  PreparedTransaction prepare() {
    producer.flush();
    Object tm = transactionManager();
    Object idAndEpoch = field(tm, "producerIdAndEpoch");
    prepared = true;
    return new PreparedTransaction(transactionalId, (Long) field(idAndEpoch, "producerId"), (Short) field(idAndEpoch, "epoch"),
        (Boolean) invoke(tm, "isTransactionV2Enabled"));
  }

  boolean isPrepared() {
    return prepared;
  }

  /**
   * Takes over the open transaction {@code txn} of a producer with the same transactional id (after a
   * restart) without initialising this producer. Call {@link #commit()} next.
   */
  void resume(PreparedTransaction txn) {
    Object tm = transactionManager();
    try {
      Class<?> stateType = Class.forName("org.apache.kafka.clients.producer.internals.TransactionManager$State");
      Method transitionTo = tm.getClass().getDeclaredMethod("transitionTo", stateType);
      transitionTo.setAccessible(true);
      Class<?> idAndEpochType = Class.forName("org.apache.kafka.common.utils.internals.ProducerIdAndEpoch");
      Object idAndEpoch = idAndEpochType.getConstructor(long.class, short.class).newInstance(txn.producerId(), txn.epoch());
      synchronized (tm) {
        Object partitions = field(tm, "txnPartitionMap");
        Method reset = partitions.getClass().getDeclaredMethod("reset");
        reset.setAccessible(true);
        reset.invoke(partitions);
        transitionTo.invoke(tm, state(stateType, "INITIALIZING"));
        setField(tm, "producerIdAndEpoch", idAndEpoch);
        setField(tm, "isTransactionV2Enabled", txn.transactionV2());
        transitionTo.invoke(tm, state(stateType, "READY"));
        transitionTo.invoke(tm, state(stateType, "IN_TRANSACTION"));
        setField(tm, "transactionStarted", true);
      }
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new KafkaException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw unsupported("resume", e);
    }
    prepared = true;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object state(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }

  void commit() {
    producer.commitTransaction();
    prepared = false;
  }

  void abort() {
    producer.abortTransaction();
    prepared = false;
  }

  private Object transactionManager() {
    return field(producer, "transactionManager");
  }

  /**
   * Closes the producer. With a prepared transaction the close is forced: a graceful close would
   * abort it, and the engine may still commit it after a restart.
   */
  @Override
  public void close() {
    producer.close(prepared ? Duration.ZERO : Duration.ofSeconds(10));
  }

  private static Field declaredField(Object target, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw unsupported(name, null);
  }

  private static Object field(Object target, String name) {
    try {
      return declaredField(target, name).get(target);
    } catch (IllegalAccessException e) {
      throw unsupported(name, e);
    }
  }

  private static void setField(Object target, String name, Object value) {
    try {
      declaredField(target, name).set(target, value);
    } catch (IllegalAccessException e) {
      throw unsupported(name, e);
    }
  }

  private static Object invoke(Object target, String name) {
    try {
      Method m = target.getClass().getMethod(name);
      return m.invoke(target);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new KafkaException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw unsupported(name, e);
    }
  }

  private static IllegalStateException unsupported(String member, Exception cause) {
    return new IllegalStateException("this kafka-clients version lacks the transaction-manager internals the exactly-once"
        + " sink uses (" + member + "); use the kafka-clients version the plugin was built with", cause);
  }
}
