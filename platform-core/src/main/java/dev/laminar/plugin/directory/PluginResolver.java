package dev.laminar.plugin.directory;

import dev.laminar.sdk.LaminarSdk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns what a user names in {@code INSTALL PLUGIN} / {@code UPDATE PLUGIN} into a verified plugin zip:
 * an existing file is taken as is; otherwise {@code ID[@VERSION]} is looked up in the plugin index,
 * the newest release compatible with this SDK (or the named one) is downloaded into a temporary
 * folder and its SHA-512 checked.
 */
public final class PluginResolver {
  private final String indexLocation;

  /** @param indexLocation a folder or URL holding plugins.json, or null when there is no index */
  public PluginResolver(String indexLocation) {
    this.indexLocation = indexLocation;
  }

  /** A zip for {@code target}; the caller deletes it when it is in a temporary folder (see {@link #isDownloaded}). */
  public Path resolve(String target) {
    Path file = Path.of(target);
    if (Files.isRegularFile(file)) {
      return file;
    }
    if (indexLocation == null) {
      throw new PluginDirectoryException("no plugin file at '" + target + "', and no plugin index is configured to look up '"
          + target + "' (LaminarConfig.pluginIndex, or --index on the command line)");
    }
    int at = target.indexOf('@');
    String id = at < 0 ? target : target.substring(0, at);
    String version = at < 0 ? null : target.substring(at + 1);
    try (Fetcher fetcher = new Fetcher()) {
      PluginIndex index = PluginIndex.load(indexLocation, fetcher);
      IndexedPlugin plugin = index.get(id);
      SdkCompatibility sdk = new SdkCompatibility(LaminarSdk.VERSION);
      IndexedPlugin.Release release = sdk.choose(plugin, version);
      Path dir = Files.createTempDirectory("laminar-plugin-download");
      PluginInstaller installer = new PluginInstaller(new PluginsFolder(dir), fetcher, sdk, InstallListener.SILENT);
      return installer.install(index, plugin, release).installed().archive();
    } catch (IOException e) {
      throw new PluginDirectoryException("cannot download plugin '" + target + "': " + e.getMessage(), e);
    }
  }

  /** Whether {@code zip} was downloaded by {@link #resolve} (so it can be deleted after use). */
  public static boolean isDownloaded(Path zip) {
    Path parent = zip.toAbsolutePath().getParent();
    return parent != null && parent.getFileName().toString().startsWith("laminar-plugin-download");
  }
}
