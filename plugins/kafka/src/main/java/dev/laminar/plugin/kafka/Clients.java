package dev.laminar.plugin.kafka;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Creates Kafka clients with the plugin's class loader as the thread's context class loader: Kafka
 * loads the classes named in its configuration (serializers, metrics reporters, partitioners) through
 * the context class loader, which on an engine or test thread may see another copy of kafka-clients
 * than the plugin's own ("JmxReporter cannot be cast to MetricsReporter").
 */
final class Clients {
  private Clients() {}

  static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> properties) {
    return withPluginLoader(() -> new KafkaConsumer<>(properties));
  }

  static KafkaProducer<byte[], byte[]> producer(Map<String, Object> properties) {
    return withPluginLoader(() -> new KafkaProducer<>(properties));
  }

  static Admin admin(Map<String, Object> properties) {
    return withPluginLoader(() -> Admin.create(properties));
  }

  private static <T> T withPluginLoader(Supplier<T> create) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(Clients.class.getClassLoader());
    try {
      return create.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
