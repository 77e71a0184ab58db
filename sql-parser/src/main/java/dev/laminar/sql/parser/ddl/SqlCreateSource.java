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
 * {@code CREATE [OR REPLACE] SOURCE [IF NOT EXISTS] name (col type [NOT NULL], ...
 * [, WATERMARK FOR col AS expr]) [WITH ('key' = 'value', ...)]}.
 */
public final class SqlCreateSource extends SqlCreate {
  /**
   * Operator of CREATE SOURCE; operands are [name, columns, watermark or null, options,
   * ifNotExists flag, replace flag].
   */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("CREATE SOURCE", SqlKind.OTHER_DDL) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
            SqlNode... operands) {
          return new SqlCreateSource(pos, DdlNodes.flag(operands[5]), DdlNodes.flag(operands[4]),
              (SqlIdentifier) operands[0], (SqlNodeList) operands[1],
              (SqlWatermark) operands[2], DdlNodes.options(operands[3]));
        }
      };

  private final SqlIdentifier name;
  private final SqlNodeList columns;
  private final SqlWatermark watermark;
  private final SqlNodeList options;

  /**
   * Creates a CREATE SOURCE node.
   *
   * @param columns list of {@link SqlColumnDeclaration}
   * @param watermark the watermark declaration, or null
   * @param options list of {@link SqlOption}; empty when there is no WITH clause
   */
  public SqlCreateSource(SqlParserPos pos, boolean replace, boolean ifNotExists,
      SqlIdentifier name, SqlNodeList columns, SqlWatermark watermark, SqlNodeList options) {
    super(OPERATOR, pos, replace, ifNotExists);
    this.name = Objects.requireNonNull(name, "name");
    this.columns = Objects.requireNonNull(columns, "columns");
    this.watermark = watermark;
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The source name (may be compound, e.g. {@code s.trades}). */
  public SqlIdentifier name() {
    return name;
  }

  /** The column declarations as a node list (each a {@link SqlColumnDeclaration}). */
  public SqlNodeList columns() {
    return columns;
  }

  /** The column declarations, in declaration order. */
  public List<SqlColumnDeclaration> columnList() {
    final List<SqlColumnDeclaration> list = new ArrayList<>(columns.size());
    for (SqlNode column : columns) {
      list.add((SqlColumnDeclaration) column);
    }
    return Collections.unmodifiableList(list);
  }

  /** The watermark declaration, or null when there is none. */
  public SqlWatermark watermark() {
    return watermark;
  }

  /** The WITH options as nodes (each a {@link SqlOption}); empty when absent. */
  public SqlNodeList options() {
    return options;
  }

  /**
   * The WITH options as an unmodifiable map in declaration order.
   *
   * @throws org.apache.calcite.runtime.CalciteContextException on a duplicate key (cannot happen
   *     for parsed nodes: the parser already rejects it)
   */
  public Map<String, String> optionMap() {
    return SqlOption.toMap(options);
  }

  /** Whether IF NOT EXISTS was given. */
  public boolean ifNotExists() {
    return ifNotExists;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name, columns, watermark, options,
        DdlNodes.flag(ifNotExists), DdlNodes.flag(getReplace()));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE");
    if (getReplace()) {
      writer.keyword("OR REPLACE");
    }
    writer.keyword("SOURCE");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    final SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode column : columns) {
      writer.sep(",");
      column.unparse(writer, 0, 0);
    }
    if (watermark != null) {
      writer.sep(",");
      watermark.unparse(writer, 0, 0);
    }
    writer.endList(frame);
    DdlNodes.unparseOptions(writer, options);
  }
}
