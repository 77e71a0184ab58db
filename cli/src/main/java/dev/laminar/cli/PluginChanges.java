package dev.laminar.cli;

import dev.laminar.plugin.directory.IndexedPlugin;
import dev.laminar.plugin.directory.InstalledPlugin;
import dev.laminar.plugin.directory.PluginDirectoryException;
import dev.laminar.plugin.directory.PluginIndex;
import dev.laminar.plugin.directory.PluginInstaller;
import dev.laminar.plugin.directory.PluginsFolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The plugin commands that change the plugins folder: {@code install}, {@code update}, {@code remove}. */
final class PluginChanges {
  private PluginChanges() {}

  /** {@code laminar plugins publish ZIP... --index DIR}. */
  @Command(name = "publish", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
      description = {"Adds plugin zips to a plugin index in a local folder (created when missing) and rewrites its "
          + "plugins.json with each release's version, required SDK range and SHA-512. Serve the folder over HTTP or "
          + "use it as --index directly."})
  static final class Publish extends PluginsCommand.Subcommand {
    @Parameters(arity = "1..*", paramLabel = "ZIP", description = "Plugin zips to publish.")
    private List<java.nio.file.Path> zips;

    @picocli.CommandLine.Option(names = "--index", paramLabel = "DIR", required = true,
        description = "The index folder to publish into.")
    private java.nio.file.Path index;

    Publish(CliStreams io) {
      super(io);
    }

    @Override
    int run() {
      try {
        java.nio.file.Files.createDirectories(index);
        for (java.nio.file.Path zip : zips) {
          if (!java.nio.file.Files.isRegularFile(zip)) {
            throw new PluginDirectoryException("no such file: " + zip);
          }
          if (PluginsFolder.descriptorOf(zip) == null) {
            throw new PluginDirectoryException(zip + " is not a PF4J plugin zip (no plugin.properties)");
          }
          java.nio.file.Path target = index.resolve(zip.getFileName());
          if (!java.nio.file.Files.exists(target) || !java.nio.file.Files.isSameFile(zip, target)) {
            java.nio.file.Files.copy(zip, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
        List<IndexedPlugin> plugins = dev.laminar.plugin.directory.IndexGenerator.generate(index, index);
        for (IndexedPlugin p : plugins) {
          io.out().println("published " + p.id() + ": " + String.join(", ", p.releases().stream().map(IndexedPlugin.Release::version).toList())
              + " in " + index.resolve(PluginIndex.FILE_NAME));
        }
        return 0;
      } catch (java.io.IOException e) {
        throw new PluginDirectoryException("cannot publish into " + index + ": " + e.getMessage(), e);
      }
    }
  }

  /** {@code laminar plugins install ID[@VERSION]...}. */
  @Command(name = "install", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
      description = {"Installs plugins from the index: the newest release that works with this engine's SDK, "
          + "or the given version. The download is verified against the SHA-512 of the index before it is moved "
          + "into the plugins folder; another installed version of the plugin is replaced."})
  static final class Install extends PluginsCommand.Subcommand {
    @Parameters(arity = "1..*", paramLabel = "ID[@VERSION]", description = "Plugin id, optionally with a version.")
    private List<String> plugins;

    @Mixin
    private PluginsCommand.IndexOption indexOption;

    Install(CliStreams io) {
      super(io);
    }

    @Override
    int run() {
      PluginIndex index = indexOption.load(fetcher);
      PluginsFolder folder = folderOption.folder();
      PluginInstaller installer = new PluginInstaller(folder, fetcher, sdk, new ProgressLine(io.err(), io.interactive()));
      for (String spec : plugins) {
        int at = spec.indexOf('@');
        String id = at < 0 ? spec : spec.substring(0, at);
        String version = at < 0 ? null : spec.substring(at + 1);
        IndexedPlugin plugin = index.get(id);
        IndexedPlugin.Release release = sdk.choose(plugin, version == null || version.isBlank() ? null : version);
        report(installer.install(index, plugin, release), null, io);
      }
      return 0;
    }
  }

  /** {@code laminar plugins update [ID]}. */
  @Command(name = "update", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
      description = "Updates installed plugins (or only ID) to the newest release in the index that works with "
          + "this engine's SDK, when it is newer than the installed one.")
  static final class Update extends PluginsCommand.Subcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Only this plugin (default: all).")
    private String id;

    @Mixin
    private PluginsCommand.IndexOption indexOption;

    Update(CliStreams io) {
      super(io);
    }

    @Override
    int run() {
      PluginsFolder folder = folderOption.folder();
      Map<String, InstalledPlugin> installed = newestInstalled(folder.list());
      if (id != null && !installed.containsKey(id)) {
        throw new PluginDirectoryException("plugin " + id + " is not installed in " + folder.path());
      }
      if (installed.isEmpty()) {
        io.out().println("no plugins installed in " + folder.path());
        return 0;
      }
      PluginIndex index = indexOption.load(fetcher);
      PluginInstaller installer = new PluginInstaller(folder, fetcher, sdk, new ProgressLine(io.err(), io.interactive()));
      for (InstalledPlugin current : installed.values()) {
        if (id == null || id.equals(current.id())) {
          update(index, installer, current);
        }
      }
      return 0;
    }

    private void update(PluginIndex index, PluginInstaller installer, InstalledPlugin current) {
      String what = "plugin " + current.id() + " " + current.version();
      Optional<IndexedPlugin> plugin = index.find(current.id());
      if (plugin.isEmpty()) {
        if (id != null) {
          throw new PluginDirectoryException(what + " is not in the index " + PluginIndex.display(index.location()));
        }
        io.out().println(what + ": not in the index");
        return;
      }
      Optional<IndexedPlugin.Release> newest = sdk.newestCompatible(plugin.get());
      if (newest.isEmpty()) {
        io.out().println(what + ": the index has no release for SDK " + sdk.sdkVersion());
      } else if (sdk.compare(current.id(), newest.get().version(), current.version()) > 0) {
        report(installer.install(index, plugin.get(), newest.get()), current, io);
      } else {
        io.out().println(what + " is up to date");
      }
    }

    /** Per id, the newest installed version (PF4J would refuse two anyway). */
    private Map<String, InstalledPlugin> newestInstalled(List<InstalledPlugin> all) {
      Map<String, InstalledPlugin> newest = new LinkedHashMap<>();
      for (InstalledPlugin p : all) {
        newest.merge(p.id(), p, (a, b) -> sdk.compare(p.id(), a.version(), b.version()) >= 0 ? a : b);
      }
      return newest;
    }
  }

  /** {@code laminar plugins remove ID...}. */
  @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
      description = "Removes installed plugins: deletes each one's zip and the folder it was expanded into.")
  static final class Remove extends PluginsCommand.Subcommand {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "Plugin id.")
    private List<String> ids;

    Remove(CliStreams io) {
      super(io);
    }

    @Override
    int run() {
      PluginsFolder folder = folderOption.folder();
      for (String pluginId : ids) {
        List<InstalledPlugin> installed = folder.find(pluginId);
        if (installed.isEmpty()) {
          throw new PluginDirectoryException("plugin " + pluginId + " is not installed in " + folder.path());
        }
        for (InstalledPlugin p : installed) {
          folder.remove(p);
          List<String> deleted = new ArrayList<>();
          if (p.archive() != null) {
            deleted.add(p.archive().getFileName().toString());
          }
          if (p.folder() != null) {
            deleted.add(p.folder().getFileName() + "/");
          }
          io.out().println("removed plugin " + p.id() + " " + p.version() + " (deleted " + String.join(", ", deleted)
              + " from " + folder.path() + ")");
        }
      }
      return 0;
    }
  }

  /** One line about an installation; {@code previous} is the version an update replaced. */
  static void report(PluginInstaller.Result result, InstalledPlugin previous, CliStreams io) {
    InstalledPlugin p = result.installed();
    if (result.alreadyInstalled()) {
      io.out().println("plugin " + p.id() + " " + p.version() + " is already installed (" + p.fileName() + ")");
      return;
    }
    String replaced = result.replaced().stream().map(InstalledPlugin::version).distinct()
        .reduce((a, b) -> a + ", " + b).orElse(null);
    if (previous != null) {
      io.out().println("updated plugin " + p.id() + " " + previous.version() + " -> " + p.version() + " ("
          + p.archive() + ")");
    } else {
      io.out().println("installed plugin " + p.id() + " " + p.version() + " into " + p.archive()
          + (replaced == null ? "" : " (replaced " + replaced + ")"));
    }
  }
}
