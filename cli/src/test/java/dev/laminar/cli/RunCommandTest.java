package dev.laminar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  private static final int ROWS = 3000;

  @TempDir
  Path tmp;

  private Path plugins() throws IOException {
    return Files.createDirectories(tmp.resolve("plugins"));
  }

  /** The main example with few rows, generated as fast as possible. */
  private Path smallOhlc() throws IOException {
    String sql = Files.readString(Path.of(System.getProperty("laminar.examples.dir"), "ohlc.sql"));
    String small = sql.replace("'number-of-rows' = '20000'", "'number-of-rows' = '" + ROWS + "'")
        .replace("'rows-per-second' = '5000'", "'rows-per-second' = '0'");
    assertThat(small).as("the example's options changed; update this test").isNotEqualTo(sql).contains("'0'");
    return Files.writeString(tmp.resolve("ohlc.sql"), small);
  }

  @Test
  void runsTheOhlcExampleUntilItsBoundedInputIsDoneAndPrintsEveryBar() throws IOException {
    CliRun run = CliRun.of("run", smallOhlc().toString(), "--plugins", plugins().toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).startsWith("op symbol").contains("window_start", "window_end", "open", "high", "low",
        "close", "volume", "trades");
    List<String> bars = lines.stream().filter(l -> l.startsWith("+I ")).toList();
    // 3 s of event time (1 ms per row) and 4 symbols: at least 3 windows with every symbol
    assertThat(bars).hasSizeGreaterThanOrEqualTo(12);
    assertThat(bars).allSatisfy(b -> assertThat(b).matches(
        "\\+I (AAPL|MSFT|NVDA|AMZN) +\\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.000 \\| .*"));
    // no trade is late (500 ms out of order, 1 s allowed): the bars count every row exactly once
    long trades = bars.stream().mapToLong(b -> Long.parseLong(b.substring(b.lastIndexOf('|') + 1).trim())).sum();
    assertThat(trades).isEqualTo(ROWS);
    assertThat(run.err()).isEmpty();
  }

  @Test
  void printsTheRowsOfASelectInTheFileUntilItFinishes() throws IOException {
    Path file = Files.writeString(tmp.resolve("select.sql"), """
        CREATE SOURCE numbers (n BIGINT NOT NULL) WITH (
          'connector' = 'datagen', 'number-of-rows' = '5', 'rows-per-second' = '0',
          'fields.n.kind' = 'sequence', 'fields.n.min' = '1', 'fields.n.max' = '5');
        SELECT n, n * 10 AS tens FROM numbers;
        """);

    CliRun run = CliRun.of("run", file.toString(), "--plugins", plugins().toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().filter(l -> l.startsWith("+I ")).map(l -> l.replaceAll("\\s+", " ")))
        .containsExactly("+I 1 | 10", "+I 2 | 20", "+I 3 | 30", "+I 4 | 40", "+I 5 | 50");
  }

  @Test
  void stopsAnUnboundedPipelineWhenForElapses() throws IOException {
    String sql = Files.readString(smallOhlc()).replace("'number-of-rows' = '" + ROWS + "',", "")
        .replace("'rows-per-second' = '0'", "'rows-per-second' = '2000'");
    Path file = Files.writeString(tmp.resolve("unbounded.sql"), sql);

    long start = System.nanoTime();
    CliRun run = CliRun.of("run", file.toString(), "--for", "2500ms", "--plugins", plugins().toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(20));
    assertThat(run.out()).contains("+I ");
  }

  @Test
  void aSyntaxErrorNamesFileLineAndColumnAndRunsNothing() throws IOException {
    Path file = Files.writeString(tmp.resolve("bad.sql"), """
        CREATE SOURCE t (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
        CREATE SINK printed FROM t WITH ('connector' = 'console');

        SELEC x FROM t;
        """);

    CliRun run = CliRun.of("run", file.toString(), "--plugins", plugins().toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith(file + ": line 4, column 1: ");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aValidationErrorNamesItsPositionInTheFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("unknown-column.sql"), """
        CREATE SOURCE t (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');

        CREATE STREAM s AS
          SELECT nope FROM t;
        """);

    CliRun run = CliRun.of("run", file.toString(), "--plugins", plugins().toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith(file + ": line 4, column ").contains("nope");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void aConnectorErrorNamesItsPositionInTheFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("bad-connector.sql"), """
        -- a source whose connector does not exist
        CREATE SOURCE t (x INT) WITH ('connector' = 'no-such-connector');
        """);

    CliRun run = CliRun.of("run", file.toString(), "--plugins", plugins().toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith(file + ": line 2, column ").contains("no-such-connector");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void aMissingFileIsAOneLineError() {
    CliRun run = CliRun.of("run", tmp.resolve("missing.sql").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualToIgnoringNewLines(tmp.resolve("missing.sql") + ": no such file");
  }

  @Test
  void anInvalidDurationIsAUsageErrorNamingTheOption() throws IOException {
    CliRun run = CliRun.of("run", smallOhlc().toString(), "--for", "soon");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--for").contains("soon");
  }

  @Test
  void aMissingPluginsFolderIsAUsageError() throws IOException {
    CliRun run = CliRun.of("run", smallOhlc().toString(), "--plugins", tmp.resolve("nowhere").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--plugins: no such folder: " + tmp.resolve("nowhere"));
  }
}
