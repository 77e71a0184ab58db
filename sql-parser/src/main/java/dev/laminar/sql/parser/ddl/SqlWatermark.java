package dev.laminar.sql.parser.ddl;

import java.util.List;
import java.util.Objects;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * {@code WATERMARK FOR column AS expression} in {@code CREATE SOURCE}, e.g.
 * {@code WATERMARK FOR ts AS ts - INTERVAL '2' SECOND}.
 */
public final class SqlWatermark extends SqlCall {
  /** Operator of watermark declarations; operands are [column, expression]. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("WATERMARK", SqlKind.OTHER) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlWatermark(pos, (SqlIdentifier) operands[0], operands[1]);
        }
      };

  private final SqlIdentifier column;
  private final SqlNode expression;

  /** Creates a watermark declaration. */
  public SqlWatermark(SqlParserPos pos, SqlIdentifier column, SqlNode expression) {
    super(pos);
    this.column = Objects.requireNonNull(column, "column");
    this.expression = Objects.requireNonNull(expression, "expression");
  }

  /** The event-time column (a simple identifier). */
  public SqlIdentifier column() {
    return column;
  }

  /** The watermark expression, unvalidated (e.g. a MINUS call of the column and an interval). */
  public SqlNode expression() {
    return expression;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(column, expression);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("WATERMARK FOR");
    column.unparse(writer, 0, 0);
    writer.keyword("AS");
    expression.unparse(writer, 0, 0);
  }
}
