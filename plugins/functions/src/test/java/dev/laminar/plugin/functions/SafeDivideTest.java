package dev.laminar.plugin.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.tck.RowArguments;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafeDivideTest {
  private final SafeDivide function = new SafeDivide();

  private Object divide(List<DataType> types, Object a, Object b) {
    return function.evaluate(new RowArguments(types).set(Row.of(a, b)));
  }

  @Test
  void dividesNumbersOfAnyNumericTypeAsDouble() {
    assertThat(function.resultType(List.of(DataType.INT, DataType.decimal(10, 2)))).isEqualTo(DataType.DOUBLE);
    assertThat(divide(List.of(DataType.BIGINT, DataType.INT), 7L, 2)).isEqualTo(3.5);
    assertThat(divide(List.of(DataType.decimal(10, 2), DataType.DOUBLE), new BigDecimal("1.50"), -0.5)).isEqualTo(-3.0);
  }

  @Test
  void zeroDivisorOrNullArgumentGivesNull() {
    List<DataType> doubles = List.of(DataType.DOUBLE, DataType.DOUBLE);
    assertThat(divide(doubles, 1.0, 0.0)).isNull();
    assertThat(divide(doubles, 1.0, -0.0)).isNull();
    assertThat(divide(List.of(DataType.INT, DataType.INT), 0, 0)).isNull();
    assertThat(divide(doubles, null, 2.0)).isNull();
    assertThat(divide(doubles, 2.0, null)).isNull();
  }

  @Test
  void rejectsOtherSignaturesNamingTheExpectedOne() {
    assertThatThrownBy(() -> function.resultType(List.of(DataType.DOUBLE))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SAFE_DIVIDE(a, b)");
    assertThatThrownBy(() -> function.resultType(List.of(DataType.VARCHAR, DataType.INT))).isInstanceOf(IllegalArgumentException.class);
    assertThat(function.isDeterministic()).isTrue();
  }
}
