package dev.laminar.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code laminar} command: {@code run FILE.sql} executes a SQL file and keeps its pipelines
 * running, {@code sql} opens an interactive shell, {@code plugins} installs connector plugins from a
 * plugin index. {@link #execute} runs it and returns the exit code
 * (0 success, 1 a SQL or pipeline error, 2 a usage error); {@link #main} exits with it.
 */
@Command(name = "laminar", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
    description = "Laminar, an embedded streaming SQL database: runs SQL files and an interactive SQL shell, and installs connector plugins.",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Examples:", "  laminar run examples/ohlc.sql", "  laminar run --for 30s pipeline.sql",
        "  echo 'SHOW CONNECTORS;' | laminar sql", "  laminar plugins search", "  laminar plugins install file"})
public final class LaminarCli implements Callable<Integer> {
  /** Exit code of a usage error (unknown option, missing argument). */
  static final int USAGE = 2;

  @Spec
  private CommandSpec spec;

  private LaminarCli() {}

  public static void main(String[] args) {
    System.exit(execute(CliStreams.system(), args));
  }

  /** Runs the command line {@code args} on {@code io} and returns the exit code. */
  public static int execute(CliStreams io, String... args) {
    CommandLine cli = new CommandLine(new LaminarCli());
    cli.addSubcommand("run", new RunCommand(io));
    cli.addSubcommand("sql", new SqlCommand(io));
    cli.addSubcommand("plugins", PluginsCommand.commandLine(io));
    cli.addSubcommand("help", new CommandLine.HelpCommand());
    cli.setOut(new PrintWriter(io.out(), true));
    cli.setErr(new PrintWriter(io.err(), true));
    cli.setExecutionExceptionHandler((e, command, parseResult) -> {
      // commands report their own errors; this is the last resort for a bug in the CLI itself
      io.err().println("laminar: " + Errors.describe(e));
      e.printStackTrace(io.err());
      return 1;
    });
    return cli.execute(args);
  }

  /** {@code laminar} without a command: usage on stderr. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** The distribution's version, from the filtered {@code version.properties} (else the jar manifest). */
  static String version() {
    try (InputStream in = LaminarCli.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall back to the manifest
    }
    String manifest = LaminarCli.class.getPackage().getImplementationVersion();
    return manifest != null ? manifest : "unknown";
  }

  /** {@code --version}: Laminar's version and the Java running it. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
          "laminar " + version(),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
