package dev.laminar.sql;

import dev.laminar.sql.function.FunctionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import dev.laminar.sdk.function.ScalarFunction;
import dev.laminar.sdk.type.DataType;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidatorException;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
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
 * integers returns DOUBLE. A few functions of Calcite's library tables are added (LTRIM, RTRIM,
 * n-ary CONCAT, REGEXP_REPLACE, GREATEST, LEAST), and the scalar functions of plugins and of the
 * application, each as a {@link ScalarFunctionOperator}.
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

  /** Functions taken from Calcite's library (non-standard) operator tables. */
  private static final List<SqlOperator> LIBRARY = List.of(SqlLibraryOperators.LTRIM, SqlLibraryOperators.RTRIM,
      SqlLibraryOperators.CONCAT_FUNCTION, SqlLibraryOperators.REGEXP_REPLACE_3, SqlLibraryOperators.GREATEST,
      SqlLibraryOperators.LEAST);

  /** The operator table without plugin or application functions. */
  /** Standard deviation and variance return DOUBLE for every numeric argument (Calcite would keep INT). */
  private static SqlAggFunction statistic(String name) {
    return new LaminarAggFunction(name, opBinding -> opBinding.getTypeFactory().createTypeWithNullability(
        opBinding.getTypeFactory().createSqlType(SqlTypeName.DOUBLE), true));
  }

  public static final List<SqlAggFunction> STATISTICS = List.of(statistic("STDDEV"), statistic("STDDEV_POP"),
      statistic("STDDEV_SAMP"), statistic("VARIANCE"), statistic("VAR_POP"), statistic("VAR_SAMP"));

  public static SqlOperatorTable create() {
    return create(FunctionRegistry.EMPTY);
  }

  /** The operator table the validator uses, with the functions {@code functions} holds now. */
  public static SqlOperatorTable create(FunctionRegistry functions) {
    List<SqlOperator> ours = new ArrayList<>(List.of(FIRST_VALUE, LAST_VALUE, AVG));
    ours.addAll(STATISTICS);
    ours.addAll(LIBRARY);
    java.util.Set<String> builtinAggregates = java.util.Set.of("COUNT", "SUM", "MIN", "MAX", "AVG", "FIRST_VALUE", "LAST_VALUE",
        "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "APPROX_COUNT_DISTINCT");
    for (FunctionRegistry.RegisteredAggregate f : functions.aggregateFunctions()) {
      if (!builtinAggregates.contains(f.function().name().toUpperCase(Locale.ROOT))) {
        ours.add(new PluginAggregateOperator(f.function(), f.origin()));
      }
    }
    for (FunctionRegistry.Registered f : functions.scalarFunctions()) {
      ours.add(new ScalarFunctionOperator(f.function(), f.origin()));
    }
    // Ours first: lookups take the first operator whose name and operands match.
    return SqlOperatorTables.chain(SqlOperatorTables.of(ours), SqlStdOperatorTable.instance());
  }

  /** A one-argument aggregate identified by name when translating plans. */
  static final class LaminarAggFunction extends SqlAggFunction {
    LaminarAggFunction(String name, SqlReturnTypeInference returnType) {
      super(name, null, SqlKind.OTHER_FUNCTION, returnType, null, OperandTypes.ANY, SqlFunctionCategory.USER_DEFINED_FUNCTION,
          false, false, Optionality.FORBIDDEN);
    }
  }

  /**
   * A plugin's {@link dev.laminar.sdk.function.AggregateFunction} as a Calcite aggregate: any
   * operands; the result type comes from its {@code resultType}, and its IllegalArgumentException
   * becomes a validation error naming the function and its plugin.
   */
  public static final class PluginAggregateOperator extends SqlAggFunction {
    private final dev.laminar.sdk.function.AggregateFunction<?> function;
    private final String origin;

    PluginAggregateOperator(dev.laminar.sdk.function.AggregateFunction<?> function, String origin) {
      super(function.name().toUpperCase(Locale.ROOT), null, SqlKind.OTHER_FUNCTION, null, null, OperandTypes.VARIADIC,
          SqlFunctionCategory.USER_DEFINED_FUNCTION, false, false, org.apache.calcite.util.Optionality.FORBIDDEN);
      this.function = function;
      this.origin = origin;
    }

    public dev.laminar.sdk.function.AggregateFunction<?> function() {
      return function;
    }

    /** "plugin ID VERSION". */
    public String origin() {
      return origin;
    }

    @Override
    public RelDataType inferReturnType(SqlOperatorBinding binding) {
      List<DataType> args = new ArrayList<>();
      DataType result;
      try {
        for (int i = 0; i < binding.getOperandCount(); i++) {
          args.add(TypeMapping.toDataType(binding.getOperandType(i), "argument " + (i + 1) + " of " + getName()));
        }
        result = function.resultType(List.copyOf(args));
        if (result == null) {
          throw new IllegalArgumentException("resultType returned null");
        }
      } catch (RuntimeException e) {
        String message = "aggregate " + getName() + " (" + origin + ") does not accept (" + String.join(", ",
            args.stream().map(DataType::toString).toList()) + "): " + e.getMessage();
        if (binding instanceof SqlCallBinding call) {
          SqlParserPos pos = call.getCall().getParserPosition();
          throw new CalciteContextException(message, new SqlValidatorException(message, e), pos.getLineNum(), pos.getColumnNum(),
              pos.getEndLineNum(), pos.getEndColumnNum());
        }
        throw new IllegalArgumentException(message, e);
      }
      return TypeMapping.toRelType(result, true, binding.getTypeFactory());
    }
  }

  /**
   * A plugin or application {@link ScalarFunction} as a Calcite function: any number of operands
   * of any type; the result type comes from {@link ScalarFunction#resultType} over the operands'
   * SDK types, and its {@link IllegalArgumentException} becomes a validation error at the call.
   */
  static final class ScalarFunctionOperator extends SqlFunction {
    private final ScalarFunction function;
    private final String origin;

    ScalarFunctionOperator(ScalarFunction function, String origin) {
      super(function.name().toUpperCase(Locale.ROOT), SqlKind.OTHER_FUNCTION, null, null, OperandTypes.VARIADIC,
          SqlFunctionCategory.USER_DEFINED_FUNCTION);
      this.function = function;
      this.origin = origin;
    }

    ScalarFunction function() {
      return function;
    }

    /** "application" or "plugin ID VERSION". */
    String origin() {
      return origin;
    }

    @Override
    public boolean isDeterministic() {
      return function.isDeterministic();
    }

    @Override
    public RelDataType inferReturnType(SqlOperatorBinding binding) {
      List<DataType> args = new ArrayList<>();
      DataType result;
      try {
        for (int i = 0; i < binding.getOperandCount(); i++) {
          args.add(TypeMapping.toDataType(binding.getOperandType(i), "argument " + (i + 1) + " of " + getName()));
        }
        result = function.resultType(List.copyOf(args));
        if (result == null) {
          throw new IllegalArgumentException("resultType returned null");
        }
      } catch (RuntimeException e) {
        String message = "function " + getName() + " (" + origin + ") does not accept (" + String.join(", ",
            args.stream().map(DataType::toString).toList()) + (args.size() < binding.getOperandCount() ? ", ..." : "") + "): "
            + e.getMessage();
        if (binding instanceof SqlCallBinding call) {
          SqlParserPos pos = call.getCall().getParserPosition();
          throw new CalciteContextException(message, new SqlValidatorException(message, e), pos.getLineNum(), pos.getColumnNum(),
              pos.getEndLineNum(), pos.getEndColumnNum());
        }
        throw new SqlPlanningException(message);
      }
      return TypeMapping.toRelType(result, true, binding.getTypeFactory());
    }
  }
}
