package dev.laminar.plugin.directory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.PluginDescriptor;

/**
 * Publishes plugin zips as an index folder: copies every {@code *.zip} of a folder into the index
 * folder and writes its {@code plugins.json} with one entry per plugin id and one release per zip
 * (id, version, requires, provider and description from the zip's {@code plugin.properties}; the
 * SHA-512 of the zip; the date of the zip file; the zip's file name as a URL relative to the index).
 *
 * <p>The build runs {@link #main} when it assembles the distribution, so the distribution ships
 * {@code plugin-index/} with the project's own plugins.
 */
public final class IndexGenerator {
  private IndexGenerator() {}

  /** {@code IndexGenerator ZIPS_DIR INDEX_DIR}: a missing zips folder gives an empty index. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: IndexGenerator ZIPS_DIR INDEX_DIR");
      System.exit(2);
    }
    List<IndexedPlugin> plugins = generate(Path.of(args[0]), Path.of(args[1]));
    int releases = plugins.stream().mapToInt(p -> p.releases().size()).sum();
    System.out.println("plugin index " + Path.of(args[1]).resolve(PluginIndex.FILE_NAME) + ": " + plugins.size()
        + " plugin(s), " + releases + " release(s)");
  }

  /**
   * Writes {@code indexDir/plugins.json} for the zips in {@code zipsDir}, copying them into
   * {@code indexDir}, and returns the index's plugins.
   *
   * @throws PluginDirectoryException when a zip has no plugin descriptor or no version
   */
  public static List<IndexedPlugin> generate(Path zipsDir, Path indexDir) throws IOException {
    Files.createDirectories(indexDir);
    Map<String, PluginFields> byId = new LinkedHashMap<>();
    for (Path zip : zips(zipsDir)) {
      PluginDescriptor d = PluginsFolder.descriptorOf(zip);
      if (d == null || d.getVersion() == null || d.getVersion().isBlank()) {
        throw new PluginDirectoryException(zip + " is not a PF4J plugin zip (no plugin.properties with "
            + "plugin.id and plugin.version)");
      }
      String fileName = zip.getFileName().toString();
      Path copy = indexDir.resolve(fileName);
      if (!Files.exists(copy) || !Files.isSameFile(zip, copy)) {
        Files.copy(zip, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      }
      String date = Files.getLastModifiedTime(zip).toInstant().atZone(ZoneOffset.UTC).toLocalDate().toString();
      String requires = d.getRequires() == null || d.getRequires().isBlank() ? "*" : d.getRequires();
      byId.computeIfAbsent(d.getPluginId(), id -> new PluginFields(d))
          .releases.add(new IndexedPlugin.Release(d.getVersion(), date, requires, fileName, sha512(zip)));
    }
    List<IndexedPlugin> plugins = new ArrayList<>();
    for (Map.Entry<String, PluginFields> e : byId.entrySet()) {
      PluginFields f = e.getValue();
      plugins.add(new IndexedPlugin(e.getKey(), e.getKey(), f.description, f.provider, null, f.releases));
    }
    plugins.sort(java.util.Comparator.comparing(IndexedPlugin::id));
    Path json = indexDir.resolve(PluginIndex.FILE_NAME);
    Path temp = indexDir.resolve(PluginIndex.FILE_NAME + ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      PluginIndex.write(plugins, out);
    }
    Files.move(temp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return plugins;
  }

  /** The SHA-512 of a file in lower-case hex, as {@code sha512sum} prints it. */
  public static String sha512(Path file) throws IOException {
    MessageDigest sha512;
    try {
      sha512 = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-512", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        sha512.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha512.digest());
  }

  private static List<Path> zips(Path dir) throws IOException {
    List<Path> zips = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return zips;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.zip")) {
      entries.forEach(zips::add);
    }
    zips.sort(null);
    return zips;
  }

  /** Fields of a plugin taken from its first zip. */
  private static final class PluginFields {
    final String description;
    final String provider;
    final List<IndexedPlugin.Release> releases = new ArrayList<>();

    PluginFields(PluginDescriptor d) {
      this.description = blankToNull(d.getPluginDescription());
      this.provider = blankToNull(d.getProvider());
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}
