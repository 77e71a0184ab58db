package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SqlSyntaxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error: position, what was expected, the options and connectors that exist. */
class ErrorMessagesTest {
  private Laminar db;

  @BeforeEach
  void open() {
    db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void syntaxErrorGivesLineColumnAndWhatWasExpected() {
    assertThatThrownBy(() -> db.executeScript("CREATE SOURCE t (a INT)\nWITH ('connector' 'datagen')"))
        .isInstanceOfSatisfying(SqlSyntaxException.class, e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.column()).isEqualTo(19);
        })
        .hasMessageStartingWith("line 2, column 19:").hasMessageContaining("Was expecting").hasMessageContaining("\"=\"");
  }

  @Test
  void unknownColumnInAQueryGivesItsPosition() {
    db.execute("CREATE SOURCE t (a INT) WITH ('connector' = 'datagen')");
    assertThatThrownBy(() -> db.execute("CREATE STREAM s AS\nSELECT b FROM t"))
        .hasMessageStartingWith("line 2, column 8:").hasMessageContaining("Column 'b' not found");
  }

  @Test
  void unknownConnectorListsTheKnownOnes() {
    assertThatThrownBy(() -> db.execute("CREATE SOURCE t (a INT) WITH ('connector' = 'kafkaa')"))
        .isInstanceOf(SqlSyntaxException.class)
        .hasMessageContaining("unknown connector 'kafkaa'; known connectors: console, datagen, filesystem, memory");
  }

  @Test
  void connectorOfTheWrongKindSaysWhichItProvides() {
    assertThatThrownBy(() -> db.execute("CREATE SOURCE t (a INT) WITH ('connector' = 'console')"))
        .hasMessageContaining("connector 'console' cannot be used as a source").hasMessageContaining("source connectors: datagen, memory");
  }

  @Test
  void missingConnectorOptionSaysHowToDeclareIt() {
    assertThatThrownBy(() -> db.execute("CREATE SOURCE t (a INT)"))
        .hasMessageContaining("source 't' needs WITH ('connector' = '...'); source connectors: datagen, memory");
  }

  @Test
  void unknownOptionNamesTheOptionTheConnectorAndItsPosition() {
    assertThatThrownBy(() -> db.executeScript("CREATE SOURCE t (a INT) WITH (\n  'connector' = 'datagen',\n  'rows' = '5')"))
        .hasMessageStartingWith("line 3, column 3:")
        .hasMessageContaining("connector 'datagen' has no option 'rows'").hasMessageContaining("number-of-rows");
  }

  @Test
  void badOptionValueNamesTheAllowedValues() {
    db.execute("CREATE SOURCE t (a INT) WITH ('connector' = 'datagen')");
    assertThatThrownBy(() -> db.execute("CREATE SINK s FROM t WITH ('connector' = 'console', 'format' = 'xml')"))
        .hasMessageContaining("connector 'console': option 'format' has invalid value 'xml'; expected one of [table, json]");
  }

  @Test
  void badPerColumnDatagenOptionNamesTheColumns() {
    assertThatThrownBy(() -> db.execute("CREATE SOURCE t (a INT) WITH ('connector' = 'datagen', 'fields.b.min' = '1')"))
        .hasMessageContaining("option 'fields.b.min' names no column; columns are [a]");
  }

  @Test
  void tumbleWithoutWatermarkExplainsWhatIsNeeded() {
    db.execute("CREATE SOURCE t (a INT, ts TIMESTAMP(3)) WITH ('connector' = 'datagen')");
    assertThatThrownBy(() -> db.execute("CREATE STREAM s AS SELECT window_start, COUNT(*) FROM "
        + "TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end"))
        .hasMessageContaining("TUMBLE needs an event-time column with a watermark").hasMessageContaining("WATERMARK FOR");
  }

  @Test
  void unwindowedGroupByIsRejectedNotRunAsSomethingElse() {
    db.execute("CREATE SOURCE t (a INT) WITH ('connector' = 'datagen')");
    assertThatThrownBy(() -> db.execute("CREATE STREAM s AS SELECT a, COUNT(*) FROM t GROUP BY a"))
        .hasMessageContaining("continuous aggregation").hasMessageContaining("not supported yet");
  }

  @Test
  void watermarkOnANonTimestampColumnIsRejected() {
    assertThatThrownBy(() -> db.execute("CREATE SOURCE t (a INT, WATERMARK FOR a AS a) WITH ('connector' = 'datagen')"))
        .hasMessageContaining("WATERMARK column 'a' must be TIMESTAMP(3), not INT");
  }
}
