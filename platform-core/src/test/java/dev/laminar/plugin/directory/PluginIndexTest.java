package dev.laminar.plugin.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginIndexTest {
  /** pf4j-update's own example layout, with a field this client does not know. */
  private static final String PF4J_UPDATE_STYLE = """
      [
        {
          "id": "welcome-plugin",
          "name": "Welcome",
          "description": "Welcome plugin",
          "provider": "Decebal Suiu",
          "projectUrl": "https://pf4j.org",
          "license": "Apache-2.0",
          "releases": [
            {
              "version": "0.9.0",
              "date": "2014-06-15",
              "requires": ">=1.0.0 & <2.0.0",
              "url": "welcome/0.9.0/welcome-plugin-0.9.0.zip",
              "sha512sum": "ABCDEF"
            },
            {
              "version": "1.0.0",
              "date": "2015-01-31",
              "url": "https://downloads.example.org/welcome-plugin-1.0.0.zip"
            }
          ]
        },
        { "id": "bare", "releases": [] }
      ]
      """;

  @TempDir
  Path dir;

  @Test
  void parsesThePf4jUpdateFormatIgnoringUnknownFields() throws IOException {
    List<IndexedPlugin> plugins = PluginIndex.parse(json(PF4J_UPDATE_STYLE));

    assertThat(plugins).extracting(IndexedPlugin::id).containsExactly("welcome-plugin", "bare");
    IndexedPlugin welcome = plugins.getFirst();
    assertThat(welcome.name()).isEqualTo("Welcome");
    assertThat(welcome.provider()).isEqualTo("Decebal Suiu");
    assertThat(welcome.projectUrl()).isEqualTo("https://pf4j.org");
    assertThat(welcome.releases()).containsExactly(
        new IndexedPlugin.Release("0.9.0", "2014-06-15", ">=1.0.0 & <2.0.0", "welcome/0.9.0/welcome-plugin-0.9.0.zip",
            "ABCDEF"),
        new IndexedPlugin.Release("1.0.0", "2015-01-31", null, "https://downloads.example.org/welcome-plugin-1.0.0.zip",
            null));
    assertThat(plugins.get(1).releases()).isEmpty();
  }

  @Test
  void writtenIndexReadsBackTheSameAndLeavesOutAbsentFields() throws IOException {
    List<IndexedPlugin> plugins = List.of(new IndexedPlugin("x", null, "X", null, null,
        List.of(new IndexedPlugin.Release("1.2.3", "2026-01-15", ">=1.0.0", "x-1.2.3.zip", "00ff"))));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    PluginIndex.write(plugins, out);

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("\"id\" : \"x\"", "\"sha512sum\" : \"00ff\"").doesNotContain("name", "projectUrl");
    assertThat(PluginIndex.parse(new ByteArrayInputStream(out.toByteArray()))).isEqualTo(plugins);
  }

  @Test
  void releaseUrlsResolveAgainstTheIndexUnlessAbsolute() throws IOException {
    Files.writeString(dir.resolve("plugins.json"), PF4J_UPDATE_STYLE);

    PluginIndex index = PluginIndex.load(dir.toString(), new Fetcher());

    IndexedPlugin welcome = index.get("welcome-plugin");
    assertThat(index.resolve(welcome, welcome.releases().get(0)))
        .isEqualTo(dir.toAbsolutePath().resolve("welcome/0.9.0/welcome-plugin-0.9.0.zip").toUri());
    assertThat(index.resolve(welcome, welcome.releases().get(1)))
        .isEqualTo(URI.create("https://downloads.example.org/welcome-plugin-1.0.0.zip"));
  }

  @Test
  void anIndexIsAFolderAFileAFileUrlOrAnHttpUrl() throws IOException {
    Path json = dir.resolve("plugins.json");
    Files.writeString(json, "[]");
    URI expected = json.toAbsolutePath().toUri();

    assertThat(PluginIndex.locate(dir.toString())).isEqualTo(expected);
    assertThat(PluginIndex.locate(json.toString())).isEqualTo(expected);
    assertThat(PluginIndex.locate(dir.toUri().toString())).isEqualTo(expected);
    assertThat(PluginIndex.locate("http://127.0.0.1:8080/laminar"))
        .isEqualTo(URI.create("http://127.0.0.1:8080/laminar/plugins.json"));
    assertThat(PluginIndex.locate("https://example.org/laminar/"))
        .isEqualTo(URI.create("https://example.org/laminar/plugins.json"));
    assertThat(PluginIndex.locate("https://example.org/laminar/index.json"))
        .isEqualTo(URI.create("https://example.org/laminar/index.json"));
  }

  @Test
  void searchMatchesIdNameDescriptionAndProviderIgnoringCase() throws IOException {
    PluginIndex index = new PluginIndex(URI.create("file:/x/plugins.json"), PluginIndex.parse(json(PF4J_UPDATE_STYLE)));

    assertThat(index.search("WELCOME")).extracting(IndexedPlugin::id).containsExactly("welcome-plugin");
    assertThat(index.search("suiu")).extracting(IndexedPlugin::id).containsExactly("welcome-plugin");
    assertThat(index.search("bar")).extracting(IndexedPlugin::id).containsExactly("bare");
    assertThat(index.search("kafka")).isEmpty();
  }

  @Test
  void aMissingIndexSaysWhereItLooked() {
    assertThatThrownBy(() -> PluginIndex.load(dir.resolve("nowhere").toString(), new Fetcher()))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessage("no plugin index at " + dir.toAbsolutePath().resolve("nowhere/plugins.json")
            + " (plugins.json not found)");
  }

  @Test
  void invalidJsonNamesTheIndexAndThePosition() throws IOException {
    Files.writeString(dir.resolve("plugins.json"), "[\n  { \"id\": \"x\", \"releases\": [ }\n]");

    assertThatThrownBy(() -> PluginIndex.load(dir.toString(), new Fetcher()))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessageStartingWith("plugin index " + dir.toAbsolutePath().resolve("plugins.json")
            + " is not a valid plugins.json: ")
        .hasMessageContaining("(line 2, column");
  }

  @Test
  void aReleaseWithoutUrlIsInvalid() throws IOException {
    Files.writeString(dir.resolve("plugins.json"), "[{\"id\": \"x\", \"releases\": [{\"version\": \"1.0.0\"}]}]");

    assertThatThrownBy(() -> PluginIndex.load(dir.toString(), new Fetcher()))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessageContaining("release 1.0.0 of plugin x has no url");
  }

  @Test
  void anUnreachableHttpIndexIsAClearError() {
    HttpServer server = TestPlugins.serve(dir);
    String url = TestPlugins.url(server);
    server.stop(0); // nothing listens on that port any more

    assertThatThrownBy(() -> PluginIndex.load(url, new Fetcher()))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessage("cannot read plugin index " + url + "plugins.json: connection refused");
  }

  @Test
  void anHttpErrorStatusIsAClearError() {
    HttpServer server = TestPlugins.serve(dir);
    try {
      assertThatThrownBy(() -> PluginIndex.load(TestPlugins.url(server) + "missing/", new Fetcher()))
          .isInstanceOf(PluginDirectoryException.class)
          .hasMessage("cannot read plugin index " + TestPlugins.url(server) + "missing/plugins.json: HTTP 404");
    } finally {
      server.stop(0);
    }
  }

  private static ByteArrayInputStream json(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
