package dev.laminar.runtime.operator;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.sdk.type.Schema;

/** Filter and projection in one pass: rows passing {@code condition} (if any) are projected by {@code projections}. */
public final class CalcOperator implements Operator {
  private final Expr condition;
  private final Expr[] projections;
  private final BatchEmitter emitter;

  public CalcOperator(Expr condition, Expr[] projections, Schema outputSchema, int batchCapacity, Operator downstream) {
    this.condition = condition;
    this.projections = projections.clone();
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
  }

  @Override
  public void process(ColumnarBatch in) {
    final Expr cond = condition;
    final Expr[] proj = projections;
    final int n = in.size();
    for (int r = 0; r < n; r++) {
      if (cond != null && (cond.isNull(in, r) || cond.evalLong(in, r) == 0)) {
        continue;
      }
      int o = emitter.openRow(in.rowKind(r), in.rowtime(r), in.watermark(r));
      ColumnarBatch out = emitter.batch();
      for (int c = 0; c < proj.length; c++) {
        proj[c].writeTo(in, r, out, o, c);
      }
      emitter.commitRow();
    }
    emitter.flush();
  }

  @Override
  public void onWatermark(long watermark) {
    emitter.downstream().onWatermark(watermark);
  }

  @Override
  public void onEndOfInput() {
    emitter.flush();
    emitter.downstream().onEndOfInput();
  }
}
