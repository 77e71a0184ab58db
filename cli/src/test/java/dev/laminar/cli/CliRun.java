package dev.laminar.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One invocation of the CLI with captured output. System.out is swapped for the call because the
 * console sink prints there.
 */
record CliRun(int exitCode, String out, String err) {
  static CliRun withInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream previousOut = System.out;
    PrintStream previousErr = System.err;
    System.setOut(outStream);
    System.setErr(errStream);
    int code;
    try {
      code = LaminarCli.execute(new CliStreams(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
          outStream, errStream, false), args);
    } finally {
      System.setOut(previousOut);
      System.setErr(previousErr);
    }
    return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static CliRun of(String... args) {
    return withInput("", args);
  }
}
