package dev.laminar.sql.parser.ddl;

import java.util.ArrayList;
import java.util.Collections;
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
 * {@code CREATE [OR REPLACE] LOOKUP TABLE [IF NOT EXISTS] name (col type [NOT NULL], ...)
 * [WITH ('key' = 'value', ...)]}: a table that lookup joins query by key.
 */
public final class SqlCreateLookupTable extends SqlCreate {
  /** Operator of CREATE LOOKUP TABLE; operands are [name, columns, options, ifNotExists flag, replace flag]. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("CREATE LOOKUP TABLE", SqlKind.OTHER_DDL) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlCreateLookupTable(pos, DdlNodes.flag(operands[4]), DdlNodes.flag(operands[3]),
              (SqlIdentifier) operands[0], (SqlNodeList) operands[1], DdlNodes.options(operands[2]));
        }
      };

  private final SqlIdentifier name;
  private final SqlNodeList columns;
  private final SqlNodeList options;

  public SqlCreateLookupTable(SqlParserPos pos, boolean replace, boolean ifNotExists,
      SqlIdentifier name, SqlNodeList columns, SqlNodeList options) {
    super(OPERATOR, pos, replace, ifNotExists);
    this.name = Objects.requireNonNull(name, "name");
    this.columns = Objects.requireNonNull(columns, "columns");
    this.options = Objects.requireNonNull(options, "options");
  }

  public SqlIdentifier name() {
    return name;
  }

  /** The column declarations, in declaration order. */
  public List<SqlColumnDeclaration> columnList() {
    final List<SqlColumnDeclaration> list = new ArrayList<>(columns.size());
    for (SqlNode column : columns) {
      list.add((SqlColumnDeclaration) column);
    }
    return Collections.unmodifiableList(list);
  }

  /** The WITH options as nodes (each a {@link SqlOption}); empty when absent. */
  public SqlNodeList options() {
    return options;
  }

  /** The WITH options as an unmodifiable map in declaration order. */
  public Map<String, String> optionMap() {
    return SqlOption.toMap(options);
  }

  public boolean ifNotExists() {
    return ifNotExists;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name, columns, options,
        DdlNodes.flag(ifNotExists), DdlNodes.flag(getReplace()));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE");
    if (getReplace()) {
      writer.keyword("OR REPLACE");
    }
    writer.keyword("LOOKUP TABLE");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    final SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode column : columns) {
      writer.sep(",");
      column.unparse(writer, 0, 0);
    }
    writer.endList(frame);
    DdlNodes.unparseOptions(writer, options);
  }
}
