package dev.laminar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlShellTest {
  @TempDir
  Path tmp;

  private CliRun shell(String input) throws IOException {
    return CliRun.withInput(input, "sql", "--plugins", Files.createDirectories(tmp.resolve("plugins")).toString());
  }

  @Test
  void pipedShowConnectorsListsTheBuiltInConnectors() throws IOException {
    CliRun run = shell("SHOW CONNECTORS;\n");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("datagen", "console", "memory");
    assertThat(run.out().lines().findFirst()).hasValueSatisfying(h -> assertThat(h).startsWith("connector"));
    assertThat(run.err()).isEmpty();
  }

  @Test
  void statementsSpanLinesAndSeveralShareALine() throws IOException {
    CliRun run = shell("""
        CREATE SOURCE t (x INT)
          WITH ('connector' = 'datagen', 'number-of-rows' = '10'); SHOW
        SOURCES;
        """);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Created source t").containsPattern("(?m)^t\\s");
  }

  @Test
  void anErrorIsPrintedAndTheShellGoesOn() throws IOException {
    CliRun run = shell("""
        SELEC 1;
        SHOW CONNECTORS;
        """);

    assertThat(run.err()).startsWith("ERROR: line 1, column 1: ");
    assertThat(run.out()).contains("datagen");
    assertThat(run.exitCode()).as("piped input with a failed statement").isEqualTo(1);
  }

  @Test
  void aContinuousQueryOverBoundedInputPrintsItsRowsUntilItFinishes() throws IOException {
    CliRun run = shell("""
        CREATE SOURCE numbers (n BIGINT NOT NULL) WITH (
          'connector' = 'datagen', 'number-of-rows' = '3', 'rows-per-second' = '0',
          'fields.n.kind' = 'sequence', 'fields.n.min' = '1', 'fields.n.max' = '3');
        SELECT n FROM numbers;
        quit
        SHOW CONNECTORS;
        """);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().filter(l -> l.startsWith("+I ")).map(l -> l.replaceAll("\\s+", " ")))
        .containsExactly("+I 1", "+I 2", "+I 3");
    assertThat(run.out()).contains("(3 rows)").as("quit leaves before the next statement").doesNotContain("datagen");
  }
}
