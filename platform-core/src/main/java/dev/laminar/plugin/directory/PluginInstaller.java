package dev.laminar.plugin.directory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.pf4j.PluginDescriptor;

/**
 * Installs a release of an indexed plugin into a plugins folder: downloads the zip to a hidden
 * temporary file in that folder while computing its SHA-512, checks the digest against the index and
 * the zip's descriptor against the release, then renames it into place atomically and removes the
 * plugin's other versions (zip and expanded folder). On any failure the temporary file is deleted
 * and the folder is as it was.
 */
public final class PluginInstaller {
  /** A file name that is safe to use in the plugins folder as is. */
  private static final Pattern SAFE_ZIP_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]*\\.zip");
  private static final int BUFFER = 64 * 1024;

  private final PluginsFolder folder;
  private final Fetcher fetcher;
  private final SdkCompatibility sdk;
  private final InstallListener listener;

  public PluginInstaller(PluginsFolder folder, Fetcher fetcher, SdkCompatibility sdk, InstallListener listener) {
    this.folder = folder;
    this.fetcher = fetcher;
    this.sdk = sdk;
    this.listener = listener;
  }

  /**
   * What an installation did.
   *
   * @param installed the plugin as now installed
   * @param replaced other versions of it that were removed
   * @param alreadyInstalled true when this version was installed before and nothing was done
   */
  public record Result(InstalledPlugin installed, List<InstalledPlugin> replaced, boolean alreadyInstalled) {}

  /**
   * Installs {@code release} of {@code plugin} from {@code index}, unless that version is installed
   * already.
   *
   * @throws PluginDirectoryException when the release does not work with this SDK, cannot be
   *     downloaded, does not match its checksum or is not the plugin the index says it is
   */
  public Result install(PluginIndex index, IndexedPlugin plugin, IndexedPlugin.Release release) {
    sdk.check(plugin, release);
    List<InstalledPlugin> existing = folder.find(plugin.id());
    for (InstalledPlugin p : existing) {
      if (sameVersion(plugin.id(), p.version(), release.version())) {
        return new Result(p, List.of(), true);
      }
    }
    URI source = index.resolve(plugin, release);
    String what = "plugin " + plugin.id() + " " + release.version();
    Path target = folder.path().resolve(zipName(plugin, release, source));
    createFolder();
    // a hidden folder in the plugins folder: PF4J ignores it, and the final rename stays on one file system
    Path tempDir;
    try {
      tempDir = Files.createTempDirectory(folder.path(), ".laminar-download-");
    } catch (IOException e) {
      throw new PluginDirectoryException("cannot write to the plugins folder " + folder.path() + ": "
          + Fetcher.reason(e), e);
    }
    try {
      Path temp = tempDir.resolve(target.getFileName());
      String actual = download(source, temp, target.getFileName().toString(), what);
      verifyChecksum(plugin, release, source, actual);
      verifyDescriptor(plugin, release, temp, source);
      moveIntoPlace(temp, target, existing);
    } finally {
      try {
        PluginsFolder.deleteTree(tempDir);
      } catch (IOException e) {
        listener.warning("could not delete the temporary folder " + tempDir + ": " + Fetcher.reason(e));
      }
    }
    List<InstalledPlugin> replaced = new ArrayList<>();
    for (InstalledPlugin old : existing) {
      removeOld(old, target);
      replaced.add(old);
    }
    InstalledPlugin installed = folder.find(plugin.id()).stream()
        .filter(p -> target.equals(p.archive()))
        .findFirst()
        .orElseThrow(() -> new PluginDirectoryException(what + " was written to " + target
            + " but is not found there"));
    return new Result(installed, replaced, false);
  }

  private boolean sameVersion(String id, String installed, String wanted) {
    if (installed.equals(wanted)) {
      return true;
    }
    try {
      return sdk.compare(id, installed, wanted) == 0;
    } catch (PluginDirectoryException e) {
      return false; // an installed version that is not semver is just different
    }
  }

  /** The zip's name in the plugins folder: the one in its URL when safe, else {@code <id>-<version>.zip}. */
  static String zipName(IndexedPlugin plugin, IndexedPlugin.Release release, URI source) {
    String path = source.getPath();
    if (path != null) {
      String last = path.substring(path.lastIndexOf('/') + 1);
      if (SAFE_ZIP_NAME.matcher(last).matches()) {
        return last;
      }
    }
    String fallback = (plugin.id() + "-" + release.version()).replaceAll("[^A-Za-z0-9._+-]", "_") + ".zip";
    return fallback.startsWith(".") ? "_" + fallback : fallback;
  }

  private void createFolder() {
    try {
      Files.createDirectories(folder.path());
    } catch (IOException e) {
      throw new PluginDirectoryException("cannot create the plugins folder " + folder.path() + ": "
          + Fetcher.reason(e), e);
    }
  }

  /** Copies {@code source} to {@code temp} and returns the SHA-512 of the bytes, in lower-case hex. */
  private String download(URI source, Path temp, String fileName, String what) {
    MessageDigest sha512;
    try {
      sha512 = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-512", e);
    }
    long done = 0;
    long total = -1;
    try (Fetcher.Body body = fetcher.open(source);
        InputStream in = body.stream();
        OutputStream out = Files.newOutputStream(temp)) {
      total = body.length();
      listener.downloadStarted(fileName, total);
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        sha512.update(buffer, 0, n);
        done += n;
        listener.downloadProgress(done, total);
      }
    } catch (IOException e) {
      throw new PluginDirectoryException("cannot download " + what + " from " + PluginIndex.display(source) + ": "
          + Fetcher.reason(e), e);
    }
    listener.downloadFinished(done, total);
    if (total >= 0 && done != total) {
      throw new PluginDirectoryException("download of " + what + " from " + PluginIndex.display(source)
          + " ended after " + done + " of " + total + " bytes; nothing installed");
    }
    return HexFormat.of().formatHex(sha512.digest());
  }

  private void verifyChecksum(IndexedPlugin plugin, IndexedPlugin.Release release, URI source, String actual) {
    String expected = release.sha512sum();
    String what = "plugin " + plugin.id() + " " + release.version();
    if (expected == null || expected.isBlank()) {
      listener.warning("the index gives no sha512sum for " + what + ": its download is not verified");
      return;
    }
    if (!expected.trim().toLowerCase(Locale.ROOT).equals(actual)) {
      throw new PluginDirectoryException("checksum mismatch for " + what + " from " + PluginIndex.display(source)
          + ": expected SHA-512 " + expected.trim() + ", actual " + actual + "; nothing installed");
    }
  }

  /** The zip must be a plugin, the one the index says it is: this id, this version. */
  private static void verifyDescriptor(IndexedPlugin plugin, IndexedPlugin.Release release, Path zip, URI source) {
    PluginDescriptor d = PluginsFolder.descriptorOf(zip);
    String what = PluginIndex.display(source);
    if (d == null) {
      throw new PluginDirectoryException(what + " is not a PF4J plugin zip (no plugin.properties with plugin.id); "
          + "nothing installed");
    }
    if (!plugin.id().equals(d.getPluginId()) || !release.version().equals(d.getVersion())) {
      throw new PluginDirectoryException("the index lists " + what + " as plugin " + plugin.id() + " "
          + release.version() + ", but the zip holds plugin " + d.getPluginId() + " " + d.getVersion()
          + "; nothing installed");
    }
  }

  /** Renames the verified download to its name in the plugins folder, replacing a file of that name. */
  private void moveIntoPlace(Path temp, Path target, List<InstalledPlugin> existing) {
    if (Files.exists(target) && existing.stream().noneMatch(p -> target.equals(p.archive()))) {
      InstalledPlugin other = folder.list().stream().filter(p -> target.equals(p.archive())).findFirst().orElse(null);
      if (other != null) {
        throw new PluginDirectoryException(target + " already holds plugin " + other.id() + " " + other.version()
            + "; nothing installed");
      }
    }
    try {
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      // an expansion of an earlier zip of this name would be loaded instead of the new zip
      PluginsFolder.deleteTree(PluginsFolder.expandedFolder(target));
    } catch (IOException e) {
      throw new PluginDirectoryException("cannot move the download into " + target + ": " + Fetcher.reason(e), e);
    }
  }

  /** Removes an earlier version, except the zip just written when it has the same name. */
  private void removeOld(InstalledPlugin old, Path target) {
    if (target.equals(old.archive())) {
      return; // replaced by the move; its expanded folder went with it
    }
    folder.remove(old);
  }
}
