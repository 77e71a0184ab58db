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
 * The clauses after the query of {@code CREATE STREAM} / {@code CREATE SINK ... AS}:
 * {@code [EMIT mode] [ALLOW LATENESS interval] [LATE DATA TO stream]} (at least one). The mode is
 * null when only the lateness clauses are given (the default mode applies).
 */
public final class SqlEmit extends SqlCall {
  /** Operator of {@code EMIT} clauses; operands are [mode symbol or null, interval, lateness, late target]. */
  public static final SqlOperator OPERATOR = new SqlSpecialOperator("EMIT", SqlKind.OTHER) {
    @Override
    public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
      return new SqlEmit(pos, operands[0] == null ? null : DdlNodes.symbol(operands[0], EmitMode.class),
          (SqlIntervalLiteral) operands[1], (SqlIntervalLiteral) operands[2], (org.apache.calcite.sql.SqlIdentifier) operands[3]);
    }
  };

  private final EmitMode mode;
  private final SqlIntervalLiteral interval;
  private final SqlIntervalLiteral allowedLateness;
  private final org.apache.calcite.sql.SqlIdentifier lateDataTarget;

  /**
   * Creates an emit clause.
   *
   * @param interval required for {@link EmitMode#EVERY}, must be null otherwise
   */
  public SqlEmit(SqlParserPos pos, EmitMode mode, SqlIntervalLiteral interval) {
    this(pos, Objects.requireNonNull(mode, "mode"), interval, null, null);
  }

  /**
   * Creates the clauses.
   *
   * @param mode the EMIT mode, or null when only lateness clauses are given
   * @param allowedLateness {@code ALLOW LATENESS} interval, or null
   * @param lateDataTarget {@code LATE DATA TO} stream name, or null
   */
  public SqlEmit(SqlParserPos pos, EmitMode mode, SqlIntervalLiteral interval, SqlIntervalLiteral allowedLateness,
      org.apache.calcite.sql.SqlIdentifier lateDataTarget) {
    super(pos);
    if (mode == null && allowedLateness == null && lateDataTarget == null) {
      throw new IllegalArgumentException("an EMIT clause needs a mode or a lateness clause");
    }
    this.mode = mode;
    if (mode != null && mode.requiresInterval() != (interval != null)) {
      throw new IllegalArgumentException(mode.requiresInterval()
          ? "EMIT " + mode.sql() + " needs an interval"
          : "EMIT " + mode.sql() + " takes no interval");
    }
    this.interval = interval;
    this.allowedLateness = allowedLateness;
    this.lateDataTarget = lateDataTarget;
  }

  /** The {@code ALLOW LATENESS} interval, or null. */
  public SqlIntervalLiteral allowedLateness() {
    return allowedLateness;
  }

  /** The {@code LATE DATA TO} stream, or null. */
  public org.apache.calcite.sql.SqlIdentifier lateDataTarget() {
    return lateDataTarget;
  }

  /** The emit mode, or null when only lateness clauses were given. */
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
    return ImmutableNullableList.of(mode == null ? null : DdlNodes.symbol(mode, getParserPosition()), interval,
        allowedLateness, lateDataTarget);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    if (mode != null) {
      writer.keyword("EMIT");
      writer.keyword(mode.sql());
      if (interval != null) {
        interval.unparse(writer, 0, 0);
      }
    }
    if (allowedLateness != null) {
      writer.keyword("ALLOW LATENESS");
      allowedLateness.unparse(writer, 0, 0);
    }
    if (lateDataTarget != null) {
      writer.keyword("LATE DATA TO");
      lateDataTarget.unparse(writer, 0, 0);
    }
  }
}
