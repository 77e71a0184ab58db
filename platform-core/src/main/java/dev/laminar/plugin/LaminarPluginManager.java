package dev.laminar.plugin;

import dev.laminar.sdk.LaminarSdk;
import java.nio.file.Path;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.DevelopmentPluginLoader;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;

/**
 * PF4J over a plugins directory: zips are expanded, {@code Plugin-Requires} is checked against the
 * SDK version, and every plugin gets an {@link IsolatingPluginClassLoader}.
 */
final class LaminarPluginManager extends DefaultPluginManager {
  LaminarPluginManager(Path pluginsRoot) {
    super(pluginsRoot);
    setSystemVersion(LaminarSdk.VERSION);
    setExactVersionAllowed(false);
  }

  @Override
  protected PluginLoader createPluginLoader() {
    return new CompoundPluginLoader()
        .add(new DevelopmentPluginLoader(this) {
          @Override
          protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
            return new IsolatingPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
          }
        }, this::isDevelopment)
        .add(new JarPluginLoader(this) {
          @Override
          public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
            PluginClassLoader loader = new IsolatingPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
            loader.addFile(pluginPath.toFile());
            return loader;
          }
        }, this::isNotDevelopment)
        .add(new DefaultPluginLoader(this) {
          @Override
          protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
            return new IsolatingPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
          }
        }, this::isNotDevelopment);
  }
}
