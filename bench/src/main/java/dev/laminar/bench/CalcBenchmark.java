package dev.laminar.bench;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.codegen.CalcCompiler;
import dev.laminar.runtime.codegen.CompiledCalc;
import dev.laminar.runtime.codegen.InterpretedCalc;
import dev.laminar.runtime.expr.ArithmeticExpr;
import dev.laminar.runtime.expr.ComparisonExpr;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.expr.InputRefExpr;
import dev.laminar.runtime.expr.LiteralExpr;
import dev.laminar.runtime.expr.LogicalExpr;
import dev.laminar.runtime.operator.CalcOperator;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code CalcOperator} alone, per input row, interpreted versus compiled, on the same batch of
 * {@value #BATCH} rows and the same query:
 * {@code SELECT price * 1.1, qty + 1 FROM t WHERE price * qty > 1000 AND symbol IS NOT NULL}
 * (about half the rows pass; 1 in 32 prices and symbols is NULL).
 *
 * <p>Run: {@code java -jar bench/target/laminar-bench.jar Calc -f 1 -wi 3 -i 5 -prof gc}
 * ({@code gc.alloc.rate.norm} is bytes per row).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class CalcBenchmark {
  static final int BATCH = 1024;

  @Param({"interpreted", "compiled"})
  public String mode;

  private ColumnarBatch batch;
  private CalcOperator operator;

  /** Consumes the projected batches so that the work is not optimised away. */
  private static final class BlackholeOperator implements Operator {
    private final Blackhole bh;

    BlackholeOperator(Blackhole bh) {
      this.bh = bh;
    }

    @Override
    public void process(ColumnarBatch out) {
      bh.consume(out.size());
      bh.consume(out.getDouble(0, 0));
    }

    @Override
    public void onWatermark(long watermark) {}

    @Override
    public void onEndOfInput() {}
  }

  @Setup
  public void setUp(Blackhole bh) {
    Schema input = Schema.builder()
        .column("symbol", DataType.VARCHAR)
        .column("price", DataType.DOUBLE)
        .column("qty", DataType.BIGINT)
        .build();
    Expr symbol = new InputRefExpr(0, "symbol", DataType.VARCHAR);
    Expr price = new InputRefExpr(1, "price", DataType.DOUBLE);
    Expr qty = new InputRefExpr(2, "qty", DataType.BIGINT);
    Expr condition = new LogicalExpr(LogicalExpr.Op.AND,
        new ComparisonExpr(ComparisonExpr.Op.GT, new ArithmeticExpr(ArithmeticExpr.Op.TIMES, price, qty, DataType.DOUBLE),
            LiteralExpr.ofLong(DataType.INT, 1000)),
        new LogicalExpr(LogicalExpr.Op.IS_NOT_NULL, symbol));
    Expr[] projections = {
        new ArithmeticExpr(ArithmeticExpr.Op.TIMES, price, LiteralExpr.ofDouble(1.1), DataType.DOUBLE),
        new ArithmeticExpr(ArithmeticExpr.Op.PLUS, qty, LiteralExpr.ofLong(DataType.INT, 1), DataType.BIGINT)};
    Schema output = Schema.builder().column("p", DataType.DOUBLE).column("q", DataType.BIGINT).build();
    CompiledCalc calc = mode.equals("compiled") ? CalcCompiler.compile(condition, projections)
        : new InterpretedCalc(condition, projections);
    operator = new CalcOperator(calc, output, BATCH, new BlackholeOperator(bh));
    batch = new ColumnarBatch(input, BATCH);
    for (int r = 0; r < BATCH; r++) {
      batch.beginRow();
      if (r % 32 != 7) {
        batch.setString(0, "SYM" + (r % 100));
      }
      if (r % 32 != 13) {
        batch.setDouble(1, 50.0 + ((r * 7919L) % 1000) / 10.0);
      }
      batch.setLong(2, 1 + (r * 31L) % 20);
      batch.endRow();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void calcPerRow() {
    operator.process(batch);
  }
}
