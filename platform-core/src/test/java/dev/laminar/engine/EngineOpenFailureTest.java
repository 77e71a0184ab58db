package dev.laminar.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.connector.memory.MemoryConnectorFactory;
import org.junit.jupiter.api.Test;

/** An engine that fails to open leaves nothing running: its reactor and watchdog threads are gone. */
class EngineOpenFailureTest {
  @Test
  void aFailedOpenStopsTheThreadsItStarted() {
    long before = engineThreads();
    LaminarConfig config = LaminarConfig.builder().pluginsDirectory(null).reactors(2)
        .connector(new MemoryConnectorFactory()) // a second 'memory': refused after the reactors were started
        .build();
    assertThatThrownBy(() -> Laminar.open(config)).hasMessageContaining("connector id 'memory' is provided twice");
    assertThat(engineThreads()).as("reactor and watchdog threads alive after the failed open").isLessThanOrEqualTo(before);
  }

  private static long engineThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && (t.getName().startsWith("laminar-reactor-") || t.getName().equals("laminar-watchdog")))
        .count();
  }
}
