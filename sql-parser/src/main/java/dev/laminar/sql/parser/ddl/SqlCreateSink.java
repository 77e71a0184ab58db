package dev.laminar.sql.parser.ddl;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * {@code CREATE [OR REPLACE] SINK [IF NOT EXISTS] name FROM stream [WITH (...)]} or
 * {@code CREATE [OR REPLACE] SINK [IF NOT EXISTS] name [WITH (...)] AS query [EMIT ...]}; exactly
 * one of {@link #from()} and {@link #query()} is non-null.
 */
public final class SqlCreateSink extends SqlCreate {
  /**
   * Operator of CREATE SINK; operands are [name, from or null, query or null, options, emit or
   * null, ifNotExists flag, replace flag].
   */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("CREATE SINK", SqlKind.OTHER_DDL) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlCreateSink(pos, DdlNodes.flag(operands[6]), DdlNodes.flag(operands[5]),
              (SqlIdentifier) operands[0], (SqlIdentifier) operands[1], operands[2],
              DdlNodes.options(operands[3]), (SqlEmit) operands[4]);
        }
      };

  private final SqlIdentifier name;
  private final SqlIdentifier from;
  private final SqlNode query;
  private final SqlNodeList options;
  private final SqlEmit emit;

  /**
   * Creates a CREATE SINK node.
   *
   * @param from the stream the sink reads, or null when {@code query} is given
   * @param query the query the sink reads, or null when {@code from} is given
   * @param options list of {@link SqlOption}; empty when there is no WITH clause
   * @param emit the emit clause (only with a query), or null
   */
  public SqlCreateSink(SqlParserPos pos, boolean replace, boolean ifNotExists,
      SqlIdentifier name, SqlIdentifier from, SqlNode query, SqlNodeList options, SqlEmit emit) {
    super(OPERATOR, pos, replace, ifNotExists);
    if ((from == null) == (query == null)) {
      throw new IllegalArgumentException("exactly one of from and query must be given");
    }
    if (emit != null && query == null) {
      throw new IllegalArgumentException("EMIT needs a query");
    }
    this.name = Objects.requireNonNull(name, "name");
    this.from = from;
    this.query = query;
    this.options = Objects.requireNonNull(options, "options");
    this.emit = emit;
  }

  /** The sink name. */
  public SqlIdentifier name() {
    return name;
  }

  /** The stream named by {@code FROM stream}, or null for the {@code AS query} form. */
  public SqlIdentifier from() {
    return from;
  }

  /** The query of the {@code AS query} form (SqlSelect, SqlOrderBy, SqlWith, ...), or null. */
  public SqlNode query() {
    return query;
  }

  /** The WITH options as nodes (each a {@link SqlOption}); empty when absent. */
  public SqlNodeList options() {
    return options;
  }

  /** The WITH options as an unmodifiable map in declaration order; see {@link SqlOption#toMap}. */
  public Map<String, String> optionMap() {
    return SqlOption.toMap(options);
  }

  /** The emit clause, or null when absent. */
  public SqlEmit emit() {
    return emit;
  }

  /** Whether IF NOT EXISTS was given. */
  public boolean ifNotExists() {
    return ifNotExists;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name, from, query, options, emit,
        DdlNodes.flag(ifNotExists), DdlNodes.flag(getReplace()));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE");
    if (getReplace()) {
      writer.keyword("OR REPLACE");
    }
    writer.keyword("SINK");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    if (from != null) {
      writer.keyword("FROM");
      from.unparse(writer, 0, 0);
      DdlNodes.unparseOptions(writer, options);
    } else {
      DdlNodes.unparseOptions(writer, options);
      writer.keyword("AS");
      writer.newlineAndIndent();
      query.unparse(writer, 0, 0);
      if (emit != null) {
        emit.unparse(writer, 0, 0);
      }
    }
  }
}
