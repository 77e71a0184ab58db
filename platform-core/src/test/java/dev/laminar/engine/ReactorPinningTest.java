package dev.laminar.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.laminar.TestProperties;
import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.runtime.Reactor;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import net.openhft.affinity.Affinity;
import org.junit.jupiter.api.Test;

/**
 * {@link LaminarConfig#pinReactors()}: each reactor thread runs on a CPU of its own (read from inside the
 * thread), or, where that cannot be, none is pinned; without it the reactors may run on every CPU.
 */
class ReactorPinningTest {
  /** The CPUs this thread, which opens the engines, may run on. */
  private static final BitSet ALLOWED = Affinity.getAffinity();

  private static LaminarConfig.Builder config(int reactors, boolean pin) {
    return LaminarConfig.builder().pluginsDirectory(null).reactors(reactors).pinReactors(pin);
  }

  private static BitSet affinity(Reactor r) {
    return r.submit(Affinity::getAffinity).join();
  }

  /** Asserts that each reactor of {@code db} runs on exactly one CPU of its own, which {@link Reactor#pinnedCpu()} names. */
  private static void assertPinnedToDistinctCpus(Laminar db) {
    Set<Integer> cpus = new HashSet<>();
    for (Reactor r : db.engine().reactors()) {
      int cpu = r.pinnedCpu();
      assertThat(cpu).as("pinned CPU").isGreaterThanOrEqualTo(0);
      assertThat(ALLOWED.get(cpu)).as("CPU %d is one this process may use %s", cpu, ALLOWED).isTrue();
      BitSet one = new BitSet();
      one.set(cpu);
      assertThat(affinity(r)).as("affinity read on the reactor's thread").isEqualTo(one);
      cpus.add(cpu);
    }
    assertThat(cpus).as("distinct CPUs").hasSize(db.engine().reactors().length);
  }

  private static void assertNotPinned(Laminar db) {
    for (Reactor r : db.engine().reactors()) {
      assertThat(r.pinnedCpu()).isEqualTo(-1);
      assertThat(affinity(r)).as("affinity read on the reactor's thread").isEqualTo(ALLOWED);
    }
  }

  @Test
  void oneReactorIsPinnedToOneCpu() {
    try (Laminar db = Laminar.open(config(1, true).build())) {
      assertPinnedToDistinctCpus(db);
    }
  }

  @Test
  void twoReactorsArePinnedToTwoDistinctCpus() {
    assumeTrue(ALLOWED.cardinality() >= 2, "needs 2 CPUs");
    try (Laminar db = Laminar.open(config(2, true).build())) {
      assertPinnedToDistinctCpus(db);
    }
  }

  @Test
  void withoutPinningTheReactorsMayRunOnEveryCpu() {
    try (Laminar db = Laminar.open(config(2, false).build())) {
      assertNotPinned(db);
    }
  }

  @Test
  void moreReactorsThanCpusPinsNone() {
    try (Laminar db = Laminar.open(config(ALLOWED.cardinality() + 1, true).build())) {
      assertNotPinned(db);
    }
  }

  @Test
  void cpusPinnedByAnOpenEngineAreNotReusedUntilItCloses() {
    int all = ALLOWED.cardinality();
    try (Laminar first = Laminar.open(config(all, true).build())) {
      assertPinnedToDistinctCpus(first);
      try (Laminar second = Laminar.open(config(1, true).build())) {
        assertNotPinned(second); // no free CPU left for it
      }
    }
    try (Laminar third = Laminar.open(config(all, true).build())) {
      assertPinnedToDistinctCpus(third);
    }
  }

  @Test
  void aShardedQueryRunsOnPinnedReactors() {
    int reactors = Math.min(2, ALLOWED.cardinality());
    try (Laminar db = Laminar.open(config(reactors, true).build())) {
      assertPinnedToDistinctCpus(db);
      db.execute("CREATE SOURCE s (k BIGINT NOT NULL, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', "
          + "'number-of-rows' = '20000', 'fields.k.kind' = 'sequence')");
      db.execute("CREATE SINK counts WITH ('connector' = 'memory') AS SELECT MOD(k, 100) AS g, COUNT(*) AS n "
          + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY MOD(k, 100), window_start, window_end");
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      assertThat(db.failures()).isEmpty();
      assertThat(db.sinkRows("counts").stream().mapToLong(r -> (Long) r.get(1)).sum()).isEqualTo(20_000);
      assertPinnedToDistinctCpus(db);
    }
  }

  @Test
  void theDefaultIsOneReactorPerAvailableCoreAndThePropertySetsIt() {
    int cores = Math.min(LaminarConfig.MAX_REACTORS, Runtime.getRuntime().availableProcessors());
    TestProperties.with(LaminarConfig.REACTORS_PROPERTY, null, () -> assertThat(LaminarConfig.defaults().reactors()).isEqualTo(cores));
    TestProperties.with(LaminarConfig.REACTORS_PROPERTY, "cores", () -> assertThat(LaminarConfig.defaults().reactors()).isEqualTo(cores));
    TestProperties.with(LaminarConfig.REACTORS_PROPERTY, " 3 ", () -> assertThat(LaminarConfig.defaults().reactors()).isEqualTo(3));
    TestProperties.with(LaminarConfig.REACTORS_PROPERTY, "many", () -> assertThatThrownBy(LaminarConfig::builder)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("system property laminar.reactors must be a number of reactors or 'cores', was 'many'"));
  }

  @Test
  void thePinPropertySetsTheDefaultAndABadValueIsRefusedByName() {
    TestProperties.with(LaminarConfig.PIN_REACTORS_PROPERTY, null, () -> assertThat(LaminarConfig.defaults().pinReactors()).isFalse());
    TestProperties.with(LaminarConfig.PIN_REACTORS_PROPERTY, " TRUE ", () -> assertThat(LaminarConfig.defaults().pinReactors()).isTrue());
    TestProperties.with(LaminarConfig.PIN_REACTORS_PROPERTY, "false", () -> assertThat(LaminarConfig.defaults().pinReactors()).isFalse());
    TestProperties.with(LaminarConfig.PIN_REACTORS_PROPERTY, "yes", () -> assertThatThrownBy(LaminarConfig::builder)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("system property laminar.reactors.pin must be 'true' or 'false', was 'yes'"));
  }
}
