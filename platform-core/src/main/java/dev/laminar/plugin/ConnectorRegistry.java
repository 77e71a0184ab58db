package dev.laminar.plugin;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connector the engine knows: the built-ins (written against the SDK like any plugin) and
 * those of the plugins loaded from the plugins directory. Resolution by id is case-insensitive; an
 * unknown id is an error that lists the known ones.
 */
public final class ConnectorRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectorRegistry.class);

  /** A connector and where it came from. */
  public record Entry(ConnectorFactory factory, String origin, ClassLoader classLoader) {}

  private final Map<String, Entry> connectors = new TreeMap<>();
  private final PluginManager pluginManager;

  public ConnectorRegistry(List<ConnectorFactory> builtins, Path pluginsDirectory) {
    for (ConnectorFactory f : builtins) {
      register(f, "built-in", ConnectorRegistry.class.getClassLoader());
    }
    if (pluginsDirectory != null && Files.isDirectory(pluginsDirectory)) {
      pluginManager = new LaminarPluginManager(pluginsDirectory.toAbsolutePath());
      pluginManager.loadPlugins();
      pluginManager.startPlugins();
      for (PluginWrapper plugin : pluginManager.getPlugins()) {
        if (plugin.getPluginState() != PluginState.STARTED) {
          LOG.warn("Plugin {} {} is {}: {}", plugin.getPluginId(), plugin.getDescriptor().getVersion(),
              plugin.getPluginState(), plugin.getFailedException() == null ? "" : plugin.getFailedException().getMessage());
          continue;
        }
        for (ConnectorFactory f : pluginManager.getExtensions(ConnectorFactory.class, plugin.getPluginId())) {
          register(f, "plugin " + plugin.getPluginId() + " " + plugin.getDescriptor().getVersion(), plugin.getPluginClassLoader());
        }
      }
    } else {
      pluginManager = null;
    }
  }

  private void register(ConnectorFactory f, String origin, ClassLoader loader) {
    String id = f.id().toLowerCase(Locale.ROOT);
    Entry previous = connectors.putIfAbsent(id, new Entry(f, origin, loader));
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
