package dev.laminar.bench;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
import org.openjdk.jmh.infra.Blackhole;

/** The end of an operator chain in a JMH benchmark: consumes what it receives so nothing is optimised away. */
final class BlackholeOperator implements Operator {
  private final Blackhole bh;

  BlackholeOperator(Blackhole bh) {
    this.bh = bh;
  }

  @Override
  public void process(ColumnarBatch batch) {
    bh.consume(batch.size());
    bh.consume(batch);
  }

  @Override
  public void onWatermark(long watermark) {
    bh.consume(watermark);
  }

  @Override
  public void onEndOfInput() {}
}
