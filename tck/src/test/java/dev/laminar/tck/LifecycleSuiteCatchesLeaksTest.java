package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the plugin lifecycle suite against deliberately leaky builds of the TCK's test plugin (through
 * EngineTestKit) and checks that the suite fails them, naming the leak where it can.
 */
class LifecycleSuiteCatchesLeaksTest {
  private static final Duration SHORT = Duration.ofSeconds(3);

  @Test
  void threadLeftRunningPinsTheClassLoaderAndIsNamed() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(LeaksThread.class);
    assertThat(outcomes.statuses())
        .containsEntry("unloadedPluginLeavesNothingBehind", "FAILED")
        .containsEntry("pluginLoadsFromItsZipWithItsExtensions", "SUCCESSFUL");
    assertThat(outcomes.message("unloadedPluginLeavesNothingBehind"))
        .contains("class loader is still reachable")
        .contains("thread 'lifecycle-test-leak'")
        .contains("runs plugin code");
  }

  @Test
  void shutdownHookPinsTheClassLoader() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(LeaksShutdownHook.class);
    assertThat(outcomes.statuses()).containsEntry("unloadedPluginLeavesNothingBehind", "FAILED");
    assertThat(outcomes.message("unloadedPluginLeavesNothingBehind"))
        .contains("class loader is still reachable")
        .contains("shutdown hooks");
  }

  @Test
  void zipWithoutItsClassesFailsTheLoadingCase() {
    SuiteOutcomes outcomes = SuiteOutcomes.of(ZipWithoutClasses.class);
    assertThat(outcomes.statuses()).containsEntry("pluginLoadsFromItsZipWithItsExtensions", "FAILED");
    assertThat(outcomes.message("pluginLoadsFromItsZipWithItsExtensions")).contains("not by the plugin's class loader");
  }

  @Test
  void missingZipSkipsTheSuite() {
    assertThat(SuiteOutcomes.of(NoZip.class).statuses().values()).containsOnly("ABORTED").hasSize(2);
  }

  static class LeaksThread extends PluginLifecycleTestSuite {
    @Override
    protected PluginLifecycleTestContext createContext(Path workDir) throws Exception {
      return LifecycleContexts.plugin(workDir, true, "thread", SHORT);
    }
  }

  static class LeaksShutdownHook extends PluginLifecycleTestSuite {
    @Override
    protected PluginLifecycleTestContext createContext(Path workDir) throws Exception {
      return LifecycleContexts.plugin(workDir, true, "shutdown-hook", SHORT);
    }
  }

  static class ZipWithoutClasses extends PluginLifecycleTestSuite {
    @Override
    protected PluginLifecycleTestContext createContext(Path workDir) throws Exception {
      return LifecycleContexts.plugin(workDir, false, "none", SHORT);
    }
  }

  static class NoZip extends PluginLifecycleTestSuite {
    @Override
    protected PluginLifecycleTestContext createContext(Path workDir) {
      return new PluginLifecycleTestContext() {
        @Override
        public Path pluginZip() {
          return null;
        }
      };
    }
  }
}
