package dev.laminar.sql.parser.ddl;

import java.util.List;
import java.util.Objects;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code CREATE [OR REPLACE] STREAM [IF NOT EXISTS] name AS query [EMIT ...]}: a named continuous query. */
public final class SqlCreateStream extends SqlCreate {
  /** Operator of CREATE STREAM; operands are [name, query, emit or null, ifNotExists, replace]. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("CREATE STREAM", SqlKind.OTHER_DDL) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlCreateStream(pos, DdlNodes.flag(operands[4]), DdlNodes.flag(operands[3]),
              (SqlIdentifier) operands[0], operands[1], (SqlEmit) operands[2],
              operands.length > 5 && DdlNodes.flag(operands[5]));
        }
      };

  private final SqlIdentifier name;
  private final SqlNode query;
  private final SqlEmit emit;
  private final boolean materialized;

  /**
   * Creates a CREATE STREAM node.
   *
   * @param emit the emit clause, or null
   */
  public SqlCreateStream(SqlParserPos pos, boolean replace, boolean ifNotExists,
      SqlIdentifier name, SqlNode query, SqlEmit emit) {
    this(pos, replace, ifNotExists, name, query, emit, false);
  }

  /** Creates a CREATE STREAM or, with {@code materialized}, a CREATE MATERIALIZED VIEW node. */
  public SqlCreateStream(SqlParserPos pos, boolean replace, boolean ifNotExists,
      SqlIdentifier name, SqlNode query, SqlEmit emit, boolean materialized) {
    super(OPERATOR, pos, replace, ifNotExists);
    this.materialized = materialized;
    this.name = Objects.requireNonNull(name, "name");
    this.query = Objects.requireNonNull(query, "query");
    this.emit = emit;
  }

  /** The stream name. */
  public SqlIdentifier name() {
    return name;
  }

  /** The defining query (SqlSelect, SqlOrderBy, SqlWith, set operation, ...). */
  public SqlNode query() {
    return query;
  }

  /** The emit clause, or null when absent. */
  public SqlEmit emit() {
    return emit;
  }

  /** True for CREATE MATERIALIZED VIEW: the stream's current contents are kept for point queries. */
  public boolean materialized() {
    return materialized;
  }

  /** Whether IF NOT EXISTS was given. */
  public boolean ifNotExists() {
    return ifNotExists;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name, query, emit,
        DdlNodes.flag(ifNotExists), DdlNodes.flag(getReplace()), DdlNodes.flag(materialized));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE");
    if (getReplace()) {
      writer.keyword("OR REPLACE");
    }
    writer.keyword(materialized ? "MATERIALIZED VIEW" : "STREAM");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    writer.keyword("AS");
    writer.newlineAndIndent();
    query.unparse(writer, 0, 0);
    if (emit != null) {
      emit.unparse(writer, 0, 0);
    }
  }
}
