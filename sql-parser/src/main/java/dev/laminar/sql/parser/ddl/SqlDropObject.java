package dev.laminar.sql.parser.ddl;

import java.util.List;
import java.util.Objects;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDrop;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code DROP SOURCE | SINK | STREAM [IF EXISTS] name [CASCADE]}. */
public final class SqlDropObject extends SqlDrop {
  /** Operator of DROP; operands are [kind symbol, name, ifExists flag, cascade flag]. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("DROP OBJECT", SqlKind.OTHER_DDL) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlDropObject(pos, DdlNodes.symbol(operands[0], ObjectKind.class),
              DdlNodes.flag(operands[2]), (SqlIdentifier) operands[1],
              DdlNodes.flag(operands[3]));
        }
      };

  private final ObjectKind kind;
  private final SqlIdentifier name;
  private final boolean cascade;

  /** Creates a DROP node; {@code kind} is SOURCE, SINK or STREAM. */
  public SqlDropObject(SqlParserPos pos, ObjectKind kind, boolean ifExists, SqlIdentifier name,
      boolean cascade) {
    super(OPERATOR, pos, ifExists);
    this.kind = Objects.requireNonNull(kind, "kind");
    if (kind == ObjectKind.CONNECTOR) {
      throw new IllegalArgumentException("connectors cannot be dropped");
    }
    this.name = Objects.requireNonNull(name, "name");
    this.cascade = cascade;
  }

  /** What is dropped: SOURCE, SINK or STREAM. */
  public ObjectKind kind() {
    return kind;
  }

  /** The dropped object's name. */
  public SqlIdentifier name() {
    return name;
  }

  /** Whether IF EXISTS was given. */
  public boolean ifExists() {
    return ifExists;
  }

  /** Whether CASCADE was given. */
  public boolean cascade() {
    return cascade;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(DdlNodes.symbol(kind, getParserPosition()), name,
        DdlNodes.flag(ifExists), DdlNodes.flag(cascade));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("DROP");
    writer.keyword(kind.keyword());
    if (ifExists) {
      writer.keyword("IF EXISTS");
    }
    name.unparse(writer, 0, 0);
    if (cascade) {
      writer.keyword("CASCADE");
    }
  }
}
