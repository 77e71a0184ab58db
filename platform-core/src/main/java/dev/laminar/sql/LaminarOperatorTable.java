package dev.laminar.sql;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.util.Optionality;

/**
 * Calcite's standard operators, with the aggregates whose streaming meaning differs replaced:
 * FIRST_VALUE and LAST_VALUE are plain GROUP BY aggregates here (by event time), and AVG over
 * integers returns DOUBLE.
 */
public final class LaminarOperatorTable {
  public static final SqlAggFunction FIRST_VALUE = new LaminarAggFunction("FIRST_VALUE",
      ReturnTypes.ARG0_FORCE_NULLABLE);
  public static final SqlAggFunction LAST_VALUE = new LaminarAggFunction("LAST_VALUE",
      ReturnTypes.ARG0_FORCE_NULLABLE);
  public static final SqlAggFunction AVG = new LaminarAggFunction("AVG", opBinding -> {
    RelDataType arg = opBinding.getOperandType(0);
    RelDataType result = SqlTypeUtil.isDecimal(arg) ? arg : opBinding.getTypeFactory().createSqlType(SqlTypeName.DOUBLE);
    return opBinding.getTypeFactory().createTypeWithNullability(result, true);
  });

  private LaminarOperatorTable() {}

  /** The operator table the validator uses. */
  public static SqlOperatorTable create() {
    // Ours first: lookups take the first operator whose name and operands match.
    return SqlOperatorTables.chain(SqlOperatorTables.of(List.of(FIRST_VALUE, LAST_VALUE, AVG)), SqlStdOperatorTable.instance());
  }

  /** A one-argument aggregate identified by name when translating plans. */
  static final class LaminarAggFunction extends SqlAggFunction {
    LaminarAggFunction(String name, SqlReturnTypeInference returnType) {
      super(name, null, SqlKind.OTHER_FUNCTION, returnType, null, OperandTypes.ANY, SqlFunctionCategory.USER_DEFINED_FUNCTION,
          false, false, Optionality.FORBIDDEN);
    }
  }
}
