package dev.laminar.plugin.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SdkCompatibilityTest {
  private final SdkCompatibility sdk = new SdkCompatibility("1.0.0");

  private static IndexedPlugin plugin(IndexedPlugin.Release... releases) {
    return new IndexedPlugin("x", null, null, null, null, List.of(releases));
  }

  private static IndexedPlugin.Release release(String version, String requires) {
    return new IndexedPlugin.Release(version, null, requires, "x-" + version + ".zip", null);
  }

  @Test
  void choosesTheNewestReleaseWhoseRangeAcceptsTheSdk() {
    IndexedPlugin x = plugin(release("1.0.0", TestPlugins.SDK_1), release("1.10.0", TestPlugins.SDK_1),
        release("1.2.0", TestPlugins.SDK_1), release("2.0.0", TestPlugins.SDK_2));

    assertThat(sdk.choose(x, null).version()).isEqualTo("1.10.0");
  }

  @Test
  void aMissingOrStarRangeAcceptsAnySdk() {
    assertThat(sdk.accepts(plugin(), release("1.0.0", null))).isTrue();
    assertThat(sdk.accepts(plugin(), release("1.0.0", "*"))).isTrue();
    assertThat(sdk.accepts(plugin(), release("1.0.0", ""))).isTrue();
  }

  @Test
  void anIncompatibleVersionIsRefusedNamingBothVersions() {
    IndexedPlugin x = plugin(release("1.0.0", TestPlugins.SDK_1), release("2.0.0", TestPlugins.SDK_2));

    assertThatThrownBy(() -> sdk.choose(x, "2.0.0"))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessage("plugin x 2.0.0 requires SDK >=2.0.0 & <3.0.0; this engine has SDK 1.0.0");
  }

  @Test
  void withoutACompatibleReleaseTheNewestIsNamed() {
    IndexedPlugin x = plugin(release("2.0.0", TestPlugins.SDK_2), release("2.1.0", TestPlugins.SDK_2));

    assertThatThrownBy(() -> sdk.choose(x, null))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessage("plugin x 2.1.0 requires SDK >=2.0.0 & <3.0.0; this engine has SDK 1.0.0");
  }

  @Test
  void anUnknownVersionListsTheKnownOnes() {
    IndexedPlugin x = plugin(release("1.0.0", TestPlugins.SDK_1), release("1.1.0", TestPlugins.SDK_1));

    assertThatThrownBy(() -> sdk.choose(x, "1.5.0"))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessage("plugin x has no release 1.5.0 in the index (it has 1.1.0, 1.0.0)");
  }

  @Test
  void anInvalidRangeNamesThePluginAndTheRange() {
    assertThatThrownBy(() -> sdk.accepts(plugin(), release("1.0.0", ">=banana")))
        .isInstanceOf(PluginDirectoryException.class)
        .hasMessage("plugin x 1.0.0 has an invalid SDK range in requires: '>=banana'");
  }

  @Test
  void snapshotsSortBeforeTheirRelease() {
    assertThat(sdk.compare("x", "0.1.0-SNAPSHOT", "0.1.0")).isNegative();
    assertThat(sdk.compare("x", "0.1.0-SNAPSHOT", "0.0.9")).isPositive();
  }
}
