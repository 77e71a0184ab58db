package dev.laminar.tck;

import java.nio.file.Path;
import java.time.Duration;

/** The lifecycle suite passes a plugin that leaves nothing behind. */
class LifecyclePluginTest extends PluginLifecycleTestSuite {
  @Override
  protected PluginLifecycleTestContext createContext(Path workDir) throws Exception {
    return LifecycleContexts.plugin(workDir, true, "none", Duration.ofSeconds(30));
  }
}
