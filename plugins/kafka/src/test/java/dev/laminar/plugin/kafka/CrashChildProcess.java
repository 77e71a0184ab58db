package dev.laminar.plugin.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@link KafkaCrashChild} in a child JVM: its stdout protocol lines, commands to its stdin,
 * and SIGKILL. Lines other than the protocol's are echoed to stderr.
 */
final class CrashChildProcess implements AutoCloseable {
  private static final String END = "\u0000end";
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  /** Protocol lines received and not yet consumed by {@link #await}. */
  private final List<String> unclaimed = new ArrayList<>();

  private CrashChildProcess(Process process) {
    this.process = process;
    this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readLines, "crash-child-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@link KafkaCrashChild} on {@code data} running the SQL script in {@code script}. */
  static CrashChildProcess start(Path data, Path plugins, Path sinkPlugins, Path script) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new CrashChildProcess(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx256m",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=error", KafkaCrashChild.class.getName(), data.toString(), plugins.toString(),
        sinkPlugins.toString(), script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  private void readLines() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.matches("(RUNNING|REDRIVE|FAULT|FAILED)\\b.*")) {
          lines.add(line);
        } else {
          System.err.println("[child] " + line);
        }
      }
    } catch (IOException e) {
      lines.add("FAILED reading the child's output: " + e);
    } finally {
      lines.add(END);
    }
  }

  /** Sends one command line to the child. */
  void send(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
  }

  /**
   * The next protocol line starting with {@code prefix} (lines with other prefixes are kept for later
   * calls), or null when none came within {@code timeout}. Fails if the child reports a failure or ends.
   */
  String poll(String prefix, Duration timeout) throws InterruptedException {
    for (String line : unclaimed) {
      if (line.startsWith(prefix)) {
        unclaimed.remove(line);
        return line;
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        return null;
      }
      if (line.equals(END)) {
        lines.add(END);
        process.waitFor(10, TimeUnit.SECONDS); // the output ended: the process is exiting
        throw new AssertionError("the child ended (exit code " + exitCode() + ") while the test waited for " + prefix);
      }
      if (line.startsWith("FAILED")) {
        throw new AssertionError("the child reported: " + line);
      }
      if (line.startsWith(prefix)) {
        return line;
      }
      unclaimed.add(line);
    }
  }

  /** Like {@link #poll}, failing when the line does not come within {@code timeout}. */
  String await(String prefix, Duration timeout) throws InterruptedException {
    String line = poll(prefix, timeout);
    if (line == null) {
      throw new AssertionError("the child did not say " + prefix + " within " + timeout + " (said so far: " + unclaimed + ")");
    }
    return line;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code millis} for the child to end; true if it did. */
  boolean waitFor(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  private String exitCode() {
    return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Kills the child if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
