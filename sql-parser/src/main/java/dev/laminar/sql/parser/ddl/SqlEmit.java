package dev.laminar.sql.parser.ddl;

import java.util.List;
import java.util.Objects;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The {@code EMIT} clause of {@code CREATE STREAM} / {@code CREATE SINK ... AS}: a mode and, for
 * {@link EmitMode#EVERY}, an interval literal.
 */
public final class SqlEmit extends SqlCall {
  /** Operator of {@code EMIT} clauses; operands are [mode symbol, interval or null]. */
  public static final SqlOperator OPERATOR = new SqlSpecialOperator("EMIT", SqlKind.OTHER) {
    @Override
    public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
      return new SqlEmit(pos, DdlNodes.symbol(operands[0], EmitMode.class),
          (SqlIntervalLiteral) operands[1]);
    }
  };

  private final EmitMode mode;
  private final SqlIntervalLiteral interval;

  /**
   * Creates an emit clause.
   *
   * @param interval required for {@link EmitMode#EVERY}, must be null otherwise
   */
  public SqlEmit(SqlParserPos pos, EmitMode mode, SqlIntervalLiteral interval) {
    super(pos);
    this.mode = Objects.requireNonNull(mode, "mode");
    if (mode.requiresInterval() != (interval != null)) {
      throw new IllegalArgumentException(mode.requiresInterval()
          ? "EMIT " + mode.sql() + " needs an interval"
          : "EMIT " + mode.sql() + " takes no interval");
    }
    this.interval = interval;
  }

  /** The emit mode. */
  public EmitMode mode() {
    return mode;
  }

  /** The interval of {@code EMIT EVERY}, null for every other mode. */
  public SqlIntervalLiteral interval() {
    return interval;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(DdlNodes.symbol(mode, getParserPosition()), interval);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("EMIT");
    writer.keyword(mode.sql());
    if (interval != null) {
      interval.unparse(writer, 0, 0);
    }
  }
}
