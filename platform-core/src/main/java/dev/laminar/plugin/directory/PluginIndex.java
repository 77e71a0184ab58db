package dev.laminar.plugin.directory;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A plugin index: PF4J's repository format, a {@code plugins.json} holding an array of
 * {@link IndexedPlugin}s, each with its releases. Release URLs are resolved against the location of
 * {@code plugins.json}, so an index folder can hold the zips next to it and be served as is.
 *
 * @param location where {@code plugins.json} was read from
 * @param plugins the plugins, sorted by id
 */
public record PluginIndex(URI location, List<IndexedPlugin> plugins) {
  /** The file name of the index in an index folder or under an index URL. */
  public static final String FILE_NAME = "plugins.json";

  private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final TypeReference<List<IndexedPlugin>> PLUGIN_LIST = new TypeReference<>() {};

  public PluginIndex {
    plugins = plugins.stream().sorted(Comparator.comparing(IndexedPlugin::id)).toList();
  }

  /**
   * Reads the index at {@code location}: an {@code http(s)://} URL, a {@code file:} URL or a plain
   * path, of a folder holding {@code plugins.json} or of the JSON file itself.
   *
   * @throws PluginDirectoryException when it cannot be reached or is not a valid index
   */
  public static PluginIndex load(String location, Fetcher fetcher) {
    URI uri = locate(location);
    try (Fetcher.Body body = fetcher.open(uri)) {
      return new PluginIndex(uri, parse(body.stream()));
    } catch (NoSuchFileException e) {
      throw new PluginDirectoryException("no plugin index at " + display(uri) + " (" + FILE_NAME + " not found)", e);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new PluginDirectoryException("plugin index " + display(uri) + " is not a valid " + FILE_NAME + ": "
          + e.getOriginalMessage() + where, e);
    } catch (IOException e) {
      throw new PluginDirectoryException("cannot read plugin index " + display(uri) + ": " + Fetcher.reason(e), e);
    }
  }

  /** Parses the JSON array of plugins. */
  public static List<IndexedPlugin> parse(InputStream json) throws IOException {
    List<IndexedPlugin> plugins = JSON.readValue(json, PLUGIN_LIST);
    return plugins == null ? List.of() : plugins;
  }

  /** Writes {@code plugins} as an index file, indented. */
  public static void write(List<IndexedPlugin> plugins, OutputStream out) throws IOException {
    JSON.writeValue(out, plugins);
  }

  /** The URI of {@code plugins.json} that an {@code --index} value stands for. */
  static URI locate(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      try {
        URI uri = new URI(location);
        if (uri.getPath() != null && uri.getPath().endsWith(".json")) {
          return uri;
        }
        return new URI(location.endsWith("/") ? location : location + "/").resolve(FILE_NAME);
      } catch (URISyntaxException e) {
        throw new PluginDirectoryException("not a valid index URL: " + location + " (" + e.getReason() + ")", e);
      }
    }
    Path path;
    if (lower.startsWith("file:")) {
      try {
        URI uri = new URI(location);
        // file:relative/dir is opaque: its path is the scheme-specific part
        path = uri.isOpaque() ? Path.of(uri.getSchemeSpecificPart()) : Path.of(uri);
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new PluginDirectoryException("not a valid index URL: " + location, e);
      }
    } else {
      path = Path.of(location);
    }
    if (Files.isDirectory(path) || path.getFileName() == null || !path.getFileName().toString().endsWith(".json")) {
      path = path.resolve(FILE_NAME);
    }
    return path.toAbsolutePath().normalize().toUri();
  }

  /** A URI as users wrote it: a local path for {@code file:}, else the URL. */
  public static String display(URI uri) {
    return "file".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri).toString() : uri.toString();
  }

  /** The plugin with this id. */
  public Optional<IndexedPlugin> find(String id) {
    return plugins.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** The plugin with this id, or an error naming the index. */
  public IndexedPlugin get(String id) {
    return find(id).orElseThrow(() -> new PluginDirectoryException(
        "plugin " + id + " is not in the index " + display(location) + " (laminar plugins search lists what it has)"));
  }

  /** Plugins whose id, name, description or provider contain {@code text}, ignoring case. */
  public List<IndexedPlugin> search(String text) {
    return plugins.stream().filter(p -> p.matches(text)).toList();
  }

  /** Where the zip of {@code release} is: its url resolved against this index. */
  public URI resolve(IndexedPlugin plugin, IndexedPlugin.Release release) {
    try {
      return location.resolve(uriOf(release.url()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new PluginDirectoryException("release " + release.version() + " of plugin " + plugin.id()
          + " has an invalid url: " + release.url(), e);
    }
  }

  /** An absolute URL as it is; a relative one with characters such as spaces escaped. */
  private static URI uriOf(String url) throws URISyntaxException {
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      return new URI(null, null, url, null);
    }
  }
}
