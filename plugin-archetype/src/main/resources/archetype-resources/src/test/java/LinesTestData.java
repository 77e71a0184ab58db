package ${package};

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.List;

/** The schema and rows the source and sink tests use: distinct lines with the text a line format must keep intact. */
final class LinesTestData {
  /** The connector's one column. */
  static final Schema SCHEMA = Schema.of(new Column("line", DataType.VARCHAR, false));

  private LinesTestData() {}

  /**
   * {@code count} distinct rows: an empty line, leading and trailing spaces, tabs, delimiters and quotes,
   * non-ASCII text (beyond the BMP too), backslashes. The last row is never empty.
   */
  static List<Row> rows(int count) {
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String line = switch (i % 6) {
        case 0 -> "plain " + i;
        case 1 -> i == 1 ? "" : "  padded " + i + "  ";
        case 2 -> "tab\there, comma; \"quoted\" " + i;
        case 3 -> "unicode \u00fc \u20ac \u65e5\u672c \uD83D\uDE00 " + i;
        case 4 -> "back\\slash " + i;
        default -> "key-" + i;
      };
      rows.add(Row.of(line));
    }
    return rows;
  }
}
