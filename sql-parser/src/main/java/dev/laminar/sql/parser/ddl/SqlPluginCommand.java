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
 * {@code INSTALL PLUGIN 'file.zip'}, {@code UPDATE PLUGIN 'file.zip'} (hot swap of the loaded plugin
 * with the zip's id) and {@code REMOVE PLUGIN id}.
 */
public final class SqlPluginCommand extends SqlCall {
  /** What the statement does. */
  public enum Action { INSTALL, UPDATE, REMOVE }

  /** Operator of the plugin statements; operands: the action symbol and the target. */
  public static final SqlOperator OPERATOR =
      new SqlSpecialOperator("PLUGIN", SqlKind.OTHER) {
        @Override
        public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
          return new SqlPluginCommand(pos, DdlNodes.symbol(operands[0], Action.class), operands[1]);
        }
      };

  private final Action action;
  private final SqlNode target;

  /** Creates the node; {@code target} is a string literal (a zip path or URL) or, for REMOVE, an identifier. */
  public SqlPluginCommand(SqlParserPos pos, Action action, SqlNode target) {
    super(pos);
    this.action = Objects.requireNonNull(action, "action");
    this.target = Objects.requireNonNull(target, "target");
  }

  public Action action() {
    return action;
  }

  /** The zip path for INSTALL and UPDATE, the plugin id for REMOVE. */
  public String targetText() {
    return target instanceof SqlIdentifier id ? id.getSimple() : ((SqlLiteral) target).getValueAs(String.class);
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(DdlNodes.symbol(action, getParserPosition()), target);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword(action.name());
    writer.keyword("PLUGIN");
    target.unparse(writer, leftPrec, rightPrec);
  }
}
