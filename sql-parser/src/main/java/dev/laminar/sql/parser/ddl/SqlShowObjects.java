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

/** {@code SHOW SOURCES | SINKS | STREAMS | CONNECTORS}. */
public final class SqlShowObjects extends SqlCall {
  /** Operator of SHOW; the only operand is the kind symbol. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("SHOW", SqlKind.OTHER) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlShowObjects(pos, DdlNodes.symbol(operands[0], ObjectKind.class));
        }
      };

  private final ObjectKind kind;

  /** Creates a SHOW node. */
  public SqlShowObjects(SqlParserPos pos, ObjectKind kind) {
    super(pos);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** What is listed ({@code SHOW SOURCES} gives {@link ObjectKind#SOURCE}). */
  public ObjectKind kind() {
    return kind;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(DdlNodes.symbol(kind, getParserPosition()));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SHOW");
    writer.keyword(kind.pluralKeyword());
  }
}
