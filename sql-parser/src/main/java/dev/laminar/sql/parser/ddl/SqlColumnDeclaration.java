package dev.laminar.sql.parser.ddl;

import java.util.List;
import java.util.Objects;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** A column of {@code CREATE SOURCE}: {@code name type [NOT NULL]}. */
public final class SqlColumnDeclaration extends SqlCall {
  /** Operator of column declarations; operands are [name, type, nullable flag]. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("COLUMN_DECL", SqlKind.COLUMN_DECL) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlColumnDeclaration(pos, (SqlIdentifier) operands[0],
              (SqlDataTypeSpec) operands[1], DdlNodes.flag(operands[2]), operands.length > 3 && DdlNodes.flag(operands[3]));
        }
      };

  private final SqlIdentifier name;
  private final SqlDataTypeSpec type;
  private final boolean nullable;
  private final boolean proctime;

  /** Creates a column; the stored type spec carries {@code nullable} too. */
  public SqlColumnDeclaration(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec type,
      boolean nullable) {
    this(pos, name, type, nullable, false);
  }

  /** Creates a column; {@code proctime} for {@code name AS PROCTIME()} (TIMESTAMP(3) NOT NULL, filled by the engine). */
  public SqlColumnDeclaration(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec type,
      boolean nullable, boolean proctime) {
    super(pos);
    this.proctime = proctime;
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type").withNullable(nullable);
    this.nullable = nullable;
  }

  /** True for {@code name AS PROCTIME()}: the engine fills the column with the time each row is read. */
  public boolean proctime() {
    return proctime;
  }

  /** The column name (a simple identifier). */
  public SqlIdentifier name() {
    return name;
  }

  /**
   * The declared type, with {@link SqlDataTypeSpec#getNullable()} set to {@link #nullable()};
   * {@code STRING} and {@code BYTES} are already VARCHAR and VARBINARY here.
   */
  public SqlDataTypeSpec type() {
    return type;
  }

  /** False when declared {@code NOT NULL}. */
  public boolean nullable() {
    return nullable;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name, type, DdlNodes.flag(nullable), DdlNodes.flag(proctime));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    name.unparse(writer, 0, 0);
    if (proctime) {
      writer.keyword("AS PROCTIME()");
      return;
    }
    type.unparse(writer, 0, 0);
    if (!nullable) {
      writer.keyword("NOT NULL");
    }
  }
}
