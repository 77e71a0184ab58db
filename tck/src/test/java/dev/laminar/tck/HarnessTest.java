package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.listconnector.ListSourceContext;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarnessTest {
  private static final Schema SCHEMA = Schema.builder()
      .column("id", DataType.BIGINT, false)
      .column("name", DataType.VARCHAR)
      .column("n", DataType.INT)
      .column("price", DataType.decimal(6, 2))
      .column("ts", DataType.TIMESTAMP)
      .build();

  @Test
  void collectsTypedRowsInTheirJavaRepresentation() {
    CollectingBatchWriter w = new CollectingBatchWriter(SCHEMA, 4);
    w.beginRow();
    w.setLong(0, 7);
    w.setString(1, "seven");
    w.setInt(2, 3);
    w.setDecimal(3, new BigDecimal("1.005"));
    w.setTimestampMillis(4, -1);
    w.setRowKind(RowKind.UPDATE_AFTER);
    w.endRow();
    w.beginRow();
    w.setObject(0, 8L);
    w.setDecimalUnscaled(3, 150);
    w.endRow();

    assertThat(w.drain()).containsExactly(
        Row.ofKind(RowKind.UPDATE_AFTER, 7L, "seven", 3, new BigDecimal("1.01"), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000)),
        Row.of(8L, null, null, new BigDecimal("1.50"), null));
    assertThat(w.size()).isZero();
  }

  @Test
  void setterOfTheWrongTypeThrowsNamingTheColumn() {
    CollectingBatchWriter w = new CollectingBatchWriter(SCHEMA, 4);
    w.beginRow();
    assertThatThrownBy(() -> w.setLong(1, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'name'").hasMessageContaining("VARCHAR").hasMessageContaining("setLong");
    assertThatThrownBy(() -> w.setString(0, "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'id'");
    assertThatThrownBy(() -> w.setLong(2, 1L << 40)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'n'");
    assertThatThrownBy(() -> w.setDecimal(3, new BigDecimal("12345.6"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'price'");
    assertThatThrownBy(() -> w.setObject(2, 1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'n'");
  }

  @Test
  void enforcesTheRowProtocol() {
    CollectingBatchWriter w = new CollectingBatchWriter(SCHEMA, 1);
    assertThatThrownBy(() -> w.setLong(0, 1)).isInstanceOf(IllegalStateException.class);
    w.beginRow();
    assertThatThrownBy(w::beginRow).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(w::endRow).isInstanceOf(IllegalStateException.class).hasMessageContaining("'id'");
    w.setLong(0, 1);
    w.endRow();
    assertThat(w.isFull()).isTrue();
    assertThatThrownBy(w::beginRow).isInstanceOf(IllegalStateException.class).hasMessageContaining("full");
  }

  @Test
  void listRowBatchChecksRowsAndGetters() {
    ListRowBatch batch = new ListRowBatch(SCHEMA, List.of(Row.of(1L, "a", 2, new BigDecimal("3.5"), LocalDateTime.of(1970, 1, 1, 0, 0, 1))));
    assertThat(batch.getLong(0, 0)).isEqualTo(1);
    assertThat(batch.getDecimal(0, 3)).isEqualTo(new BigDecimal("3.50"));
    assertThat(batch.getDecimalUnscaled(0, 3)).isEqualTo(350);
    assertThat(batch.getTimestampMillis(0, 4)).isEqualTo(1000);
    assertThat(batch.toRow(0)).isEqualTo(Row.of(1L, "a", 2, new BigDecimal("3.50"), LocalDateTime.of(1970, 1, 1, 0, 0, 1)));
    assertThatThrownBy(() -> batch.getString(0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'id'");
    assertThatThrownBy(() -> new ListRowBatch(SCHEMA, List.of(Row.of(1, "a", 2, null, null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0").hasMessageContaining("'id'");
    assertThatThrownBy(() -> new ListRowBatch(SCHEMA, List.of(Row.of(1L))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0");
  }

  @Test
  void testDataIsDistinctAndFitsTheSchema() {
    List<Row> rows = TestData.rows(ListSourceContext.SCHEMA, 200);
    assertThat(rows).doesNotHaveDuplicates().hasSize(200);
    assertThat(new ListRowBatch(ListSourceContext.SCHEMA, rows).rows()).isEqualTo(rows);
  }

  @Test
  void driverFailsAReaderThatNeverFinishesInsteadOfHanging() {
    SourceReader endless = new SourceReader() {
      @Override
      public void restore(byte[] position) {}

      @Override
      public PollStatus poll(BatchWriter out) {
        return PollStatus.IDLE;
      }

      @Override
      public byte[] position() {
        return new byte[0];
      }

      @Override
      public void close() {}
    };
    SourceReaderDriver driver = new SourceReaderDriver(SCHEMA).withMaxPolls(50);
    assertThatThrownBy(() -> driver.readUntilFinished(endless)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not finish within 50 polls");
  }
}
