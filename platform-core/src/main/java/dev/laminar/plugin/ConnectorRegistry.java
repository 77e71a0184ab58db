package dev.laminar.plugin;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connector the engine knows: the built-ins (written against the SDK like any plugin),
 * those the application registered, and those of the plugins in the plugins directory. Plugins can
 * be installed, replaced and removed while the engine runs; the engine drives that (see
 * {@code Engine.updatePlugin}) so that pipelines using a plugin are stopped around the swap.
 * Resolution by id is case-insensitive; an unknown id is an error listing the known ones.
 * Control thread only (callers synchronise).
 */
public final class ConnectorRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectorRegistry.class);

  /**
   * A connector and where it came from.
   *
   * @param pluginId the plugin providing it, or null for built-in and application connectors
   * @param origin "built-in", "application" or "plugin ID VERSION", used in messages
   */
  public record Entry(ConnectorFactory factory, String origin, ClassLoader classLoader, String pluginId) {}

  /** A loaded plugin as {@code SHOW PLUGINS} lists it. */
  public record PluginInfo(String id, String version, String state, String requires, List<String> connectors, Path path) {}

  private final Map<String, Entry> connectors = new TreeMap<>();
  private final Path pluginsDirectory;
  private final PluginManager pluginManager;

  public ConnectorRegistry(List<ConnectorFactory> builtins, List<ConnectorFactory> application, Path pluginsDirectory) {
    for (ConnectorFactory f : builtins) {
      register(f, "built-in", ConnectorRegistry.class.getClassLoader(), null);
    }
    for (ConnectorFactory f : application) {
      register(f, "application", f.getClass().getClassLoader(), null);
    }
    this.pluginsDirectory = pluginsDirectory == null ? null : pluginsDirectory.toAbsolutePath();
    if (this.pluginsDirectory != null && Files.isDirectory(this.pluginsDirectory)) {
      pluginManager = new LaminarPluginManager(this.pluginsDirectory);
      pluginManager.loadPlugins();
      pluginManager.startPlugins();
      for (PluginWrapper plugin : pluginManager.getPlugins()) {
        registerPlugin(plugin);
      }
    } else {
      pluginManager = this.pluginsDirectory == null ? null : new LaminarPluginManager(this.pluginsDirectory);
    }
  }

  private void registerPlugin(PluginWrapper plugin) {
    if (plugin.getPluginState() != PluginState.STARTED) {
      LOG.warn("Plugin {} {} is {}: {}", plugin.getPluginId(), plugin.getDescriptor().getVersion(), plugin.getPluginState(),
          plugin.getFailedException() == null ? "" : plugin.getFailedException().getMessage());
      return;
    }
    for (ConnectorFactory f : pluginManager.getExtensions(ConnectorFactory.class, plugin.getPluginId())) {
      register(f, origin(plugin), plugin.getPluginClassLoader(), plugin.getPluginId());
    }
  }

  private static String origin(PluginWrapper plugin) {
    return "plugin " + plugin.getPluginId() + " " + plugin.getDescriptor().getVersion();
  }

  private void register(ConnectorFactory f, String origin, ClassLoader loader, String pluginId) {
    String id = f.id().toLowerCase(Locale.ROOT);
    Entry previous = connectors.putIfAbsent(id, new Entry(f, origin, loader, pluginId));
    if (previous != null) {
      throw new IllegalStateException("connector id '" + id + "' is provided twice: by " + previous.origin() + " and by " + origin);
    }
    LOG.debug("Connector {} from {}", id, origin);
  }

  /**
   * The connector with this id that provides {@code kind}.
   *
   * @throws IllegalArgumentException naming the id and listing the known connectors (of that kind)
   */
  public Entry resolve(String id, ConnectorKind kind) {
    Entry e = connectors.get(id.toLowerCase(Locale.ROOT));
    if (e == null) {
      throw new IllegalArgumentException("unknown connector '" + id + "'; known connectors: " + String.join(", ", ids(null)));
    }
    if (!e.factory().provides().contains(kind)) {
      throw new IllegalArgumentException("connector '" + id + "' cannot be used as a " + kind.name().toLowerCase(Locale.ROOT)
          + " (it provides " + e.factory().provides() + "); " + kind.name().toLowerCase(Locale.ROOT) + " connectors: "
          + String.join(", ", ids(kind)));
    }
    return e;
  }

  /** Known connector ids, sorted; only those providing {@code kind} when it is not null. */
  public List<String> ids(ConnectorKind kind) {
    List<String> ids = new ArrayList<>();
    connectors.forEach((id, e) -> {
      if (kind == null || e.factory().provides().contains(kind)) {
        ids.add(id);
      }
    });
    return ids;
  }

  public List<Entry> all() {
    return List.copyOf(connectors.values());
  }

  /** "plugin ID VERSION" of a loaded plugin, for messages. */
  public String describePlugin(String pluginId) {
    PluginWrapper p = pluginManager == null ? null : pluginManager.getPlugin(pluginId);
    return p == null ? "plugin " + pluginId : origin(p);
  }

  /** The plugins loaded from the plugins directory. */
  public List<PluginInfo> plugins() {
    if (pluginManager == null) {
      return List.of();
    }
    List<PluginInfo> out = new ArrayList<>();
    for (PluginWrapper p : pluginManager.getPlugins()) {
      List<String> ids = connectors.entrySet().stream().filter(e -> p.getPluginId().equals(e.getValue().pluginId()))
          .map(Map.Entry::getKey).toList();
      out.add(new PluginInfo(p.getPluginId(), p.getDescriptor().getVersion(), p.getPluginState().toString(),
          p.getDescriptor().getRequires(), ids, p.getPluginPath()));
    }
    out.sort(Comparator.comparing(PluginInfo::id));
    return out;
  }

  /** The {@link dev.laminar.sdk.function.FunctionProvider} extensions of the started plugins, keyed by "plugin ID VERSION". */
  public Map<String, List<dev.laminar.sdk.function.FunctionProvider>> functionProviders() {
    Map<String, List<dev.laminar.sdk.function.FunctionProvider>> out = new TreeMap<>();
    if (pluginManager != null) {
      for (PluginWrapper p : pluginManager.getStartedPlugins()) {
        out.put(origin(p), pluginManager.getExtensions(dev.laminar.sdk.function.FunctionProvider.class, p.getPluginId()));
      }
    }
    return out;
  }

  /** Whether a plugin with this id is loaded. */
  public boolean hasPlugin(String pluginId) {
    return pluginManager != null && pluginManager.getPlugin(pluginId) != null;
  }

  /**
   * Copies a plugin zip into the plugins directory, loads and starts it, and registers its
   * connectors. Returns the plugin id.
   *
   * @throws IllegalArgumentException if there is no plugins directory, the zip is not a plugin, its
   *     {@code Plugin-Requires} does not accept this SDK, the id is already loaded, or it provides a
   *     connector id that exists
   */
  public String install(Path zip) {
    if (pluginManager == null) {
      throw new IllegalArgumentException("this engine has no plugins directory; open it with one to install plugins");
    }
    if (!Files.isRegularFile(zip)) {
      throw new IllegalArgumentException("no plugin file at " + zip);
    }
    Path target = pluginsDirectory.resolve(zip.getFileName());
    try {
      Files.createDirectories(pluginsDirectory);
      if (!target.equals(zip.toAbsolutePath())) {
        Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot copy " + zip + " into " + pluginsDirectory + ": " + e.getMessage(), e);
    }
    String id;
    try {
      id = pluginManager.loadPlugin(target);
    } catch (RuntimeException e) {
      deleteQuietly(target);
      throw new IllegalArgumentException("cannot load plugin " + zip.getFileName() + ": " + e.getMessage(), e);
    }
    PluginWrapper plugin = pluginManager.getPlugin(id);
    PluginState state = pluginManager.startPlugin(id);
    if (state != PluginState.STARTED) {
      String why = plugin.getFailedException() == null ? state.toString() : plugin.getFailedException().getMessage();
      pluginManager.unloadPlugin(id);
      deleteQuietly(target);
      throw new IllegalArgumentException(origin(plugin) + " did not start: " + why);
    }
    try {
      registerPlugin(plugin);
    } catch (IllegalStateException e) {
      unregister(id);
      pluginManager.unloadPlugin(id);
      deleteQuietly(target);
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return id;
  }

  /**
   * Unregisters a plugin's connectors, stops and unloads it, and deletes its files from the
   * plugins directory. The caller has stopped everything that used it and dropped every reference to
   * its objects, so that its class loader can be collected.
   */
  public void uninstall(String pluginId) {
    if (!hasPlugin(pluginId)) {
      throw new IllegalArgumentException("no plugin '" + pluginId + "' is loaded; loaded plugins: "
          + plugins().stream().map(PluginInfo::id).toList());
    }
    Path path = pluginManager.getPlugin(pluginId).getPluginPath();
    unregister(pluginId);
    pluginManager.stopPlugin(pluginId);
    pluginManager.unloadPlugin(pluginId);
    deleteQuietly(path);
    if (path.getFileName().toString().endsWith(".zip")) {
      String expanded = path.getFileName().toString().replaceAll("\\.zip$", "");
      deleteQuietly(path.resolveSibling(expanded));
    } else {
      deleteQuietly(path.resolveSibling(path.getFileName() + ".zip"));
    }
  }

  private void unregister(String pluginId) {
    connectors.values().removeIf(e -> pluginId.equals(e.pluginId()));
  }

  private static void deleteQuietly(Path path) {
    if (path == null || !Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", path, e.getMessage());
    }
  }

  @Override
  public void close() {
    if (pluginManager != null) {
      for (PluginWrapper p : List.copyOf(pluginManager.getStartedPlugins())) {
        pluginManager.stopPlugin(p.getPluginId());
      }
      pluginManager.unloadPlugins();
    }
  }
}
