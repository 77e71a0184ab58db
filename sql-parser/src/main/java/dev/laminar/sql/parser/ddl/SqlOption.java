package dev.laminar.sql.parser.ddl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** One {@code 'key' = 'value'} entry of a {@code WITH (...)} clause; both sides are string literals. */
public final class SqlOption extends SqlCall {
  /** Operator of options; operands are [key, value]. */
  public static final SqlOperator OPERATOR = new SqlSpecialOperator("OPTION", SqlKind.OTHER) {
    @Override
    public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
      return new SqlOption(pos, (SqlLiteral) operands[0], (SqlLiteral) operands[1]);
    }
  };

  private final SqlLiteral key;
  private final SqlLiteral value;

  /** Creates an option from two character string literals. */
  public SqlOption(SqlParserPos pos, SqlLiteral key, SqlLiteral value) {
    super(pos);
    this.key = Objects.requireNonNull(key, "key");
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The key literal (carries the key's position). */
  public SqlLiteral key() {
    return key;
  }

  /** The value literal. */
  public SqlLiteral value() {
    return value;
  }

  /** The key as a Java string. */
  public String keyString() {
    return key.getValueAs(String.class);
  }

  /** The value as a Java string. */
  public String valueString() {
    return value.getValueAs(String.class);
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(key, value);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    key.unparse(writer, 0, 0);
    writer.keyword("=");
    value.unparse(writer, 0, 0);
  }

  /**
   * Returns the options of a {@code WITH} clause as an unmodifiable map in declaration order.
   *
   * @throws org.apache.calcite.runtime.CalciteContextException if a key occurs twice; the message
   *     names the key and the error is positioned at its second occurrence
   */
  public static Map<String, String> toMap(SqlNodeList options) {
    final Map<String, String> map = new LinkedHashMap<>();
    for (SqlNode node : options) {
      final SqlOption option = (SqlOption) node;
      final String k = option.keyString();
      if (map.putIfAbsent(k, option.valueString()) != null) {
        throw DdlErrors.error(option.key().getParserPosition(),
            "Duplicate option key '" + k + "'");
      }
    }
    return Collections.unmodifiableMap(map);
  }
}
