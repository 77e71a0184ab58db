package dev.laminar.sql.parser.ddl;

import java.util.List;
import java.util.Objects;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * Bare {@code EXPLAIN statement}, where the statement is a query, a DML statement or a CREATE
 * (e.g. {@code EXPLAIN CREATE STREAM s AS ...}). {@code EXPLAIN PLAN ... FOR ...} still yields
 * Calcite's {@link org.apache.calcite.sql.SqlExplain}.
 */
public final class SqlExplainStatement extends SqlCall {
  /** Operator of bare EXPLAIN; the only operand is the explained statement. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("EXPLAIN STATEMENT", SqlKind.OTHER) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlExplainStatement(pos, operands[0]);
        }
      };

  private final SqlNode explained;

  /** Creates an EXPLAIN node. */
  public SqlExplainStatement(SqlParserPos pos, SqlNode explained) {
    super(pos);
    this.explained = Objects.requireNonNull(explained, "explained");
  }

  /** The explained statement (a query, DML, {@link SqlCreateStream}, {@link SqlCreateSink}, ...). */
  public SqlNode explained() {
    return explained;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(explained);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("EXPLAIN");
    explained.unparse(writer, 0, 0);
  }
}
