package dev.laminar.plugin.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process KRaft broker (combined broker and controller, node 1) shared by every test of the
 * run: {@code @ExtendWith(KafkaTestBroker.class)} starts it once; {@link #get()} returns it. When it
 * cannot start, a test is aborted (skipped) with the reason — or fails when the environment variable
 * {@code CI} is set, so CI never goes green by skipping. Stopped by a JVM shutdown hook.
 *
 * <p>{@link #restart()} stops and starts it on the same ports and log directory (broker-restart tests).
 */
public final class KafkaTestBroker implements BeforeAllCallback {
  private static KafkaTestBroker shared;
  private static Throwable startFailure;

  private final Path logDir;
  private final int brokerPort;
  private final int controllerPort;
  private KafkaRaftServer server;
  private int topicCounter;

  /** For JUnit's extension registration only; tests use {@link #get()}. */
  public KafkaTestBroker() {
    this.logDir = null;
    this.brokerPort = -1;
    this.controllerPort = -1;
  }

  private KafkaTestBroker(Path logDir, int brokerPort, int controllerPort) {
    this.logDir = logDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }

  /** The shared broker, started on first use. */
  public static synchronized KafkaTestBroker get() {
    if (shared == null && startFailure == null) {
      try {
        KafkaTestBroker broker = new KafkaTestBroker(Files.createTempDirectory("laminar-kafka-test"), freePort(), freePort());
        broker.format();
        broker.start();
        broker.warmUp();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stopAndDelete, "kafka-test-broker-stop"));
        shared = broker;
      } catch (Throwable t) {
        startFailure = t;
      }
    }
    if (startFailure != null) {
      String message = "the in-process Kafka broker did not start: " + startFailure;
      if (System.getenv("CI") != null) {
        throw new AssertionError(message + " (CI is set: a missing service fails the build)", startFailure);
      }
      Assumptions.abort(message);
    }
    return shared;
  }

  public String bootstrapServers() {
    return "localhost:" + brokerPort;
  }

  /** A new topic name, unique in this run. */
  public synchronized String newTopicName(String prefix) {
    return prefix + "-" + (++topicCounter) + "-" + System.nanoTime() % 100_000;
  }

  /**
   * Creates a topic and waits until the broker leads every partition (answers a list-offsets request
   * for it): a producer sending earlier gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer's retry
   * of such a first batch was seen to end in a loop of OutOfOrderSequenceException until its delivery
   * timeout (two minutes) when the machine was loaded.
   */
  public String createTopic(String name, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> all = new java.util.HashMap<>();
      for (int p = 0; p < partitions; p++) {
        all.put(new org.apache.kafka.common.TopicPartition(name, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        try {
          admin.listOffsets(all).all().get();
          return name;
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException) || System.nanoTime() > deadline) {
            throw e;
          }
          java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // polls the broker until it leads the partitions
        }
      }
    }
  }

  public Admin admin() {
    return Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrapServers()));
  }

  /** Stops the broker and starts it again on the same ports and log directory; returns when it serves again. */
  public synchronized void restart() {
    stop();
    start();
  }

  /** Stops the broker (it can be started again with {@link #start()}). */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  public synchronized void start() {
    server = new KafkaRaftServer(KafkaConfig.fromProps(config()), Time.SYSTEM);
    server.startup();
    awaitServing();
  }

  private void awaitServing() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Admin admin = admin()) {
        admin.describeCluster().nodes().get();
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("broker did not serve within 60 s", e);
        }
      }
    }
  }

  /**
   * Starts the broker's lazily created threads (delayed-fetch purgatory, transaction marker sender,
   * group coordinator) with one transactional write and one consumer-group read, so that tests counting
   * the threads a plugin leaves behind do not count the broker's.
   */
  private void warmUp() throws Exception {
    String topic = createTopic("warm-up", 1);
    Map<String, Object> producerProps = new java.util.HashMap<>();
    producerProps.put("bootstrap.servers", bootstrapServers());
    producerProps.put("transactional.id", "warm-up");
    producerProps.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    producerProps.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(producerProps)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, new byte[] {1}));
      producer.commitTransaction();
    }
    Map<String, Object> consumerProps = new java.util.HashMap<>();
    consumerProps.put("bootstrap.servers", bootstrapServers());
    consumerProps.put("group.id", "warm-up");
    consumerProps.put("isolation.level", "read_committed");
    consumerProps.put("auto.offset.reset", "earliest");
    consumerProps.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    consumerProps.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(consumerProps)) {
      consumer.subscribe(List.of(topic));
      int read = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (read == 0 && System.nanoTime() < deadline) {
        read += consumer.poll(Duration.ofMillis(200)).count();
      }
      consumer.commitSync();
      consumer.poll(Duration.ofMillis(200)); // a long-poll fetch with nothing to return
    }
  }

  private void format() throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(1)
        .setControllerListenerName("CONTROLLER")
        .setMetadataLogDirectory(logDir.toString())
        .addDirectory(logDir.toString())
        .setReleaseVersion(MetadataVersion.latestProduction())
        .run();
  }

  private Properties config() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // tests and the benchmark write records with timestamps in the past: never delete them by age
    p.put("log.retention.ms", "-1");
    return p;
  }

  private void stopAndDelete() {
    try {
      stop();
    } catch (RuntimeException e) {
      // the JVM is exiting
    }
    try (Stream<Path> files = Files.walk(logDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
