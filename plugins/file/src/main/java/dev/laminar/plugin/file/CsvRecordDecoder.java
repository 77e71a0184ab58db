package dev.laminar.plugin.file;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * CSV records to rows. With a header, columns are found by name (case-insensitive; extra header
 * fields are ignored); without, by position, after the changelog column when there is one. An empty
 * unquoted field is NULL; a quoted empty field ({@code ""}) is the empty string for VARCHAR and NULL
 * for other types.
 */
final class CsvRecordDecoder implements RecordDecoder {
  private final ObjectReader fieldReader;
  private final Schema schema;
  /** For each schema column, its field index in a record. */
  private final int[] fieldOfColumn;
  /** Field index of the changelog column, or -1. */
  private final int rowKindField;
  private final int fieldCount;

  private CsvRecordDecoder(ObjectReader fieldReader, Schema schema, int[] fieldOfColumn, int rowKindField, int fieldCount) {
    this.fieldReader = fieldReader;
    this.schema = schema;
    this.fieldOfColumn = fieldOfColumn;
    this.rowKindField = rowKindField;
    this.fieldCount = fieldCount;
  }

  /** Reads the fields of one CSV record with {@code delimiter}; empty unquoted fields come back as {@code null}. */
  static ObjectReader fieldReader(char delimiter) {
    CsvSchema csv = CsvSchema.emptySchema().withColumnSeparator(delimiter).withQuoteChar('"').withoutEscapeChar();
    // trailing tokens: a stray carriage return would otherwise end the record early and drop the rest
    return new CsvMapper().readerForArrayOf(String.class).with(csv)
        .with(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** A decoder matching columns by position. */
  static CsvRecordDecoder byPosition(ObjectReader fieldReader, Schema schema, boolean changelog) {
    int offset = changelog ? 1 : 0;
    int[] fields = new int[schema.size()];
    for (int c = 0; c < fields.length; c++) {
      fields[c] = c + offset;
    }
    return new CsvRecordDecoder(fieldReader, schema, fields, changelog ? 0 : -1, schema.size() + offset);
  }

  /**
   * A decoder matching columns by the names in {@code header}.
   *
   * @throws IllegalArgumentException naming the missing column when the header lacks one
   */
  static CsvRecordDecoder byHeader(ObjectReader fieldReader, Schema schema, String changelogColumn, String[] header) {
    List<String> names = new ArrayList<>();
    for (String h : header) {
      names.add(h == null ? "" : h.strip().toLowerCase(Locale.ROOT));
    }
    int[] fields = new int[schema.size()];
    for (int c = 0; c < fields.length; c++) {
      fields[c] = names.indexOf(schema.column(c).name().toLowerCase(Locale.ROOT));
      if (fields[c] < 0) {
        throw new IllegalArgumentException("the header has no column '" + schema.column(c).name() + "' (header: "
            + Arrays.toString(header) + "); set 'csv.header' = 'false' to match columns by position");
      }
    }
    int rowKindField = -1;
    if (changelogColumn != null) {
      rowKindField = names.indexOf(changelogColumn.toLowerCase(Locale.ROOT));
      if (rowKindField < 0) {
        throw new IllegalArgumentException("the header has no changelog column '" + changelogColumn + "' (header: "
            + Arrays.toString(header) + ")");
      }
    }
    return new CsvRecordDecoder(fieldReader, schema, fields, rowKindField, header.length);
  }

  /** The fields of one record. */
  static String[] fields(ObjectReader fieldReader, String record) {
    try {
      String[] fields = fieldReader.readValue(record);
      return fields == null ? new String[0] : fields;
    } catch (IOException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      int cut = message.indexOf('\n');
      throw new IllegalArgumentException("malformed CSV: " + (cut < 0 ? message : message.substring(0, cut)));
    }
  }

  @Override
  public void decode(String record, BatchWriter out) {
    String[] fields = fields(fieldReader, record);
    if (fields.length != fieldCount) {
      throw new IllegalArgumentException("expected " + fieldCount + " fields but found " + fields.length);
    }
    if (rowKindField >= 0) {
      String kind = fields[rowKindField];
      if (kind == null) {
        throw new IllegalArgumentException("the changelog column is empty");
      }
      out.setRowKind(Values.parseRowKind(kind));
    }
    for (int c = 0; c < fieldOfColumn.length; c++) {
      String text = fields[fieldOfColumn[c]];
      Column column = schema.column(c);
      if (text == null || (text.isEmpty() && column.type().kind() != dev.laminar.sdk.type.TypeKind.VARCHAR)) {
        if (!column.nullable()) {
          throw new IllegalArgumentException("column '" + column.name() + "' is NOT NULL but the field is empty");
        }
        continue;
      }
      try {
        Values.parseInto(out, c, column.type(), text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("column '" + column.name() + "': " + e.getMessage(), e);
      }
    }
  }
}
