package dev.laminar.sql;

import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/** Converts between Calcite's relational types and the SDK's {@link DataType}s. */
public final class TypeMapping {
  private TypeMapping() {}

  /** The SDK type of a Calcite type, or an error naming the unsupported type and what it belongs to. */
  public static DataType toDataType(RelDataType type, String what) {
    SqlTypeName name = type.getSqlTypeName();
    return switch (name) {
      case BOOLEAN -> DataType.BOOLEAN;
      case TINYINT, SMALLINT, INTEGER -> DataType.INT;
      case BIGINT -> DataType.BIGINT;
      case FLOAT, REAL, DOUBLE -> DataType.DOUBLE;
      case DECIMAL -> DataType.decimal(Math.max(1, type.getPrecision()), Math.max(0, type.getScale()));
      case CHAR, VARCHAR -> DataType.VARCHAR;
      case BINARY, VARBINARY -> DataType.BYTES;
      case TIMESTAMP -> DataType.TIMESTAMP;
      default -> {
        if (SqlTypeName.INTERVAL_TYPES.contains(name)) {
          yield DataType.BIGINT; // day-time intervals are milliseconds
        }
        throw new SqlPlanningException("type " + type.getFullTypeString() + " of " + what + " is not supported; "
            + "supported types are BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), VARCHAR, TIMESTAMP(3), BYTES");
      }
    };
  }

  public static RelDataType toRelType(DataType type, boolean nullable, RelDataTypeFactory f) {
    RelDataType t = switch (type.kind()) {
      case BOOLEAN -> f.createSqlType(SqlTypeName.BOOLEAN);
      case INT -> f.createSqlType(SqlTypeName.INTEGER);
      case BIGINT -> f.createSqlType(SqlTypeName.BIGINT);
      case DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
      case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, type.precision(), type.scale());
      case VARCHAR -> f.createSqlType(SqlTypeName.VARCHAR);
      case BYTES -> f.createSqlType(SqlTypeName.VARBINARY);
      case TIMESTAMP -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
    };
    return f.createTypeWithNullability(t, nullable);
  }

  public static RelDataType toRowType(Schema schema, RelDataTypeFactory f) {
    RelDataTypeFactory.Builder b = f.builder();
    for (Column c : schema.columns()) {
      b.add(c.name(), toRelType(c.type(), c.nullable(), f));
    }
    return b.build();
  }

  public static Schema toSchema(RelDataType rowType) {
    List<Column> columns = new ArrayList<>();
    for (RelDataTypeField f : rowType.getFieldList()) {
      columns.add(new Column(f.getName(), toDataType(f.getType(), "column '" + f.getName() + "'"), f.getType().isNullable()));
    }
    return Schema.of(columns);
  }
}
