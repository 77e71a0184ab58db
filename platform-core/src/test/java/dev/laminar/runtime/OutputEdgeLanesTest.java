package dev.laminar.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An edge fed by several shards keeps each lane's order and aligns barriers and the end of input. */
class OutputEdgeLanesTest {
  private static final Schema SCHEMA = Schema.builder().column("v", DataType.BIGINT, false).build();

  private static ColumnarBatch rows(long... values) {
    return TestBatches.longs(SCHEMA, values);
  }


  /** What the consumer sees: row values, "B<epoch>" for a barrier, "END". */
  private static List<String> pollAll(OutputEdge edge) {
    List<String> seen = new ArrayList<>();
    ColumnarBatch b;
    while ((b = edge.poll()) != null) {
      for (int r = 0; r < b.size(); r++) {
        seen.add(Long.toString(b.getLong(r, 0)));
      }
      if (b.barrierEpoch() >= 0) {
        seen.add("B" + b.barrierEpoch());
      }
      if (b.isEndOfInput()) {
        seen.add("END");
      }
      BatchPool.release(b);
    }
    return seen;
  }

  @Test
  void aBarrierReachesTheConsumerOnceEveryLaneHasPassedIt() {
    OutputEdge edge = new OutputEdge(SCHEMA, 4, 8);
    OutputEdge[] lanes = edge.shard(2);
    lanes[0].process(rows(1, 2));
    lanes[0].barrier(7);
    lanes[0].process(rows(3)); // after the barrier: must not overtake lane 1's rows before it
    lanes[1].process(rows(100));

    List<String> first = pollAll(edge);
    assertThat(first).containsExactlyInAnyOrder("1", "2", "100"); // lane 0 is held at the barrier
    assertThat(first.indexOf("1")).isLessThan(first.indexOf("2"));

    lanes[1].process(rows(101));
    lanes[1].barrier(7);
    List<String> second = pollAll(edge);
    assertThat(second).startsWith("101", "B7").contains("3").hasSize(3);

    lanes[0].onEndOfInput();
    assertThat(pollAll(edge)).isEmpty(); // lane 1 has not ended
    lanes[1].process(rows(102));
    lanes[1].onEndOfInput();
    assertThat(pollAll(edge)).containsExactly("102", "END");
  }

  @Test
  void aLaneThatEndedDoesNotHoldBackABarrier() {
    OutputEdge edge = new OutputEdge(SCHEMA, 4, 8);
    OutputEdge[] lanes = edge.shard(3);
    lanes[2].onEndOfInput();
    lanes[0].barrier(1);
    lanes[1].process(rows(5));
    assertThat(pollAll(edge)).containsExactly("5");
    lanes[1].barrier(1);
    assertThat(pollAll(edge)).containsExactly("B1");
    lanes[0].onEndOfInput();
    lanes[1].onEndOfInput();
    assertThat(pollAll(edge)).containsExactly("END");
  }

  @Test
  void oneLaneEdgeIsUnchanged() {
    OutputEdge edge = new OutputEdge(SCHEMA, 4, 8);
    assertThat(edge.shard(1)).containsExactly(edge);
    edge.process(rows(1));
    edge.barrier(3);
    edge.onEndOfInput();
    assertThat(pollAll(edge)).containsExactly("1", "B3", "END");
  }
}
