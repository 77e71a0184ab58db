package dev.laminar.plugin.directory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDescriptor;
import org.pf4j.PropertiesPluginDescriptorFinder;

/**
 * A plugins folder as PF4J reads it: zips ({@code x.zip}, expanded by PF4J into {@code x/}),
 * plugin folders and plugin jars. Hidden entries (names starting with {@code .}) are skipped, as
 * PF4J skips them; downloads in progress are kept under such names.
 */
public final class PluginsFolder {
  private static final PropertiesPluginDescriptorFinder PROPERTIES = new PropertiesPluginDescriptorFinder();
  private static final ManifestPluginDescriptorFinder MANIFEST = new ManifestPluginDescriptorFinder();

  private final Path dir;

  public PluginsFolder(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir is null");
  }

  public Path path() {
    return dir;
  }

  /** Every plugin in the folder, by id then file name; none when the folder does not exist. */
  public List<InstalledPlugin> list() {
    List<InstalledPlugin> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        InstalledPlugin plugin = inspect(entry);
        if (plugin != null) {
          found.add(plugin);
        }
      }
    } catch (IOException e) {
      throw new PluginDirectoryException("cannot read the plugins folder " + dir + ": " + Fetcher.reason(e), e);
    }
    found.sort(Comparator.comparing(InstalledPlugin::id).thenComparing(InstalledPlugin::fileName));
    return found;
  }

  /** The installations of plugin {@code id} (normally one). */
  public List<InstalledPlugin> find(String id) {
    return list().stream().filter(p -> p.id().equals(id)).toList();
  }

  /** Deletes the plugin's zip or jar and its folder. */
  public void remove(InstalledPlugin plugin) {
    try {
      if (plugin.archive() != null) {
        Files.deleteIfExists(plugin.archive());
      }
      if (plugin.folder() != null) {
        deleteTree(plugin.folder());
      }
    } catch (IOException e) {
      throw new PluginDirectoryException("cannot remove plugin " + plugin.id() + " " + plugin.version() + " from "
          + dir + ": " + Fetcher.reason(e), e);
    }
  }

  /** The folder PF4J expands {@code zip} into: its name without {@code .zip}, beside it. */
  static Path expandedFolder(Path zip) {
    String name = zip.getFileName().toString();
    return zip.resolveSibling(name.substring(0, name.length() - ".zip".length()));
  }

  /** The descriptor of a plugin zip, folder or jar, or null when it has none. */
  public static PluginDescriptor descriptorOf(Path plugin) {
    for (var finder : List.of(PROPERTIES, MANIFEST)) {
      try {
        if (finder.isApplicable(plugin)) {
          PluginDescriptor d = finder.find(plugin);
          if (d != null && d.getPluginId() != null && !d.getPluginId().isBlank()) {
            return d;
          }
        }
      } catch (RuntimeException e) {
        // no plugin.properties (or no manifest attributes): try the next kind, as PF4J does
      }
    }
    return null;
  }

  private static InstalledPlugin inspect(Path entry) {
    String name = entry.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (name.startsWith(".")) {
      return null;
    }
    if (Files.isDirectory(entry)) {
      if (Files.exists(entry.resolveSibling(name + ".zip"))) {
        return null; // the expansion of a zip: listed with it
      }
      return describe(entry, null, entry);
    }
    if (lower.endsWith(".zip")) {
      Path folder = expandedFolder(entry);
      return describe(entry, entry, Files.isDirectory(folder) ? folder : null);
    }
    if (lower.endsWith(".jar")) {
      return describe(entry, entry, null);
    }
    return null;
  }

  private static InstalledPlugin describe(Path source, Path archive, Path folder) {
    PluginDescriptor d = descriptorOf(source);
    if (d == null) {
      return null;
    }
    String requires = d.getRequires() == null || d.getRequires().isBlank() ? "*" : d.getRequires();
    String description = d.getPluginDescription() == null ? "" : d.getPluginDescription();
    String version = d.getVersion() == null ? "" : d.getVersion();
    return new InstalledPlugin(d.getPluginId(), version, requires, description, archive, folder);
  }

  /** Deletes a folder and everything in it; symbolic links are deleted, not followed. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
