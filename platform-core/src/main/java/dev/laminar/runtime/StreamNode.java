package dev.laminar.runtime;

import dev.laminar.sdk.type.Schema;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The fan-out point of a named stream (a source or a {@code CREATE STREAM}): every batch and
 * watermark that reaches it is passed to each attached consumer. Consumers are attached and
 * detached only on the reactor thread, so the array is read without locks.
 *
 * <p>A consumer that throws is detached and reported through its failure handler; the other
 * consumers and the stream go on.
 */
public final class StreamNode implements Operator {
  private final String name;
  private final Schema schema;
  private Operator[] consumers = new Operator[0];
  private Object[] owners = new Object[0];
  private BiConsumer<Object, RuntimeException> failureHandler = (owner, e) -> { };
  private long watermark = ColumnarBatch.NO_TIME;
  private boolean ended;

  public StreamNode(String name, Schema schema) {
    this.name = name;
    this.schema = schema;
  }

  public String name() {
    return name;
  }

  public Schema schema() {
    return schema;
  }

  /** Where consumer failures are reported: (owner given at attach, exception). */
  public void onConsumerFailure(BiConsumer<Object, RuntimeException> handler) {
    this.failureHandler = handler;
  }

  /** Attaches a consumer (reactor thread). It first sees the current watermark, or the end if already ended. */
  public void attach(Operator consumer, Object owner) {
    consumers = Arrays.copyOf(consumers, consumers.length + 1);
    consumers[consumers.length - 1] = consumer;
    owners = Arrays.copyOf(owners, owners.length + 1);
    owners[owners.length - 1] = owner;
    if (watermark != ColumnarBatch.NO_TIME) {
      consumer.onWatermark(watermark);
    }
    if (ended) {
      consumer.onEndOfInput();
    }
  }

  /** Detaches every consumer attached with {@code owner} (reactor thread). */
  public void detach(Object owner) {
    detachWhere(o -> o == owner);
  }

  /** Detaches every consumer whose owner matches (reactor thread). */
  public void detachWhere(java.util.function.Predicate<Object> ownerMatches) {
    int kept = 0;
    for (int i = 0; i < consumers.length; i++) {
      if (!ownerMatches.test(owners[i])) {
        consumers[kept] = consumers[i];
        owners[kept] = owners[i];
        kept++;
      }
    }
    consumers = Arrays.copyOf(consumers, kept);
    owners = Arrays.copyOf(owners, kept);
  }

  public int consumerCount() {
    return consumers.length;
  }

  public boolean hasEnded() {
    return ended;
  }

  @Override
  public void process(ColumnarBatch batch) {
    final Operator[] cs = consumers;
    for (int i = 0; i < cs.length; i++) {
      try {
        cs[i].process(batch);
      } catch (RuntimeException e) {
        fail(i, e);
      }
    }
  }

  @Override
  public void onRowWatermark(long wm) {
    final Operator[] cs = consumers;
    for (int i = 0; i < cs.length; i++) {
      try {
        cs[i].onRowWatermark(wm);
      } catch (RuntimeException e) {
        fail(i, e);
      }
    }
  }

  @Override
  public void onWatermark(long wm) {
    if (wm <= watermark) {
      return;
    }
    watermark = wm;
    final Operator[] cs = consumers;
    for (int i = 0; i < cs.length; i++) {
      try {
        cs[i].onWatermark(wm);
      } catch (RuntimeException e) {
        fail(i, e);
      }
    }
  }

  @Override
  public void onEndOfInput() {
    if (ended) {
      return;
    }
    ended = true;
    final Operator[] cs = consumers;
    for (int i = 0; i < cs.length; i++) {
      try {
        cs[i].onEndOfInput();
      } catch (RuntimeException e) {
        fail(i, e);
      }
    }
  }

  private void fail(int index, RuntimeException e) {
    Object owner = owners[index];
    detach(owner);
    failureHandler.accept(owner, e);
  }

  /** The last watermark that passed through. */
  public long watermark() {
    return watermark;
  }
}
