package dev.laminar.cli;

import dev.laminar.plugin.directory.Fetcher;
import dev.laminar.plugin.directory.InstalledPlugin;
import dev.laminar.plugin.directory.PluginDirectoryException;
import dev.laminar.plugin.directory.PluginIndex;
import dev.laminar.plugin.directory.PluginsFolder;
import dev.laminar.plugin.directory.SdkCompatibility;
import dev.laminar.sdk.LaminarSdk;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code laminar plugins list|search|info|install|update|remove}: the plugin directory. Plugins are
 * found in an index (PF4J's {@code plugins.json} format, in a folder or at an HTTP(S) URL; by
 * default the distribution's own {@code plugin-index/}) and installed into the plugins folder that
 * {@code laminar run} and {@code laminar sql} load. A release is installed only when its
 * {@code requires} range accepts this engine's SDK version ({@link LaminarSdk#VERSION}).
 *
 * <p>Exit code 0 on success, 1 with a one-line message on stderr when the index cannot be read, a
 * plugin or version is unknown or incompatible, or a download fails its checksum; 2 on a usage error.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
    description = "Lists, finds, installs, updates and removes connector plugins from a plugin index.",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Examples:", "  laminar plugins search kafka", "  laminar plugins install file",
        "  laminar plugins install file@1.0.0 --index https://plugins.example.org/",
        "  laminar plugins update", "  laminar plugins remove file",
        "  laminar plugins publish target/my-connector-1.0.0.zip --index ./my-index"})
final class PluginsCommand implements Callable<Integer> {
  /** Set by bin/laminar to the distribution folder, whose {@code plugin-index/} is the default index. */
  static final String HOME_PROPERTY = "laminar.home";
  /** The index folder of the distribution. */
  static final String INDEX_FOLDER = "plugin-index";

  @Spec
  private CommandSpec spec;

  private PluginsCommand() {}

  /** {@code laminar plugins} with its subcommands, writing to {@code io}. */
  static CommandLine commandLine(CliStreams io) {
    CommandLine plugins = new CommandLine(new PluginsCommand());
    plugins.addSubcommand("list", new PluginQueries.ListInstalled(io));
    plugins.addSubcommand("search", new PluginQueries.Search(io));
    plugins.addSubcommand("info", new PluginQueries.Info(io));
    plugins.addSubcommand("install", new PluginChanges.Install(io));
    plugins.addSubcommand("update", new PluginChanges.Update(io));
    plugins.addSubcommand("remove", new PluginChanges.Remove(io));
    plugins.addSubcommand("publish", new PluginChanges.Publish(io));
    return plugins;
  }

  /** {@code laminar plugins} without a command: usage on stderr. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return LaminarCli.USAGE;
  }

  /** The {@code --plugins} option: the folder plugins are installed into. */
  static final class FolderOption {
    @Option(names = "--plugins", paramLabel = "DIR",
        description = "Plugins folder (default: the distribution's plugins folder, else ./plugins).")
    private Path plugins;

    PluginsFolder folder() {
      return new PluginsFolder(plugins != null ? plugins : EngineOptions.defaultPluginsDirectory());
    }
  }

  /** The {@code --index} option: where plugins are found. */
  static final class IndexOption {
    @Option(names = "--index", paramLabel = "URL_OR_DIR",
        description = "Plugin index: a folder with plugins.json, a file: URL or an http(s): URL "
            + "(default: the distribution's plugin-index folder).")
    private String index;

    PluginIndex load(Fetcher fetcher) {
      return PluginIndex.load(index != null ? index : defaultIndex(), fetcher);
    }

    static String defaultIndex() {
      String home = System.getProperty(HOME_PROPERTY);
      return (home != null && !home.isBlank() ? Path.of(home, INDEX_FOLDER) : Path.of(INDEX_FOLDER)).toString();
    }
  }

  /** What every subcommand shares: the streams, the SDK version, one-line errors. */
  abstract static class Subcommand implements Callable<Integer> {
    final CliStreams io;
    final SdkCompatibility sdk = new SdkCompatibility(LaminarSdk.VERSION);
    final Fetcher fetcher = new Fetcher();

    @Mixin
    FolderOption folderOption;

    Subcommand(CliStreams io) {
      this.io = io;
    }

    @Override
    public final Integer call() {
      try {
        return run();
      } catch (PluginDirectoryException e) {
        io.err().println("laminar: " + Errors.oneLine(e.getMessage()));
        return 1;
      } finally {
        fetcher.close();
      }
    }

    abstract int run();

    /** The installed version of {@code id}, or {@code -}. */
    static String installedVersion(List<InstalledPlugin> installed, String id) {
      return installed.stream().filter(p -> p.id().equals(id)).map(InstalledPlugin::version)
          .reduce((a, b) -> a + ", " + b).orElse("-");
    }
  }
}
