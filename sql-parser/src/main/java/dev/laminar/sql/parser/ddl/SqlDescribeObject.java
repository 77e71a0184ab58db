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
 * {@code DESCRIBE [SOURCE | SINK | STREAM | CONNECTOR] name}; the kind is null when the statement
 * does not name one ({@code DESCRIBE trades}).
 */
public final class SqlDescribeObject extends SqlCall {
  /** Operator of DESCRIBE; operands are [kind symbol or null, name]. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("DESCRIBE OBJECT", SqlKind.OTHER) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          final ObjectKind kind =
              operands[0] == null ? null : DdlNodes.symbol(operands[0], ObjectKind.class);
          return new SqlDescribeObject(pos, kind, (SqlIdentifier) operands[1]);
        }
      };

  private final ObjectKind kind;
  private final SqlIdentifier name;

  /** Creates a DESCRIBE node; {@code kind} may be null. */
  public SqlDescribeObject(SqlParserPos pos, ObjectKind kind, SqlIdentifier name) {
    super(pos);
    this.kind = kind;
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The kind named in the statement, or null for plain {@code DESCRIBE name}. */
  public ObjectKind kind() {
    return kind;
  }

  /** The described object's name. */
  public SqlIdentifier name() {
    return name;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(
        kind == null ? null : DdlNodes.symbol(kind, getParserPosition()), name);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("DESCRIBE");
    if (kind != null) {
      writer.keyword(kind.keyword());
    }
    name.unparse(writer, 0, 0);
  }
}
