package dev.laminar.runtime.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.TestProperties;
import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.aggregate.AggregateKind;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.GroupAccumulator;
import dev.laminar.runtime.aggregate.GroupAccumulatorFactory;
import dev.laminar.runtime.aggregate.InterpretedGroupAccumulators;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every aggregate kind over every argument type it takes, with and without FILTER, fed the same
 * random rows (NULLs, event-time ties, NaN, -0.0, DECIMAL sums that overflow a long) per group
 * through the interpreted accumulators and the generated class, then merged pane by pane as HOP,
 * CUMULATE and sessions do: the results must be identical cell by cell. The seed is in every
 * failure message.
 */
class CompiledAggregatesDifferentialTest {
  private static final DataType DEC = DataType.decimal(10, 2);
  private static final DataType DEC18 = DataType.decimal(18, 0);
  private static final DataType WIDE = DataType.decimal(30, 3);
  private static final Schema INPUT = Schema.builder()
      .column("i", DataType.INT).column("b", DataType.BIGINT).column("d", DataType.DOUBLE).column("p", DEC)
      .column("p18", DEC18).column("w", WIDE).column("s", DataType.VARCHAR).column("y", DataType.BYTES)
      .column("ts", DataType.TIMESTAMP).column("f", DataType.BOOLEAN)
      .build();
  private static final int FILTER = 9;
  private static final int GROUPS = 5;
  private static final int PANES = 4;
  private static final int ROWS = 3_000;

  /** Every generated kind over each type it accepts, every other one filtered, plus the delegated kinds. */
  static AggregateSpec[] catalogue() {
    List<AggregateSpec> specs = new ArrayList<>();
    specs.add(new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "COUNT(*)"));
    specs.add(new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "COUNT(*) FILTER", FILTER));
    for (int c = 0; c < FILTER; c++) {
      DataType t = INPUT.column(c).type();
      boolean numeric = t.isNumeric();
      boolean filtered = c % 2 == 0;
      add(specs, AggregateKind.COUNT, c, t, DataType.BIGINT, filtered);
      add(specs, AggregateKind.MIN, c, t, t, filtered);
      add(specs, AggregateKind.MAX, c, t, t, !filtered);
      add(specs, AggregateKind.FIRST_VALUE, c, t, t, filtered);
      add(specs, AggregateKind.LAST_VALUE, c, t, t, !filtered);
      add(specs, AggregateKind.COUNT_DISTINCT, c, t, DataType.BIGINT, filtered);
      if (numeric) {
        boolean decimal = t.kind() == TypeKind.DECIMAL;
        add(specs, AggregateKind.SUM, c, t, decimal ? DataType.decimal(38, t.scale()) : t.kind() == TypeKind.DOUBLE ? t : DataType.BIGINT,
            filtered);
        add(specs, AggregateKind.AVG, c, t, decimal ? t : DataType.DOUBLE, !filtered);
        if (decimal) {
          add(specs, AggregateKind.AVG, c, t, DataType.DOUBLE, filtered);
        }
        for (AggregateKind k : new AggregateKind[] {AggregateKind.STDDEV_POP, AggregateKind.STDDEV_SAMP, AggregateKind.VAR_POP,
            AggregateKind.VAR_SAMP}) {
          add(specs, k, c, t, DataType.DOUBLE, filtered);
        }
        add(specs, AggregateKind.APPROX_COUNT_DISTINCT, c, t, DataType.BIGINT, !filtered);
      }
    }
    return specs.toArray(AggregateSpec[]::new);
  }

  private static void add(List<AggregateSpec> specs, AggregateKind kind, int column, DataType type, DataType result, boolean filtered) {
    String name = kind + "(" + INPUT.column(column).name() + ")" + (filtered ? " FILTER" : "");
    specs.add(new AggregateSpec(kind, column, type, result, name, filtered ? FILTER : -1));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void compiledGroupsEqualInterpretedOnesRowByRowAndMerged(long seed) {
    AggregateSpec[] specs = catalogue();
    GroupAccumulatorFactory interpreted = new InterpretedGroupAccumulators(specs);
    GroupAccumulatorFactory compiled = AggregateCompiler.compile(specs);
    assertThat(compiled.isCompiled()).isTrue();
    ColumnarBatch in = randomRows(new Random(seed));
    GroupAccumulator[][] expected = new GroupAccumulator[GROUPS][PANES];
    GroupAccumulator[][] actual = new GroupAccumulator[GROUPS][PANES];
    for (int g = 0; g < GROUPS; g++) {
      for (int p = 0; p < PANES; p++) {
        expected[g][p] = interpreted.create();
        actual[g][p] = compiled.create();
      }
    }
    Random groups = new Random(seed * 31);
    for (int r = 0; r < in.size(); r++) {
      int g = groups.nextInt(GROUPS);
      int p = r * PANES / in.size(); // panes in arrival order, so merging them in order is merging in time order
      expected[g][p].add(in, r);
      actual[g][p].add(in, r);
    }
    Schema out = outputSchema(specs);
    for (int g = 0; g < GROUPS; g++) {
      assertSameResults("seed " + seed + ", group " + g + ", pane 0", out, expected[g][0], actual[g][0]);
      GroupAccumulator mergedExpected = interpreted.create();
      GroupAccumulator mergedActual = compiled.create();
      for (int p = 0; p < PANES; p++) {
        mergedExpected.merge(expected[g][p]);
        mergedActual.merge(actual[g][p]);
      }
      assertSameResults("seed " + seed + ", group " + g + ", merged", out, mergedExpected, mergedActual);
    }
    assertSameResults("seed " + seed + ", no rows", out, interpreted.create(), compiled.create());
  }

  /**
   * Every call of the catalogue whose state is primitive, kept in fixed-size slots of a memory segment (loaded
   * into one cursor, updated, stored back per row, as the off-heap window operators do) and merged slot into
   * slot, against the same generated class on the heap.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void slotStatesEqualHeapStatesRowByRowAndMerged(long seed) {
    AggregateSpec[] specs = java.util.Arrays.stream(catalogue())
        .filter(s -> AggregateCompiler.compile(new AggregateSpec[] {s}).slotBytes() >= 0).toArray(AggregateSpec[]::new);
    assertThat(specs.length).as("slot-state calls in the catalogue (primitives, and object values by id)").isGreaterThan(40);
    GroupAccumulatorFactory compiled = AggregateCompiler.compile(specs);
    int slot = compiled.slotBytes();
    assertThat(slot).isPositive();
    String[] names = java.util.Arrays.stream(specs).map(AggregateSpec::name).toArray(String[]::new);
    ColumnarBatch in = randomRows(new Random(seed));
    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      java.lang.foreign.MemorySegment slots = arena.allocate((long) slot * GROUPS * PANES, 8); // zeroed: no rows seen
      dev.laminar.runtime.aggregate.SlotAccumulator cursor = (dev.laminar.runtime.aggregate.SlotAccumulator) compiled.create();
      java.util.List<Object> values = new java.util.ArrayList<>(); // object values by id (append-only: no reference counting here)
      dev.laminar.runtime.aggregate.SlotObjects objects = new dev.laminar.runtime.aggregate.SlotObjects() {
        @Override
        public long id(Object value) {
          values.add(value);
          return values.size() - 1;
        }

        @Override
        public Object value(long id) {
          return values.get((int) id);
        }
      };
      cursor.bind(objects);
      GroupAccumulator[][] expected = new GroupAccumulator[GROUPS][PANES];
      for (GroupAccumulator[] row : expected) {
        for (int p = 0; p < PANES; p++) {
          row[p] = compiled.create();
        }
      }
      Random groups = new Random(seed * 31);
      for (int r = 0; r < in.size(); r++) {
        int g = groups.nextInt(GROUPS);
        int p = r * PANES / in.size();
        expected[g][p].add(in, r);
        long at = (long) slot * (g * PANES + p);
        cursor.load(slots, at);
        cursor.add(in, r);
        cursor.store(slots, at);
      }
      Schema out = outputSchema(specs);
      dev.laminar.runtime.aggregate.SlotAccumulator part = (dev.laminar.runtime.aggregate.SlotAccumulator) compiled.create();
      part.bind(objects);
      java.lang.foreign.MemorySegment merged = arena.allocate(slot, 8);
      for (int g = 0; g < GROUPS; g++) {
        GroupAccumulator mergedExpected = compiled.create();
        for (int p = 0; p < PANES; p++) {
          cursor.load(slots, (long) slot * (g * PANES + p));
          assertSameResults("seed " + seed + ", group " + g + ", pane " + p, out, names, expected[g][p], cursor);
          mergedExpected.merge(expected[g][p]);
          cursor.load(merged, 0);
          part.load(slots, (long) slot * (g * PANES + p));
          cursor.merge(part);
          cursor.store(merged, 0);
        }
        cursor.load(merged, 0);
        assertSameResults("seed " + seed + ", group " + g + ", merged in slots", out, names, mergedExpected, cursor);
        merged.fill((byte) 0);
      }
    }
  }

  @Test
  void delegatesOnlyTheKindsItDoesNotGenerate() {
    AggregateSpec[] specs = {
        new AggregateSpec(AggregateKind.SUM, 1, DataType.BIGINT, DataType.BIGINT, "SUM(b)"),
        new AggregateSpec(AggregateKind.COUNT_DISTINCT, 6, DataType.VARCHAR, DataType.BIGINT, "COUNT(DISTINCT s)")};
    String source = AggregateCompiler.source(specs);
    assertThat(source).contains("private long a0_sum;").contains("private final Accumulator a1;").doesNotContain("Accumulator a0");
    assertThat(AggregateCompiler.describe(specs)).isEqualTo("compiled (interpreted: [COUNT(DISTINCT s)])");
    assertThat(AggregateCompiler.describe(new AggregateSpec[] {specs[0]})).isEqualTo("compiled");
  }

  @Test
  void switchForcesTheInterpretedAccumulators() {
    AggregateSpec[] specs = {new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "COUNT(*)")};
    TestProperties.with(AggregateCompiler.ENABLED_PROPERTY, "false", () -> {
      assertThat(AggregateCompiler.create(specs).isCompiled()).isFalse();
      assertThat(AggregateCompiler.describe(specs)).isEqualTo("interpreted");
    });
    TestProperties.with(CalcCompiler.ENABLED_PROPERTY, "false", () -> assertThat(AggregateCompiler.create(specs).isCompiled()).isFalse());
    TestProperties.with(AggregateCompiler.ENABLED_PROPERTY, null, () -> assertThat(AggregateCompiler.create(specs).isCompiled()).isTrue());
  }

  @Test
  void numericUpdatesAllocateNothing() {
    AggregateSpec[] specs = java.util.Arrays.stream(catalogue())
        .filter(s -> s.argumentType() == null || (s.argumentType().kind() != TypeKind.DECIMAL || s.argumentType().isCompactDecimal()))
        .filter(s -> s.kind() != AggregateKind.COUNT_DISTINCT && s.kind() != AggregateKind.APPROX_COUNT_DISTINCT)
        // DECIMAL(18, 0) sums overflow a long on purpose: the 128-bit sum takes them without allocating
        .toArray(AggregateSpec[]::new);
    GroupAccumulator group = AggregateCompiler.compile(specs).create();
    ColumnarBatch in = randomRows(new Random(7));
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (int r = 0; r < in.size(); r++) {
      group.add(in, r); // loads and links what the first calls need
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    before = threads.getCurrentThreadAllocatedBytes();
    for (int pass = 0; pass < 20; pass++) {
      for (int r = 0; r < in.size(); r++) {
        group.add(in, r);
      }
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated by %d updates", 20 * in.size()).isZero();
  }

  private static ColumnarBatch randomRows(Random rnd) {
    String[] words = {"", "a", "abc", "abd", "b", "B", "zz"};
    ColumnarBatch in = new ColumnarBatch(INPUT, ROWS);
    long time = 1_000;
    for (int r = 0; r < ROWS; r++) {
      in.beginRow();
      time += rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(7) - 2; // ties and disorder
      in.setRowtime(r, time);
      setOrNull(in, rnd, 0, () -> in.setInt(0, rnd.nextInt(2001) - 1000));
      setOrNull(in, rnd, 1, () -> in.setLong(1, rnd.nextInt(10) == 0 ? Long.MAX_VALUE / 4 - rnd.nextInt(5) : rnd.nextLong(1_000_000)));
      double[] specials = {Double.NaN, -0.0, 0.0, 1e300, -1e-300};
      setOrNull(in, rnd, 2, () -> in.setDouble(2, rnd.nextInt(20) == 0 ? specials[rnd.nextInt(specials.length)] : rnd.nextGaussian() * 100));
      setOrNull(in, rnd, 3, () -> in.setDecimal(3, BigDecimal.valueOf(rnd.nextLong(2_000_000) - 1_000_000, 2)));
      setOrNull(in, rnd, 4, () -> in.setDecimal(4, BigDecimal.valueOf((rnd.nextBoolean() ? 1 : -1) * (900_000_000_000_000_000L
          + rnd.nextLong(99_999_999_999_999_999L)), 0)));
      setOrNull(in, rnd, 5, () -> in.setDecimal(5, new BigDecimal(rnd.nextLong() + "" + rnd.nextInt(1000)).movePointLeft(3)));
      setOrNull(in, rnd, 6, () -> in.setString(6, words[rnd.nextInt(words.length)]));
      setOrNull(in, rnd, 7, () -> in.setBytes(7, new byte[] {(byte) rnd.nextInt(256), (byte) rnd.nextInt(3)}));
      setOrNull(in, rnd, 8, () -> in.setTimestampMillis(8, rnd.nextLong(100_000)));
      setOrNull(in, rnd, 9, () -> in.setBoolean(9, rnd.nextBoolean()));
      in.endRow();
    }
    return in;
  }

  private static void setOrNull(ColumnarBatch in, Random rnd, int column, Runnable set) {
    if (rnd.nextInt(6) == 0) {
      in.setNull(column);
    } else {
      set.run();
    }
  }

  private static Schema outputSchema(AggregateSpec[] specs) {
    Schema.Builder b = Schema.builder();
    for (int a = 0; a < specs.length; a++) {
      b.column("a" + a, specs[a].resultType());
    }
    return b.build();
  }

  private static void assertSameResults(String where, Schema schema, GroupAccumulator expected, GroupAccumulator actual) {
    assertSameResults(where, schema, CATALOGUE_NAMES, expected, actual);
  }

  private static void assertSameResults(String where, Schema schema, String[] names, GroupAccumulator expected, GroupAccumulator actual) {
    ColumnarBatch e = new ColumnarBatch(schema, 1);
    ColumnarBatch a = new ColumnarBatch(schema, 1);
    e.openRow(dev.laminar.sdk.row.RowKind.INSERT, 0, 0);
    a.openRow(dev.laminar.sdk.row.RowKind.INSERT, 0, 0);
    expected.writeResults(e, 0, 0);
    actual.writeResults(a, 0, 0);
    for (int c = 0; c < schema.size(); c++) {
      String cell = where + ": " + schema.column(c).name() + " " + names[c];
      assertThat(a.isNull(0, c)).as(cell + " null").isEqualTo(e.isNull(0, c));
      if (!e.isNull(0, c)) {
        DataType t = schema.column(c).type();
        if (t.kind() == TypeKind.DOUBLE) {
          assertThat(Double.doubleToLongBits(a.getDouble(0, c))).as(cell + " = " + a.getDouble(0, c) + ", expected " + e.getDouble(0, c))
              .isEqualTo(Double.doubleToLongBits(e.getDouble(0, c)));
        } else if (t.isLongBacked()) {
          assertThat(a.getLong(0, c)).as(cell).isEqualTo(e.getLong(0, c));
        } else {
          assertThat(a.getObjectSlot(0, c)).as(cell).isEqualTo(e.getObjectSlot(0, c));
        }
      }
    }
  }

  private static final String[] CATALOGUE_NAMES = java.util.Arrays.stream(catalogue()).map(AggregateSpec::name).toArray(String[]::new);
}
