package dev.laminar.cli;

import static dev.laminar.plugin.directory.TestPlugins.SDK_1;
import static dev.laminar.plugin.directory.TestPlugins.SDK_2;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.laminar.plugin.directory.IndexGenerator;
import dev.laminar.plugin.directory.IndexedPlugin;
import dev.laminar.plugin.directory.TestPlugins;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginWrapper;

/**
 * {@code laminar plugins ...} end to end: real PF4J plugin zips, indexes in folders and served over
 * HTTP from loopback, a real plugins folder that PF4J itself then loads.
 */
class PluginsCommandTest {
  @TempDir
  Path dir;

  private Path index;
  private Path plugins;
  private Path x100;
  private Path x110;
  private Path x200;

  /** An index of plugin x (1.0.0 and 1.1.0 for SDK 1, 2.0.0 for SDK 2) and plugin y (1.0.0), zips beside it. */
  @BeforeEach
  void indexFolder() {
    index = dir.resolve("index");
    plugins = dir.resolve("plugins");
    x100 = TestPlugins.zip(index, "x", "1.0.0", SDK_1);
    x110 = TestPlugins.zip(index, "x", "1.1.0", SDK_1);
    x200 = TestPlugins.zip(index, "x", "2.0.0", SDK_2);
    Path y100 = TestPlugins.zip(index.resolve("y"), "y", "1.0.0", "*");
    TestPlugins.writeIndex(index,
        TestPlugins.plugin("x", TestPlugins.release(x100, "1.0.0", SDK_1, "x-1.0.0.zip"),
            TestPlugins.release(x110, "1.1.0", SDK_1, "x-1.1.0.zip"),
            TestPlugins.release(x200, "2.0.0", SDK_2, "x-2.0.0.zip")),
        TestPlugins.plugin("y", TestPlugins.release(y100, "1.0.0", "*", "y/y-1.0.0.zip")));
  }

  private CliRun plugins(String... args) {
    return CliRun.of(Stream.concat(Stream.of("plugins"), Stream.of(args)).toArray(String[]::new));
  }

  private String[] withFolders(String... args) {
    return Stream.concat(Stream.of(args), Stream.of("--index", index.toString(), "--plugins", plugins.toString()))
        .toArray(String[]::new);
  }

  @Test
  void installsTheNewestReleaseCompatibleWithTheSdkFromAFolderIndex() throws IOException {
    CliRun run = plugins(withFolders("install", "x"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("installed plugin x 1.1.0 into " + plugins.resolve("x-1.1.0.zip")
        + System.lineSeparator());
    long size = Files.size(x110);
    assertThat(run.err()).isEqualTo("downloading x-1.1.0.zip: " + size + "/" + size + " bytes (100%)"
        + System.lineSeparator());
    assertThat(Files.mismatch(x110, plugins.resolve("x-1.1.0.zip"))).isEqualTo(-1);
    assertThat(filesIn(plugins)).containsExactly("x-1.1.0.zip");
    assertThat(pf4jLoads(plugins)).containsExactly("x 1.1.0");
  }

  @Test
  void installsAGivenVersionAndSaysSoWhenItIsInstalledAlready() {
    assertThat(plugins(withFolders("install", "x@1.0.0")).exitCode()).isZero();

    CliRun again = plugins(withFolders("install", "x@1.0.0"));

    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).isEqualTo("plugin x 1.0.0 is already installed (x-1.0.0.zip)" + System.lineSeparator());
    assertThat(again.err()).as("nothing downloaded").isEmpty();
  }

  @Test
  void refusesAChecksumMismatchAndInstallsNothing() throws IOException {
    String wrong = "0".repeat(128);
    TestPlugins.writeIndex(index, TestPlugins.plugin("x",
        new IndexedPlugin.Release("1.0.0", null, SDK_1, "x-1.0.0.zip", wrong)));

    CliRun run = plugins(withFolders("install", "x"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("laminar: checksum mismatch for plugin x 1.0.0 from " + x100
        + ": expected SHA-512 " + wrong + ", actual " + IndexGenerator.sha512(x100) + "; nothing installed");
    assertThat(filesIn(plugins)).as("no zip, no temporary download left").isEmpty();
  }

  @Test
  void refusesAnIncompatibleSdkRangeNamingBothVersions() {
    CliRun run = plugins(withFolders("install", "x@2.0.0"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("laminar: plugin x 2.0.0 requires SDK >=2.0.0 & <3.0.0; this engine has SDK 1.0.0"
        + System.lineSeparator());
    assertThat(plugins).doesNotExist();
  }

  @Test
  void installsFromAnHttpIndexWithAbsoluteAndRelativeUrls() throws IOException {
    Path site = dir.resolve("site");
    Files.createDirectories(site.resolve("zips"));
    Files.copy(x110, site.resolve("zips/x-1.1.0.zip"));
    Path y = TestPlugins.zip(site.resolve("zips"), "y", "1.0.0", "*");
    HttpServer server = TestPlugins.serve(site);
    try {
      String base = TestPlugins.url(server);
      TestPlugins.writeIndex(site.resolve("index"),
          TestPlugins.plugin("x", TestPlugins.release(x110, "1.1.0", SDK_1, base + "zips/x-1.1.0.zip")),
          TestPlugins.plugin("y", TestPlugins.release(y, "1.0.0", "*", "../zips/y-1.0.0.zip")));

      CliRun run = plugins("install", "x", "y", "--index", base + "index/", "--plugins", plugins.toString());

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("installed plugin x 1.1.0 into " + plugins.resolve("x-1.1.0.zip"),
          "installed plugin y 1.0.0 into " + plugins.resolve("y-1.0.0.zip"));
      assertThat(run.err()).contains("downloading x-1.1.0.zip: " + Files.size(x110) + "/" + Files.size(x110)
          + " bytes (100%)");
      assertThat(pf4jLoads(plugins)).containsExactlyInAnyOrder("x 1.1.0", "y 1.0.0");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnreachableIndexIsAOneLineError() {
    HttpServer server = TestPlugins.serve(dir);
    String url = TestPlugins.url(server);
    server.stop(0);

    CliRun run = plugins("search", "--index", url, "--plugins", plugins.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("laminar: cannot read plugin index " + url + "plugins.json: connection refused"
        + System.lineSeparator());
  }

  @Test
  void updateReplacesTheOldZipAndTheFolderPf4jExpandedItInto() throws IOException {
    assertThat(plugins(withFolders("install", "x@1.0.0")).exitCode()).isZero();
    assertThat(pf4jLoads(plugins)).containsExactly("x 1.0.0");
    assertThat(plugins.resolve("x-1.0.0")).as("expanded by PF4J").isDirectory();

    CliRun run = plugins(withFolders("update"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("updated plugin x 1.0.0 -> 1.1.0 (" + plugins.resolve("x-1.1.0.zip") + ")"
        + System.lineSeparator());
    assertThat(filesIn(plugins)).containsExactly("x-1.1.0.zip");
    assertThat(pf4jLoads(plugins)).containsExactly("x 1.1.0");

    CliRun again = plugins(withFolders("update", "x"));
    assertThat(again.out()).isEqualTo("plugin x 1.1.0 is up to date" + System.lineSeparator());
  }

  @Test
  void updateOfAPluginThatIsNotInstalledFails() {
    CliRun run = plugins(withFolders("update", "y"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("laminar: plugin y is not installed in " + plugins + System.lineSeparator());
  }

  @Test
  void removeDeletesTheZipAndItsExpandedFolder() throws IOException {
    assertThat(plugins(withFolders("install", "x", "y")).exitCode()).isZero();
    assertThat(pf4jLoads(plugins)).hasSize(2);

    CliRun run = plugins("remove", "x", "--plugins", plugins.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("removed plugin x 1.1.0 (deleted x-1.1.0.zip, x-1.1.0/ from " + plugins + ")"
        + System.lineSeparator());
    assertThat(filesIn(plugins)).containsExactly("y-1.0.0", "y-1.0.0.zip");
    assertThat(pf4jLoads(plugins)).containsExactly("y 1.0.0");
  }

  @Test
  void removeOfAPluginThatIsNotInstalledFails() {
    CliRun run = plugins("remove", "nope", "--plugins", plugins.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("laminar: plugin nope is not installed in " + plugins + System.lineSeparator());
  }

  @Test
  void listShowsInstalledZipsAndFoldersFromTheirDescriptors() throws IOException {
    assertThat(plugins(withFolders("install", "x")).exitCode()).isZero();
    Path folderPlugin = Files.createDirectories(plugins.resolve("z-plugin"));
    Files.writeString(folderPlugin.resolve("plugin.properties"), "plugin.id=z\nplugin.version=0.3.0\n");
    Files.createDirectories(plugins.resolve("not-a-plugin"));

    CliRun run = plugins("list", "--plugins", plugins.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(lines(
        "id | version | requires         | file",
        "---+---------+------------------+------------",
        "x  | 1.1.0   | >=1.0.0 & <2.0.0 | x-1.1.0.zip",
        "z  | 0.3.0   | *                | z-plugin/",
        "(2 plugins)"));
  }

  @Test
  void listOfAnEmptyFolderSaysSo() {
    CliRun run = plugins("list", "--plugins", plugins.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("no plugins installed in " + plugins + System.lineSeparator());
  }

  @Test
  void searchShowsMatchingPluginsWithTheNewestCompatibleAndInstalledVersions() {
    assertThat(plugins(withFolders("install", "x@1.0.0")).exitCode()).isZero();

    CliRun all = plugins(withFolders("search"));
    CliRun some = plugins(withFolders("search", "Y CONN"));
    CliRun none = plugins(withFolders("search", "kafka"));

    assertThat(all.out()).isEqualTo(lines(
        "id | latest | installed | description",
        "---+--------+-----------+------------------------",
        "x  | 1.1.0  | 1.0.0     | Connector 'x' for tests",
        "y  | 1.0.0  | -         | Connector 'y' for tests",
        "(2 plugins)"));
    assertThat(some.out()).contains("y  | 1.0.0").doesNotContain("x  |").contains("(1 plugin)");
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).isEqualTo("no plugin in the index " + index.toAbsolutePath().resolve("plugins.json")
        + " matches 'kafka'" + System.lineSeparator());
  }

  @Test
  void infoShowsThePluginAndEveryReleaseWithItsCompatibility() {
    CliRun run = plugins(withFolders("info", "x"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(lines(
        "id:          x",
        "name:        x connector",
        "description: Connector 'x' for tests",
        "provider:    Test provider",
        "project:     https://example.org/x",
        "installed:   no",
        "index:       " + index.toAbsolutePath().resolve("plugins.json"),
        "engine SDK:  1.0.0",
        "",
        "version | date       | requires         | compatible | url",
        "--------+------------+------------------+------------+------------",
        "2.0.0   | 2026-01-15 | >=2.0.0 & <3.0.0 | no         | x-2.0.0.zip",
        "1.1.0   | 2026-01-15 | >=1.0.0 & <2.0.0 | yes        | x-1.1.0.zip",
        "1.0.0   | 2026-01-15 | >=1.0.0 & <2.0.0 | yes        | x-1.0.0.zip",
        "(3 releases)"));
  }

  @Test
  void anUnknownPluginNamesTheIndex() {
    CliRun run = plugins(withFolders("install", "kafka"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("laminar: plugin kafka is not in the index "
        + index.toAbsolutePath().resolve("plugins.json") + " (laminar plugins search lists what it has)"
        + System.lineSeparator());
  }

  @Test
  void aZipThatIsNotThePluginTheIndexNamesIsRefused() throws IOException {
    Path impostor = TestPlugins.zip(dir.resolve("other"), "evil", "1.0.0", SDK_1);
    Files.copy(impostor, index.resolve("impostor.zip"));
    TestPlugins.writeIndex(index,
        TestPlugins.plugin("x", TestPlugins.release(impostor, "1.0.0", SDK_1, "impostor.zip")));

    CliRun run = plugins(withFolders("install", "x"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("the index lists " + index.toAbsolutePath().resolve("impostor.zip")
        + " as plugin x 1.0.0, but the zip holds plugin evil 1.0.0; nothing installed");
    assertThat(filesIn(plugins)).isEmpty();
  }

  @Test
  void theDistributionIndexOfTheBuildInstallsItsOwnPlugins() throws IOException {
    // what the build does: plugin zips collected into one folder, published with IndexGenerator
    Path collected = dir.resolve("dist-plugins");
    TestPlugins.zip(collected, "file", "0.1.0-SNAPSHOT", SDK_1);
    Path home = dir.resolve("laminar-home");
    IndexGenerator.main(new String[] {collected.toString(), home.resolve("plugin-index").toString()});
    String previous = System.setProperty(PluginsCommand.HOME_PROPERTY, home.toString());
    try {
      CliRun install = plugins("install", "file", "--plugins", plugins.toString());
      CliRun again = plugins("install", "file", "--plugins", plugins.toString());

      assertThat(install.exitCode()).as(install.err()).isZero();
      assertThat(install.out()).contains("installed plugin file 0.1.0-SNAPSHOT");
      assertThat(again.out()).contains("plugin file 0.1.0-SNAPSHOT is already installed");
      assertThat(pf4jLoads(plugins)).containsExactly("file 0.1.0-SNAPSHOT");
    } finally {
      if (previous == null) {
        System.clearProperty(PluginsCommand.HOME_PROPERTY);
      } else {
        System.setProperty(PluginsCommand.HOME_PROPERTY, previous);
      }
    }
  }

  @Test
  void pluginsWithoutACommandPrintsUsage() {
    CliRun run = plugins();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Usage: laminar plugins", "install", "update", "remove", "search", "info", "list");
  }

  /** What a real PF4J plugin manager with this engine's SDK version loads from the folder. */
  private static List<String> pf4jLoads(Path folder) {
    DefaultPluginManager manager = new DefaultPluginManager(folder);
    manager.setSystemVersion(dev.laminar.sdk.LaminarSdk.VERSION);
    manager.loadPlugins();
    try {
      return manager.getPlugins().stream()
          .map(PluginWrapper::getDescriptor)
          .map(d -> d.getPluginId() + " " + d.getVersion())
          .toList();
    } finally {
      manager.unloadPlugins();
    }
  }

  /** Every name in the folder, hidden ones included, sorted; none when it does not exist. */
  private static List<String> filesIn(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String lines(String... lines) {
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  @Test
  void publishAddsZipsToAFolderIndexThatInstallThenUses() {
    Path published = dir.resolve("published");
    Path zips = dir.resolve("built");
    Path z1 = TestPlugins.zip(zips, "z", "1.0.0", SDK_1);

    CliRun run = plugins("publish", z1.toString(), "--index", published.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("published z: 1.0.0 in " + published.resolve("plugins.json") + System.lineSeparator());
    Path z2 = TestPlugins.zip(zips, "z", "1.1.0", SDK_1);
    assertThat(plugins("publish", z2.toString(), "--index", published.toString()).out()).contains("published z: 1.0.0, 1.1.0");
    CliRun install = plugins("install", "z", "--index", published.toString(), "--plugins", plugins.toString());
    assertThat(install.exitCode()).as(install.err()).isZero();
    assertThat(pf4jLoads(plugins)).containsExactly("z 1.1.0");
  }

  @Test
  void publishRefusesAFileThatIsNotAPlugin() throws IOException {
    Path notAPlugin = Files.writeString(dir.resolve("notes.zip"), "hello");
    CliRun run = plugins("publish", notAPlugin.toString(), "--index", dir.resolve("idx").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("laminar:").contains("notes.zip");
  }
}
