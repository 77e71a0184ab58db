package dev.laminar.cli;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.Schema;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * Aligned tables in the console sink's style: column names separated by {@code " | "}, a rule,
 * then the rows, numbers right-aligned. A finite result is sized to its values
 * ({@link #printFinite}); a stream of rows uses widths fixed by the header and the column types
 * ({@link Streaming}) so that rows printed as they arrive stay aligned.
 */
final class Tables {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  private Tables() {}

  static String format(Object v) {
    return switch (v) {
      case null -> "NULL";
      case LocalDateTime t -> TIMESTAMP.format(t);
      case BigDecimal d -> d.toPlainString();
      case byte[] b -> HexFormat.of().formatHex(b);
      default -> v.toString();
    };
  }

  /** Prints all rows of a finite result, each column as wide as its widest value. */
  static void printFinite(Schema schema, List<Row> rows, PrintStream out) {
    String[] names = new String[schema.size()];
    boolean[] numeric = new boolean[names.length];
    for (int c = 0; c < names.length; c++) {
      names[c] = schema.column(c).name();
      numeric[c] = schema.column(c).type().isNumeric();
    }
    String[][] cells = new String[rows.size()][names.length];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < names.length; c++) {
        cells[r][c] = format(rows.get(r).get(c));
      }
    }
    printText(names, numeric, List.of(cells), "row", out);
  }

  /**
   * Prints rows of text in the same style, each column as wide as its widest value, followed by the
   * count of rows ({@code (2 plugins)} for {@code noun} "plugin").
   *
   * @param rightAligned which columns are right-aligned (numbers)
   */
  static void printText(String[] names, boolean[] rightAligned, List<String[]> rows, String noun, PrintStream out) {
    int[] widths = new int[names.length];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = names[c].length();
    }
    for (String[] row : rows) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    header(names, widths, "", sb);
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        line.append(c == 0 ? "" : " | ").append(pad(row[c], widths[c], rightAligned[c]));
      }
      sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    sb.append('(').append(rows.size()).append(' ').append(noun).append(rows.size() == 1 ? ")" : "s)")
        .append(System.lineSeparator());
    out.print(sb);
    out.flush();
  }

  private static void header(String[] columnNames, int[] widths, String lead, StringBuilder sb) {
    StringBuilder names = new StringBuilder(lead.isEmpty() ? "" : "op ");
    StringBuilder rule = new StringBuilder(lead.isEmpty() ? "" : "-- ");
    for (int c = 0; c < widths.length; c++) {
      names.append(c == 0 ? "" : " | ").append(pad(columnNames[c], widths[c], false));
      rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
    }
    sb.append(names.toString().stripTrailing()).append(System.lineSeparator()).append(rule).append(System.lineSeparator());
  }

  static String pad(String s, int width, boolean right) {
    if (s.length() >= width) {
      return s;
    }
    String spaces = " ".repeat(width - s.length());
    return right ? spaces + s : s + spaces;
  }

  /**
   * Rows of a continuous query printed as they arrive, with a leading change column ({@code +I},
   * {@code -U}, {@code +U}, {@code -D}) as the console sink prints them.
   */
  static final class Streaming {
    private final Schema schema;
    private final PrintStream out;
    private final int[] widths;
    private boolean headerPrinted;
    private long rows;

    Streaming(Schema schema, PrintStream out) {
      this.schema = schema;
      this.out = out;
      this.widths = new int[schema.size()];
      for (int c = 0; c < widths.length; c++) {
        Column col = schema.column(c);
        int typeWidth = switch (col.type().kind()) {
          case BOOLEAN -> 5;
          case INT -> 11;
          case BIGINT -> 20;
          case DOUBLE -> 22;
          case DECIMAL -> col.type().precision() + 2;
          case TIMESTAMP -> 23;
          case VARCHAR -> 12;
          case BYTES -> 16;
        };
        widths[c] = Math.max(col.name().length(), typeWidth);
      }
    }

    /** Prints the header now (the shell shows the columns before the first row arrives). */
    void printHeader() {
      if (!headerPrinted) {
        StringBuilder sb = new StringBuilder();
        String[] names = new String[schema.size()];
        for (int c = 0; c < names.length; c++) {
          names[c] = schema.column(c).name();
        }
        header(names, widths, "op", sb);
        out.print(sb);
        out.flush();
        headerPrinted = true;
      }
    }

    void print(List<Row> batch) {
      if (batch.isEmpty()) {
        return;
      }
      printHeader();
      StringBuilder sb = new StringBuilder();
      for (Row row : batch) {
        sb.append(row.kind().shortName()).append(' ');
        for (int c = 0; c < widths.length; c++) {
          sb.append(c == 0 ? "" : " | ").append(pad(format(row.get(c)), widths[c], schema.column(c).type().isNumeric()));
        }
        sb.append(System.lineSeparator());
      }
      rows += batch.size();
      out.print(sb);
      out.flush();
    }

    long rows() {
      return rows;
    }
  }
}
