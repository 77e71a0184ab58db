package dev.laminar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementSplitterTest {
  @Test
  void splitsAtTopLevelSemicolonsOnly() {
    StatementSplitter.Result r = StatementSplitter.split(
        "SELECT ';' FROM t; -- a comment; still a comment\nSELECT \"a;b\" /* ; */ FROM u;");

    assertThat(r.statements()).extracting(StatementSplitter.Statement::text)
        .containsExactly("SELECT ';' FROM t", " -- a comment; still a comment\nSELECT \"a;b\" /* ; */ FROM u");
    assertThat(r.rest()).isNull();
  }

  @Test
  void reportsWhereEachStatementAndItsFirstTokenStart() {
    StatementSplitter.Result r = StatementSplitter.split("SHOW SOURCES;  \n-- c\n  SHOW SINKS;");

    StatementSplitter.Statement second = r.statements().get(1);
    assertThat(second.line()).isEqualTo(1);
    assertThat(second.column()).isEqualTo(14);
    assertThat(second.tokenLine()).isEqualTo(3);
    assertThat(second.tokenColumn()).isEqualTo(3);
    assertThat(second.toInput(3, 5)).containsExactly(3, 5);
    assertThat(second.toInput(1, 2)).containsExactly(1, 15);
  }

  @Test
  void anUnterminatedStatementIsTheRest() {
    StatementSplitter.Result r = StatementSplitter.split("SHOW SOURCES; SHOW 'x;");

    assertThat(r.statements()).hasSize(1);
    assertThat(r.rest()).isNotNull();
    assertThat(r.remainder()).isEqualTo(" SHOW 'x;");
  }

  @Test
  void commentsAndBlanksAfterTheLastStatementAreNoRest() {
    assertThat(StatementSplitter.split("SHOW SOURCES; -- done\n  /* really */ ").rest()).isNull();
    assertThat(StatementSplitter.split(";;").statements()).isEmpty();
  }
}
