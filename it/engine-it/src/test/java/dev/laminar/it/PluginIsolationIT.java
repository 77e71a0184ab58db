package dev.laminar.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin that throws, hangs, or leaks a thread fails only its own pipeline, with an error naming
 * the plugin id and version, while a healthy pipeline in the same engine completes; a plugin
 * bundling an older Jackson than the engine's sees its own copy.
 */
class PluginIsolationIT {
  private static final String PLUGIN = "plugin misbehaving 0.1.0-SNAPSHOT";

  @TempDir
  Path dir;

  private Laminar db;

  @BeforeEach
  void open() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path zip = Path.of(System.getProperty("misbehaving.plugin.zip"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).pluginCallTimeout(Duration.ofSeconds(2)).build());
    db.execute("CREATE SOURCE healthy (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1000', 'fields.n.kind' = 'sequence')");
    db.execute("CREATE SINK healthy_out FROM healthy WITH ('connector' = 'memory')");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private String failureOf(String object) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (String f : db.failures()) {
        if (f.contains("'" + object + "'")) {
          return f;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("no failure of " + object + " within 30 s; failures: " + db.failures());
  }

  private List<dev.laminar.sdk.row.Row> awaitRows(String sink, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (db.sinkRows(sink).size() < count && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return db.sinkRows(sink);
  }

  private void assertHealthyPipelineCompleted() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (db.sinkRows("healthy_out").size() < 1000 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(db.sinkRows("healthy_out")).hasSize(1000);
    List<Object> status = db.execute("SHOW SINKS").rows().stream().filter(r -> r.get(0).equals("healthy_out")).map(r -> r.get(3)).toList();
    assertThat(status).containsExactly("FINISHED");
  }

  @Test
  void aPluginThatThrowsFailsOnlyItsOwnPipeline() {
    db.execute("CREATE SOURCE bad (n BIGINT) WITH ('connector' = 'throwing', 'rows' = '5')");
    db.execute("CREATE SINK bad_out FROM bad WITH ('connector' = 'memory')");
    assertThat(failureOf("bad")).contains(PLUGIN).contains("boom after 5 rows");
    assertHealthyPipelineCompleted();
    assertThat(awaitRows("bad_out", 5)).as("rows read before the failure are delivered").hasSize(5);
    assertThat(db.execute("SHOW SOURCES").rows()).anySatisfy(r -> assertThat(r.get(0) + " " + r.get(2)).isEqualTo("bad FAILED"));
  }

  @Test
  void aPluginThatHangsInPollFailsOnlyItsOwnPipeline() {
    db.execute("CREATE SOURCE stuck (n BIGINT) WITH ('connector' = 'hanging', 'rows' = '3')");
    db.execute("CREATE SINK stuck_out FROM stuck WITH ('connector' = 'memory')");
    assertThat(failureOf("stuck")).contains(PLUGIN).contains("did not return within PT2S");
    assertHealthyPipelineCompleted();
  }

  @Test
  void aPluginThatHangsInWriteFailsOnlyItsOwnPipeline() {
    db.execute("CREATE SOURCE more (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '100')");
    db.execute("CREATE SINK stuck_sink FROM more WITH ('connector' = 'hanging-sink')");
    assertThat(failureOf("stuck_sink")).contains(PLUGIN).contains("write() did not return within PT2S");
    assertHealthyPipelineCompleted();
  }

  @Test
  void aPluginThatLeaksAThreadFailsItsPipelineNamingTheThread() {
    db.execute("CREATE SOURCE leaky_src (n BIGINT) WITH ('connector' = 'leaky', 'rows' = '4')");
    db.execute("CREATE SINK leaky_out FROM leaky_src WITH ('connector' = 'memory')");
    assertThat(failureOf("leaky_src")).contains(PLUGIN).contains("misbehaving-leaked-thread");
    assertHealthyPipelineCompleted();
    assertThat(awaitRows("leaky_out", 4)).hasSize(4);
  }

  @Test
  void aPluginBundlingAnOlderJacksonSeesItsOwnCopy() {
    db.execute("CREATE SOURCE versions (v VARCHAR) WITH ('connector' = 'old-jackson', 'rows' = '1')");
    db.execute("CREATE SINK versions_out FROM versions WITH ('connector' = 'memory')");
    assertThat(db.awaitCompletion(Duration.ofSeconds(30))).isTrue();
    assertThat(db.failures()).isEmpty();
    String pluginSees = (String) db.sinkRows("versions_out").get(0).get(0);
    String engineHas = new com.fasterxml.jackson.databind.ObjectMapper().version().toString();
    assertThat(pluginSees).startsWith("2.17.2");
    assertThat(engineHas).doesNotStartWith("2.17");
  }
}
