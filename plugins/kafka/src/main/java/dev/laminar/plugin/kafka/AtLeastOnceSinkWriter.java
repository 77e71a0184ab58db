package dev.laminar.plugin.kafka;

import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * At-least-once: an idempotent producer ({@code acks=all}); {@code preCommit} flushes and fails if any
 * send of the epoch failed, so everything before a successful preCommit is in the topic.
 */
final class AtLeastOnceSinkWriter implements SinkWriter {
  private final SinkSettings settings;
  private final AtomicReference<Exception> sendError = new AtomicReference<>();
  private final Callback onSent = (metadata, e) -> {
    if (e != null) {
      sendError.compareAndSet(null, e);
    }
  };
  private RecordBuilder records;
  private KafkaProducer<byte[], byte[]> producer;
  private boolean closed;

  AtLeastOnceSinkWriter(SinkSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open() {
    records = new RecordBuilder(settings);
    producer = Clients.producer(settings.producerProperties());
  }

  @Override
  public void write(RowBatch batch) throws Exception {
    checkSends();
    final KafkaProducer<byte[], byte[]> p = producer;
    for (int row = 0, n = batch.size(); row < n; row++) {
      p.send(records.record(batch, row), onSent);
    }
  }

  @Override
  public void flush() throws Exception {
    if (producer != null) {
      producer.flush();
      checkSends();
    }
  }

  @Override
  public byte[] preCommit(long epoch) throws Exception {
    flush();
    return new byte[0];
  }

  private void checkSends() throws Exception {
    Exception e = sendError.get();
    if (e != null) {
      throw new IllegalStateException("sink '" + settings.objectName() + "': writing to topic '" + settings.topic() + "' failed: " + e, e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (producer != null) {
      producer.close(Duration.ofSeconds(30));
    }
  }
}
