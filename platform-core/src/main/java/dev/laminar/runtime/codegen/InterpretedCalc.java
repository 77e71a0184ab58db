package dev.laminar.runtime.codegen;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.expr.Expr;

/** The reference implementation: walks the {@link Expr} trees for every row. */
public final class InterpretedCalc implements CompiledCalc {
  private final Expr condition;
  private final Expr[] projections;

  /** {@code condition} may be null (no filter). */
  public InterpretedCalc(Expr condition, Expr[] projections) {
    this.condition = condition;
    this.projections = projections.clone();
  }

  @Override
  public int process(ColumnarBatch in, int from, int to, ColumnarBatch out) {
    final Expr cond = condition;
    final Expr[] proj = projections;
    final int cap = out.capacity();
    int r = from;
    for (; r < to; r++) {
      if (out.size() == cap) {
        return r;
      }
      if (cond != null && (cond.isNull(in, r) || cond.evalLong(in, r) == 0)) {
        continue;
      }
      int o = out.openRow(in.rowKind(r), in.rowtime(r), in.watermark(r));
      for (int c = 0; c < proj.length; c++) {
        proj[c].writeTo(in, r, out, o, c);
      }
      out.commitRow();
    }
    return r;
  }

  @Override
  public boolean isCompiled() {
    return false;
  }
}
