package dev.laminar.cli;

import dev.laminar.api.LaminarConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Options every command that opens an engine takes: {@code --plugins}, {@code --data}, {@code --verbose}. */
final class EngineOptions {
  /** Set by bin/laminar to the distribution's plugins folder: the default of {@code --plugins}. */
  static final String PLUGINS_DIR_PROPERTY = "laminar.plugins.dir";

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(names = "--plugins", paramLabel = "DIR",
      description = "Folder of connector plugins (default: the distribution's plugins folder, else ./plugins).")
  private Path plugins;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder that keeps the catalog, so sources, streams and sinks are restored on the next start "
          + "(default: nothing is kept).")
  private Path data;

  @Option(names = "--index", paramLabel = "URL_OR_DIR",
      description = "Plugin index that INSTALL PLUGIN 'id' and UPDATE PLUGIN 'id' look plugins up in "
          + "(default: the distribution's plugin-index folder).")
  private String index;

  @Option(names = "--verbose", description = "Log engine activity and print stack traces of errors.")
  private boolean verbose;

  /** The distribution's plugins folder when started by bin/laminar, else {@code ./plugins}. */
  static Path defaultPluginsDirectory() {
    String fromLauncher = System.getProperty(PLUGINS_DIR_PROPERTY);
    return fromLauncher != null && !fromLauncher.isBlank() ? Path.of(fromLauncher) : Path.of("plugins");
  }

  boolean verbose() {
    return verbose;
  }

  /** The engine settings; an explicitly given {@code --plugins} folder must exist. */
  LaminarConfig config() {
    LaminarConfig.Builder b = LaminarConfig.builder();
    if (plugins != null) {
      if (!Files.isDirectory(plugins)) {
        throw new ParameterException(spec.commandLine(), "--plugins: no such folder: " + plugins);
      }
      b.pluginsDirectory(plugins);
    } else {
      b.pluginsDirectory(defaultPluginsDirectory());
    }
    if (data != null) {
      b.dataDirectory(data);
    }
    b.pluginIndex(index != null ? index : PluginsCommand.IndexOption.defaultIndex());
    return b.build();
  }
}
