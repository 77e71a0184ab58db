package dev.laminar.plugin.directory;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small real PF4J plugin zips and plugin indexes for tests, and an HTTP server for an index folder. */
public final class TestPlugins {
  public static final String SDK_1 = ">=1.0.0 & <2.0.0";
  public static final String SDK_2 = ">=2.0.0 & <3.0.0";

  private TestPlugins() {}

  /**
   * Writes {@code dir/<id>-<version>.zip}: a PF4J plugin zip with {@code plugin.properties} and a
   * {@code classes/} folder holding one resource, as the plugins build makes them.
   */
  public static Path zip(Path dir, String id, String version, String requires) {
    Path zip = dir.resolve(id + "-" + version + ".zip");
    String properties = "plugin.id=" + id + "\nplugin.version=" + version + "\nplugin.class=org.pf4j.Plugin\n"
        + "plugin.requires=" + requires + "\nplugin.provider=Test provider\n"
        + "plugin.description=Connector '" + id + "' for tests\n";
    try {
      Files.createDirectories(dir);
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
        out.putNextEntry(new ZipEntry("plugin.properties"));
        out.write(properties.getBytes(StandardCharsets.ISO_8859_1));
        out.closeEntry();
        out.putNextEntry(new ZipEntry("classes/"));
        out.closeEntry();
        out.putNextEntry(new ZipEntry("classes/" + id + ".txt"));
        out.write(("plugin " + id + " " + version + "\n").repeat(200).getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
        out.putNextEntry(new ZipEntry("lib/"));
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return zip;
  }

  /** A release of {@code zip} with its real SHA-512 and {@code url} as given. */
  public static IndexedPlugin.Release release(Path zip, String version, String requires, String url) {
    try {
      return new IndexedPlugin.Release(version, "2026-01-15", requires, url, IndexGenerator.sha512(zip));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A plugin entry with a description and provider. */
  public static IndexedPlugin plugin(String id, IndexedPlugin.Release... releases) {
    return new IndexedPlugin(id, id + " connector", "Connector '" + id + "' for tests", "Test provider",
        "https://example.org/" + id, List.of(releases));
  }

  /** Writes {@code dir/plugins.json}. */
  public static void writeIndex(Path dir, IndexedPlugin... plugins) {
    try {
      Files.createDirectories(dir);
      try (OutputStream out = Files.newOutputStream(dir.resolve(PluginIndex.FILE_NAME))) {
        PluginIndex.write(List.of(plugins), out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An HTTP server on an ephemeral loopback port serving the files under {@code root} (GET only). */
  public static HttpServer serve(Path root) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
      server.createContext("/", exchange -> {
        try (exchange) {
          Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
          if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            exchange.sendResponseHeaders(404, -1);
            return;
          }
          byte[] body = Files.readAllBytes(file);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
        }
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL of a server started by {@link #serve}. */
  public static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }
}
