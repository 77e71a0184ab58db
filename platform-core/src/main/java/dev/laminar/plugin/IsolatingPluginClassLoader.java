package dev.laminar.plugin;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader: the SDK, PF4J, SLF4J and the JDK always come from the host (so the
 * plugin and the engine share one definition of every contract type, even if a plugin bundles its
 * own copy by mistake); every other class comes from the plugin first, so conflicting library
 * versions coexist.
 */
final class IsolatingPluginClassLoader extends PluginClassLoader {
  private static final String[] HOST_PACKAGES = {"java.", "javax.", "jdk.", "sun.", "dev.laminar.sdk.", "org.pf4j.", "org.slf4j."};

  IsolatingPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
    super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
  }

  static boolean isHostClass(String name) {
    for (String p : HOST_PACKAGES) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Class<?> loadClass(String className) throws ClassNotFoundException {
    if (isHostClass(className)) {
      return getParent().loadClass(className);
    }
    return super.loadClass(className);
  }
}
