package dev.laminar.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.TestProperties;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.differential.QueryCase.Expected;
import dev.laminar.runtime.codegen.AggregateCompiler;
import dev.laminar.sdk.row.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streaming SQL breadth, differentially: for every query of {@link QueryCatalogue} and a few seeds,
 * the engine's output over a random out-of-order stream (NULL keys and values, late rows) equals
 * an independent batch computation of the same query over the same rows, and so does each
 * stream's {@code late_rows_dropped}. A mismatch is shrunk to a small input and reported with the
 * seed, the statements and the rows, ready to paste into a test. Every aggregate query runs with
 * compiled and with interpreted aggregate updates ({@code laminar.codegen.aggregates}).
 */
class StreamingSqlDifferentialTest {
  /** Three seeds (one per start time of {@link StreamRow#generate}); explore with {@code -Ddifferential.seeds=N -Ddifferential.rows=M}. */
  private static final long[] SEEDS = java.util.stream.LongStream.rangeClosed(1, Long.getLong("differential.seeds", 3)).toArray();
  private static final int ROWS = Integer.getInteger("differential.rows", 400);
  private static final int SHRINK_RUNS = 300;

  /** Whether aggregate updates run as generated code or through the interpreted accumulators. */
  enum Aggregates { COMPILED, INTERPRETED }

  /** Every query and seed; queries with a GROUP BY once with compiled and once with interpreted aggregate updates. */
  static Stream<Arguments> queriesAndSeeds() {
    return QueryCatalogue.all().stream().flatMap(q -> java.util.Arrays.stream(SEEDS).boxed().flatMap(seed -> aggregates(q)
        .map(a -> Arguments.of(q, seed, a))));
  }

  private static Stream<Aggregates> aggregates(QueryCase q) {
    boolean grouped = q.statements().stream().anyMatch(st -> st.contains("GROUP BY"));
    return grouped ? Stream.of(Aggregates.values()) : Stream.of(Aggregates.COMPILED);
  }

  @ParameterizedTest(name = "{0} [seed {1}, {2} aggregates]")
  @MethodSource("queriesAndSeeds")
  void engineOutputEqualsTheBatchReference(QueryCase query, long seed, Aggregates aggregates) {
    List<StreamRow> input = query.prepare().apply(StreamRow.generate(seed, ROWS));
    assertThat(query.reference().apply(input).rows()).as("the reference's output is not empty, seed %d", seed).isNotEmpty();
    TestProperties.with(AggregateCompiler.ENABLED_PROPERTY, String.valueOf(aggregates == Aggregates.COMPILED), () -> {
      String mismatch = mismatch(query, input);
      if (mismatch != null) {
        fail(aggregates + " aggregates: "
            + Reproduction.report(query, seed, input, mismatch, SHRINK_RUNS, StreamingSqlDifferentialTest::mismatch));
      }
    });
  }

  @Test
  void theCatalogueHasAtLeastFortyQueries() {
    assertThat(QueryCatalogue.all()).hasSizeGreaterThanOrEqualTo(40);
    assertThat(QueryCatalogue.all()).extracting(QueryCase::name).doesNotHaveDuplicates();
  }

  @Test
  void generatedStreamsHaveNullsTiesDisorderAndLateRows() {
    for (long seed : SEEDS) {
      List<StreamRow> rows = StreamRow.generate(seed, ROWS);
      assertThat(rows).as("seed %d", seed).anyMatch(r -> r.k() == null).anyMatch(r -> r.k2() == null)
          .anyMatch(r -> r.v() == null).anyMatch(r -> r.d() == null).anyMatch(r -> r.p() == null);
      long max = Long.MIN_VALUE;
      int disordered = 0;
      int late = 0;
      for (StreamRow r : rows) {
        disordered += r.ts() < max ? 1 : 0;
        late += Math.floorDiv(r.ts(), 1000) * 1000 + 1000 <= max - StreamRow.BOUND ? 1 : 0;
        max = Math.max(max, r.ts());
      }
      assertThat(disordered).as("rows out of order, seed %d", seed).isGreaterThan(ROWS / 4);
      assertThat(late).as("rows late for a 1 s TUMBLE, seed %d", seed).isGreaterThan(3);
      assertThat(rows.stream().map(StreamRow::ts).distinct().count()).as("event-time ties, seed %d", seed).isLessThan(ROWS - 20);
    }
  }

  /** Runs the query over {@code input} and compares with the reference; null when they agree. */
  static String mismatch(QueryCase query, List<StreamRow> input) {
    Expected expected = query.reference().apply(input);
    Outcome actual = run(query, input);
    if (actual.failure() != null) {
      return "the engine failed: " + actual.failure();
    }
    String rows = switch (query.mode()) {
      case ORDERED, SEQUENCE -> RowComparison.inOrder(expected.rows(), actual.rows());
      case MULTISET -> RowComparison.asMultisets(expected.rows(), actual.rows());
      case CHANGELOG -> RowComparison.asChangelogs(expected.rows(), actual.rows(), query.upsertKey());
      case RETRACTIONS -> RowComparison.asRetractions(expected.rows(), actual.rows(), query.upsertKey());
    };
    if (rows != null) {
      return rows;
    }
    if (!expected.lateRows().equals(actual.lateRows())) {
      return "late_rows_dropped per stream: expected " + expected.lateRows() + " but SHOW STREAMS says " + actual.lateRows();
    }
    return null;
  }

  record Outcome(List<Row> rows, Map<String, Long> lateRows, String failure) {}

  private static Outcome run(QueryCase query, List<StreamRow> input) {
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).batchSize(64).build())) {
      db.execute(StreamRow.SOURCE_DDL);
      for (String statement : query.statements()) {
        db.execute(statement);
      }
      Subscription out = db.subscribe(query.output());
      try (SourceWriter w = db.writer("s")) {
        for (StreamRow r : input) {
          r.write(w);
        }
      }
      List<Row> rows = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!out.isFinished() && out.failure() == null && db.failures().isEmpty() && System.nanoTime() < deadline) {
        rows.addAll(out.poll(Duration.ofMillis(50)));
      }
      if (out.failure() != null || !db.failures().isEmpty()) {
        return new Outcome(rows, Map.of(), out.failure() != null ? String.valueOf(out.failure()) : String.join("; ", db.failures()));
      }
      if (!out.isFinished()) {
        return new Outcome(rows, Map.of(), "the subscription did not finish within 30 s");
      }
      Map<String, Long> late = new HashMap<>();
      for (Row r : db.execute("SHOW STREAMS").rows()) {
        late.put((String) r.get(0), (Long) r.get(2));
      }
      return new Outcome(rows, late, null);
    } catch (RuntimeException e) {
      return new Outcome(List.of(), Map.of(), e.toString());
    }
  }
}
