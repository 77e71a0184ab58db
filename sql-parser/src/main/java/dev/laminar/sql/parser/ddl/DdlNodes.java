package dev.laminar.sql.parser.ddl;

import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Helpers shared by the node classes: flag operands and the WITH clause. */
final class DdlNodes {
  private DdlNodes() {
  }

  static SqlLiteral flag(boolean value) {
    return SqlLiteral.createBoolean(value, SqlParserPos.ZERO);
  }

  static boolean flag(SqlNode operand) {
    return ((SqlLiteral) operand).booleanValue();
  }

  static SqlLiteral symbol(Enum<?> value, SqlParserPos pos) {
    return SqlLiteral.createSymbol(value, pos);
  }

  static <E extends Enum<E>> E symbol(SqlNode operand, Class<E> type) {
    return ((SqlLiteral) operand).getValueAs(type);
  }

  static SqlNodeList options(SqlNode operand) {
    return operand == null ? SqlNodeList.EMPTY : (SqlNodeList) operand;
  }

  /** Writes {@code WITH ('k' = 'v', ...)}, or nothing when there are no options. */
  static void unparseOptions(SqlWriter writer, SqlNodeList options) {
    if (options.isEmpty()) {
      return;
    }
    writer.keyword("WITH");
    final SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode option : options) {
      writer.sep(",");
      option.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }
}
