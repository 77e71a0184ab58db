package dev.laminar.cli;

import dev.laminar.plugin.directory.IndexedPlugin;
import dev.laminar.plugin.directory.InstalledPlugin;
import dev.laminar.plugin.directory.PluginIndex;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The read-only plugin commands: {@code list}, {@code search}, {@code info}. */
final class PluginQueries {
  private PluginQueries() {}

  /** {@code laminar plugins list}: the installed plugins. */
  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
      description = "Lists the plugins installed in the plugins folder (id and version from each plugin's descriptor).")
  static final class ListInstalled extends PluginsCommand.Subcommand {
    ListInstalled(CliStreams io) {
      super(io);
    }

    @Override
    int run() {
      var folder = folderOption.folder();
      List<InstalledPlugin> installed = folder.list();
      if (installed.isEmpty()) {
        io.out().println("no plugins installed in " + folder.path());
        return 0;
      }
      List<String[]> rows = new ArrayList<>();
      for (InstalledPlugin p : installed) {
        rows.add(new String[] {p.id(), p.version(), p.requires(), p.fileName()});
      }
      Tables.printText(new String[] {"id", "version", "requires", "file"}, new boolean[4], rows, "plugin", io.out());
      return 0;
    }
  }

  /** {@code laminar plugins search [TEXT]}: plugins of the index. */
  @Command(name = "search", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
      description = "Lists the plugins of the index whose id, name, description or provider contain TEXT "
          + "(all without TEXT), with the newest version that works with this engine.")
  static final class Search extends PluginsCommand.Subcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TEXT", description = "Text to look for, ignoring case.")
    private String text;

    @Mixin
    private PluginsCommand.IndexOption indexOption;

    Search(CliStreams io) {
      super(io);
    }

    @Override
    int run() {
      PluginIndex index = indexOption.load(fetcher);
      List<IndexedPlugin> found = text == null ? index.plugins() : index.search(text);
      if (found.isEmpty()) {
        io.out().println(text == null
            ? "the index " + PluginIndex.display(index.location()) + " has no plugins"
            : "no plugin in the index " + PluginIndex.display(index.location()) + " matches '" + text + "'");
        return 0;
      }
      List<InstalledPlugin> installed = folderOption.folder().list();
      List<String[]> rows = new ArrayList<>();
      for (IndexedPlugin p : found) {
        String latest = sdk.newestCompatible(p).map(IndexedPlugin.Release::version)
            .orElse("none for SDK " + sdk.sdkVersion());
        rows.add(new String[] {p.id(), latest, installedVersion(installed, p.id()),
            p.description() == null ? "" : p.description()});
      }
      Tables.printText(new String[] {"id", "latest", "installed", "description"}, new boolean[4], rows, "plugin",
          io.out());
      return 0;
    }
  }

  /** {@code laminar plugins info ID}: one plugin of the index with all its releases. */
  @Command(name = "info", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
      description = "Shows a plugin of the index: its description, provider, installed version and every release "
          + "with the SDK versions it requires.")
  static final class Info extends PluginsCommand.Subcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The plugin id.")
    private String id;

    @Mixin
    private PluginsCommand.IndexOption indexOption;

    Info(CliStreams io) {
      super(io);
    }

    @Override
    int run() {
      PluginIndex index = indexOption.load(fetcher);
      IndexedPlugin p = index.get(id);
      List<InstalledPlugin> installed = folderOption.folder().find(id);
      StringBuilder sb = new StringBuilder();
      field(sb, "id", p.id());
      field(sb, "name", p.name());
      field(sb, "description", p.description());
      field(sb, "provider", p.provider());
      field(sb, "project", p.projectUrl());
      field(sb, "installed", installed.isEmpty() ? "no" : String.join(", ", installed.stream()
          .map(i -> i.version() + " (" + i.fileName() + ")").toList()));
      field(sb, "index", PluginIndex.display(index.location()));
      field(sb, "engine SDK", sdk.sdkVersion());
      io.out().print(sb.append(System.lineSeparator()));
      List<String[]> rows = new ArrayList<>();
      for (IndexedPlugin.Release r : sdk.newestFirst(p)) {
        rows.add(new String[] {r.version(), orDash(r.date()), orDash(r.requires()),
            sdk.accepts(p, r) ? "yes" : "no", r.url()});
      }
      Tables.printText(new String[] {"version", "date", "requires", "compatible", "url"}, new boolean[5], rows,
          "release", io.out());
      return 0;
    }

    private static void field(StringBuilder sb, String name, String value) {
      if (value != null && !value.isBlank()) {
        sb.append(Tables.pad(name + ":", 13, false)).append(value).append(System.lineSeparator());
      }
    }

    private static String orDash(String s) {
      return s == null || s.isBlank() ? "-" : s;
    }
  }
}
