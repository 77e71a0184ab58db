package dev.laminar.runtime.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.StoreChains;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Test support for the store-backed joins: random inputs (VARCHAR and BIGINT key columns with NULLs and duplicates,
 * DOUBLE and nullable payload, out-of-order and late rows; optionally a changelog on the right; or the same over
 * {@link #WIDE}: BYTES and wide DECIMAL keys, 70 columns of every type) run through a reference operator without
 * interruption and through an operator checkpointed and restarted at random, compared between output watermarks (the
 * order of rows within a batch may differ: ties in time and probe order).
 */
final class JoinDifferential {
  /** Each input's schema. */
  static final Schema SIDE = Schema.builder().column("k", DataType.VARCHAR, true).column("g", DataType.BIGINT, false)
      .column("v", DataType.DOUBLE, true).column("ts", DataType.TIMESTAMP, false).build();
  /** The joined schema: left columns, then right columns. */
  static final Schema JOINED = Schema.builder().column("k", DataType.VARCHAR, true).column("g", DataType.BIGINT, true)
      .column("v", DataType.DOUBLE, true).column("ts", DataType.TIMESTAMP, true).column("rk", DataType.VARCHAR, true)
      .column("rg", DataType.BIGINT, true).column("rv", DataType.DOUBLE, true).column("rts", DataType.TIMESTAMP, true).build();
  /** The join keys of both inputs: k and g. */
  static final int[] KEYS = {0, 1};
  /** The types of {@link #WIDE}'s columns 4..69, in turn: the last three (past column 64) VARCHAR, BYTES, DECIMAL(38, 10). */
  private static final DataType[] FILLER = {DataType.VARCHAR, DataType.BYTES, DataType.decimal(38, 10), DataType.BIGINT, DataType.DOUBLE,
      DataType.INT, DataType.BOOLEAN, DataType.decimal(10, 2), DataType.decimal(30, 4)};
  /**
   * An input of 70 columns: k BYTES and g DECIMAL(30, 4) (the join keys, nullable), v DOUBLE, ts, then 66 nullable columns of
   * every type ({@link #FILLER}); decimal values of several scales, within a column too (as {@code BigDecimal}s come).
   */
  static final Schema WIDE = wide();
  /** {@link #WIDE}'s joined schema: its columns, then the same again. */
  static final Schema WIDE_JOINED = joined(WIDE);

  private JoinDifferential() {}

  private static Schema wide() {
    Schema.Builder b = Schema.builder().column("k", DataType.BYTES, true).column("g", DataType.decimal(30, 4), true)
        .column("v", DataType.DOUBLE, true).column("ts", DataType.TIMESTAMP, false);
    for (int c = 4; c < 70; c++) {
      b.column("c" + c, FILLER[(c - 4) % FILLER.length], true);
    }
    return b.build();
  }

  private static Schema joined(Schema side) {
    Schema.Builder b = Schema.builder();
    for (String prefix : new String[] {"", "r"}) {
      for (int c = 0; c < side.size(); c++) {
        b.column(prefix + side.column(c).name(), side.column(c).type(), true);
      }
    }
    return b.build();
  }

  /** A batch for one input. */
  record Step(boolean left, ColumnarBatch batch) {}

  /**
   * {@code make}'s operator, checkpointed at random batch boundaries (each store captured in full the first time, incrementally
   * afterwards, chains compacted now and then) and restarted from its latest checkpoint now and then (a fresh operator, heap
   * part restored, stores restored from their chains, the batches after that checkpoint replayed and the output produced
   * since discarded, as a sink aborts an undecided epoch), against {@code reference}'s, uninterrupted: between two output
   * watermarks the same multiset of rows, the same watermarks, and the same rows left in state once both inputs ended.
   */
  static void runDifferential(Object label, long seed, Path dir, Function<Operator, TwoInputOperator> reference,
      Function<Operator, TwoInputOperator> make, boolean changelogRight) throws Exception {
    runDifferential(label, seed, dir, reference, make, changelogRight, SIDE);
  }

  /**
   * {@link #runDifferential(Object, long, Path, Function, Function, boolean)} over inputs of schema {@code side}: {@link #SIDE} or
   * {@link #WIDE}.
   */
  static void runDifferential(Object label, long seed, Path dir, Function<Operator, TwoInputOperator> reference,
      Function<Operator, TwoInputOperator> make, boolean changelogRight, Schema side) throws Exception {
    Random rnd = new Random(seed);
    List<Step> steps = side == WIDE ? randomWideSteps(rnd, changelogRight) : randomSteps(rnd, changelogRight);
    Run uninterrupted = runKeepingState(reference, steps);
    List<String> expected = uninterrupted.rows();
    assertThat(expected.stream().filter(s -> !s.startsWith("wm")).count()).as("%s seed %d: rows joined", label, seed).isGreaterThan(30); // ANTI yields the fewest: 94 seen

    Collector out = new Collector();
    TwoInputOperator op = make.apply(out);
    StoreChains chains = new StoreChains(dir);
    int checkpointStep = 0;
    int committed = 0;
    int checkpoints = 0;
    int restarts = 0;
    int incrementals = 0;
    for (int s = 0; s < steps.size(); s++) {
      Step step = steps.get(s);
      (step.left() ? op.left() : op.right()).process(step.batch());
      if (rnd.nextInt(4) == 0) { // a checkpoint after this batch
        incrementals += chains.checkpoint((StoreBacked) op);
        checkpoints++;
        checkpointStep = s + 1;
        committed = out.rows.size();
        if (rnd.nextInt(3) == 0) {
          chains.compact();
        }
      } else if (chains.any() && (rnd.nextInt(8) == 0 || restarts == 0 && s >= steps.size() / 2)) {
        // a crash: back to the last checkpoint (at random, and at least once: a seed without one checked nothing)
        ((AutoCloseable) op).close();
        out.rows.subList(committed, out.rows.size()).clear();
        op = make.apply(out);
        chains.restore((StoreBacked) op);
        s = checkpointStep - 1;
        restarts++;
      }
    }
    op.left().onEndOfInput();
    op.right().onEndOfInput();
    assertThat(op.stateRows()).as("%s seed %d: both inputs ended: the rows kept", label, seed).isEqualTo(uninterrupted.stateRows());
    int values = op instanceof StoredIntervalJoinOperator i ? i.distinctValues() : op instanceof StoredAsofJoinOperator a
        ? a.distinctValues() : 0;
    if (op.stateRows() == 0) {
      assertThat(values).as("%s seed %d: no value left in the dictionary", label, seed).isZero();
    }
    ((AutoCloseable) op).close();
    assertThat(restarts).as("%s seed %d: the run restarted", label, seed).isPositive();
    assertThat(incrementals).as("%s seed %d: some chains had deltas", label, seed).isPositive();
    assertThat(segments(out.rows)).as("%s seed %d: results after %d restarts from %d checkpoints", label, seed, restarts, checkpoints)
        .isEqualTo(segments(expected));
  }

  /** Runs the steps through the operator {@code make} builds on a fresh collector, then ends both inputs: what it emitted. */
  static List<String> run(Function<Operator, TwoInputOperator> make, List<Step> steps) throws Exception {
    return runKeepingState(make, steps).rows();
  }

  /** What an uninterrupted run emitted, and the rows its operator still held once both inputs ended. */
  record Run(List<String> rows, long stateRows) {}

  static Run runKeepingState(Function<Operator, TwoInputOperator> make, List<Step> steps) throws Exception {
    Collector out = new Collector();
    TwoInputOperator join = make.apply(out);
    for (Step s : steps) {
      (s.left() ? join.left() : join.right()).process(s.batch());
    }
    join.left().onEndOfInput();
    join.right().onEndOfInput();
    long state = join.stateRows();
    if (join instanceof AutoCloseable c) {
      c.close();
    }
    return new Run(out.rows, state);
  }

  /** Output rows grouped by the watermarks between them: each group sorted. */
  static List<List<String>> segments(List<String> events) {
    List<List<String>> segments = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String e : events) {
      if (e.startsWith("wm")) {
        current.sort(null);
        segments.add(current);
        segments.add(List.of(e));
        current = new ArrayList<>();
      } else {
        current.add(e);
      }
    }
    current.sort(null);
    segments.add(current);
    return segments;
  }

  /**
   * Batches of both inputs, interleaved at random; each input's watermark 40 ms behind its latest row, so some rows are late.
   * With {@code changelogRight} the right rows are a changelog: some {@code -D}, some {@code -U} each followed by a {@code +U}.
   */
  static List<Step> randomSteps(Random rnd, boolean changelogRight) {
    String[] words = {"a", "b", "abc", "zz", "é"};
    return steps(rnd, changelogRight, SIDE, (in, row) -> {
      if (rnd.nextInt(12) == 0) {
        in.putNull(row, 0);
      } else {
        in.putObject(row, 0, words[rnd.nextInt(words.length)]);
      }
      in.putLong(row, 1, rnd.nextInt(3));
      if (rnd.nextInt(8) == 0) {
        in.putNull(row, 2);
      } else {
        in.putDouble(row, 2, rnd.nextInt(5) == 0 ? -0.0 : rnd.nextInt(1000) / 8.0);
      }
    });
  }

  /**
   * {@link #randomSteps} over {@link #WIDE}: keys of four byte strings (new arrays each row: equal by content) and three
   * decimals (1.5000 and 1.5 are different keys, as {@code BigDecimal.equals} has it), a quarter of the other cells NULL,
   * values from small pools (shared dictionary entries) or random.
   */
  static List<Step> randomWideSteps(Random rnd, boolean changelogRight) {
    byte[][] keyBytes = {{}, {0}, {1, 2}, {(byte) 0xff, 0, 127}};
    String[] keyDecimals = {"1.5000", "1.5", "-98765432109876543210.1234"};
    return steps(rnd, changelogRight, WIDE, (in, row) -> {
      if (rnd.nextInt(12) == 0) {
        in.putNull(row, 0);
      } else {
        in.putObject(row, 0, keyBytes[rnd.nextInt(keyBytes.length)].clone());
      }
      if (rnd.nextInt(12) == 0) {
        in.putNull(row, 1);
      } else {
        in.putObject(row, 1, new BigDecimal(keyDecimals[rnd.nextInt(keyDecimals.length)]));
      }
      in.putDouble(row, 2, rnd.nextInt(1000) / 8.0);
      for (int c = 4; c < WIDE.size(); c++) {
        if (rnd.nextInt(4) == 0) {
          in.putNull(row, c);
          continue;
        }
        DataType t = WIDE.column(c).type();
        boolean pooled = rnd.nextBoolean();
        switch (t.kind()) {
          case VARCHAR -> in.putObject(row, c, pooled ? "s" + rnd.nextInt(4) : Long.toString(rnd.nextLong(), 36));
          case BYTES -> {
            byte[] b = new byte[pooled ? 2 : rnd.nextInt(7)];
            if (pooled) {
              b[0] = (byte) rnd.nextInt(3);
            } else {
              rnd.nextBytes(b);
            }
            in.putObject(row, c, b);
          }
          case DOUBLE -> in.putDouble(row, c, rnd.nextGaussian());
          case BOOLEAN -> in.putLong(row, c, rnd.nextInt(2));
          case DECIMAL -> {
            if (t.isCompactDecimal()) {
              in.putLong(row, c, rnd.nextInt(100_000) - 50_000);
            } else {
              BigInteger unscaled = pooled ? BigInteger.valueOf(rnd.nextInt(3))
                  : BigInteger.valueOf(rnd.nextLong()).multiply(BigInteger.TEN.pow(12));
              in.putObject(row, c, new BigDecimal(unscaled, new int[] {0, 2, 4, 10}[rnd.nextInt(4)]));
            }
          }
          default -> in.putLong(row, c, rnd.nextLong());
        }
      }
    });
  }

  /** Fills the cells of one row but its event time (column 3). */
  private interface Cells {
    void fill(ColumnarBatch in, int row);
  }

  private static List<Step> steps(Random rnd, boolean changelogRight, Schema schema, Cells cells) {
    List<Step> steps = new ArrayList<>();
    long[] clock = {0, 0};
    long[] max = {0, 0};
    for (int b = 0; b < 160; b++) {
      boolean left = rnd.nextBoolean();
      int side = left ? 0 : 1;
      ColumnarBatch in = new ColumnarBatch(schema, 64);
      int rows = 1 + rnd.nextInt(48);
      for (int r = 0; r < rows; r++) {
        clock[side] += rnd.nextInt(4);
        long t = Math.max(0, clock[side] - rnd.nextInt(60));
        max[side] = Math.max(max[side], t);
        RowKind kind = RowKind.INSERT;
        if (changelogRight && !left) {
          int k = rnd.nextInt(10);
          kind = k == 0 ? RowKind.DELETE : k == 1 ? RowKind.UPDATE_BEFORE : k < 4 ? RowKind.UPDATE_AFTER : RowKind.INSERT;
        }
        int row = in.openRow(kind, t, max[side] - 40);
        cells.fill(in, row);
        in.putLong(row, 3, t);
        in.commitRow();
      }
      steps.add(new Step(left, in));
    }
    return steps;
  }

  /** Keeps every row (and every watermark) it is given, as text (a {@code byte[]} by its content, a decimal with its scale). */
  static final class Collector implements Operator {
    final List<String> rows = new ArrayList<>();
    boolean keep = true;
    long count;

    @Override
    public void process(ColumnarBatch batch) {
      count += batch.size();
      if (!keep) {
        return;
      }
      for (int r = 0; r < batch.size(); r++) {
        Object[] cells = new Object[batch.schema().size()];
        for (int c = 0; c < cells.length; c++) {
          Object v = batch.isNull(r, c) ? null : batch.getObject(r, c);
          cells[c] = v instanceof byte[] b ? "0x" + HexFormat.of().formatHex(b) : v;
        }
        rows.add(Arrays.toString(cells) + " @" + batch.rowtime(r));
      }
    }

    @Override
    public void onWatermark(long watermark) {
      if (keep) {
        rows.add("wm " + watermark);
      }
    }

    @Override
    public void onEndOfInput() {
      if (keep) {
        rows.add("end");
      }
    }
  }
}
