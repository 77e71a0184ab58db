package dev.laminar.plugin.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexGeneratorTest {
  @TempDir
  Path dir;

  @Test
  void publishesEveryZipWithItsDescriptorAndChecksum() throws IOException {
    Path zips = dir.resolve("zips");
    Path a1 = TestPlugins.zip(zips, "alpha", "1.0.0", TestPlugins.SDK_1);
    Path a2 = TestPlugins.zip(zips, "alpha", "1.1.0", TestPlugins.SDK_1);
    Path b = TestPlugins.zip(zips, "beta", "0.1.0-SNAPSHOT", "*");
    Path index = dir.resolve("index");

    List<IndexedPlugin> plugins = IndexGenerator.generate(zips, index);

    assertThat(plugins).extracting(IndexedPlugin::id).containsExactly("alpha", "beta");
    IndexedPlugin alpha = plugins.getFirst();
    assertThat(alpha.description()).isEqualTo("Connector 'alpha' for tests");
    assertThat(alpha.provider()).isEqualTo("Test provider");
    assertThat(alpha.releases()).extracting(IndexedPlugin.Release::version, IndexedPlugin.Release::requires,
            IndexedPlugin.Release::url, IndexedPlugin.Release::sha512sum)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("1.0.0", TestPlugins.SDK_1, "alpha-1.0.0.zip", IndexGenerator.sha512(a1)),
            org.assertj.core.groups.Tuple.tuple("1.1.0", TestPlugins.SDK_1, "alpha-1.1.0.zip", IndexGenerator.sha512(a2)));
    assertThat(plugins.get(1).releases().getFirst().sha512sum()).isEqualTo(IndexGenerator.sha512(b)).hasSize(128);
    assertThat(alpha.releases().getFirst().date()).matches("\\d{4}-\\d{2}-\\d{2}");
    // the index folder is complete: plugins.json and the zips it points to
    assertThat(PluginIndex.load(index.toString(), new Fetcher()).plugins()).isEqualTo(plugins);
    assertThat(Files.mismatch(a1, index.resolve("alpha-1.0.0.zip"))).isEqualTo(-1);
    assertThat(index.resolve("beta-0.1.0-SNAPSHOT.zip")).exists();
  }

  @Test
  void noZipsGiveAnEmptyIndex() throws IOException {
    Path index = dir.resolve("index");

    assertThat(IndexGenerator.generate(dir.resolve("no-such-folder"), index)).isEmpty();
    assertThat(Files.readString(index.resolve("plugins.json")).strip()).isEqualTo("[ ]");
  }

  @Test
  void aZipWithoutDescriptorFailsTheBuildNamingIt() throws IOException {
    Path zips = Files.createDirectories(dir.resolve("zips"));
    Path notAPlugin = zips.resolve("junk.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(notAPlugin))) {
      out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
      out.closeEntry();
    }

    assertThatThrownBy(() -> IndexGenerator.generate(zips, dir.resolve("index")))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessageStartingWith(notAPlugin + " is not a PF4J plugin zip");
  }
}
