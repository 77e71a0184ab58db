package dev.laminar.plugin.directory;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;

/**
 * Which releases work with an engine: a release's {@code requires} range is checked against the
 * engine's SDK version, and versions are compared, with PF4J's own {@link VersionManager}, so the
 * directory and the plugin manager that loads the plugin later agree on both.
 */
public final class SdkCompatibility {
  private final VersionManager versions = new DefaultVersionManager();
  private final String sdkVersion;

  /** Compatibility with an engine whose SDK version is {@code sdkVersion} (e.g. {@code LaminarSdk.VERSION}). */
  public SdkCompatibility(String sdkVersion) {
    this.sdkVersion = java.util.Objects.requireNonNull(sdkVersion, "sdkVersion is null");
  }

  public String sdkVersion() {
    return sdkVersion;
  }

  /** Whether the release's {@code requires} range accepts this SDK version (no range accepts any). */
  public boolean accepts(IndexedPlugin plugin, IndexedPlugin.Release release) {
    try {
      return versions.checkVersionConstraint(sdkVersion, release.requires());
    } catch (RuntimeException e) {
      throw new PluginDirectoryException("plugin " + plugin.id() + " " + release.version()
          + " has an invalid SDK range in requires: '" + release.requires() + "'", e);
    }
  }

  /** Fails unless the release works with this SDK, naming both versions. */
  public void check(IndexedPlugin plugin, IndexedPlugin.Release release) {
    if (!accepts(plugin, release)) {
      throw new PluginDirectoryException(incompatibility(plugin, release));
    }
  }

  /** {@code plugin x 2.0.0 requires SDK >=2.0.0 & <3.0.0; this engine has SDK 1.0.0}. */
  public String incompatibility(IndexedPlugin plugin, IndexedPlugin.Release release) {
    return "plugin " + plugin.id() + " " + release.version() + " requires SDK " + release.requires()
        + "; this engine has SDK " + sdkVersion;
  }

  /** Semver order of two versions of {@code pluginId}: negative, zero or positive. */
  public int compare(String pluginId, String a, String b) {
    try {
      return versions.compareVersions(a, b);
    } catch (RuntimeException e) {
      throw new PluginDirectoryException("plugin " + pluginId + ": cannot compare versions '" + a + "' and '" + b
          + "' (versions are semantic versions, MAJOR.MINOR.PATCH)", e);
    }
  }

  /** The releases, newest first. */
  public List<IndexedPlugin.Release> newestFirst(IndexedPlugin plugin) {
    Comparator<IndexedPlugin.Release> byVersion = (a, b) -> compare(plugin.id(), a.version(), b.version());
    return plugin.releases().stream().sorted(byVersion.reversed()).toList();
  }

  /** The newest release that works with this SDK. */
  public Optional<IndexedPlugin.Release> newestCompatible(IndexedPlugin plugin) {
    return newestFirst(plugin).stream().filter(r -> accepts(plugin, r)).findFirst();
  }

  /**
   * The release to install: {@code version} when given (it must exist and be compatible), else the
   * newest compatible one.
   *
   * @throws PluginDirectoryException naming the plugin, the versions and the SDK when there is none
   */
  public IndexedPlugin.Release choose(IndexedPlugin plugin, String version) {
    if (plugin.releases().isEmpty()) {
      throw new PluginDirectoryException("plugin " + plugin.id() + " has no releases in the index");
    }
    if (version != null) {
      IndexedPlugin.Release release = plugin.releases().stream()
          .filter(r -> r.version().equals(version) || compare(plugin.id(), r.version(), version) == 0)
          .findFirst()
          .orElseThrow(() -> new PluginDirectoryException("plugin " + plugin.id() + " has no release " + version
              + " in the index (it has " + String.join(", ", newestFirst(plugin).stream()
                  .map(IndexedPlugin.Release::version).toList()) + ")"));
      check(plugin, release);
      return release;
    }
    return newestCompatible(plugin).orElseThrow(
        () -> new PluginDirectoryException(incompatibility(plugin, newestFirst(plugin).getFirst())));
  }
}
