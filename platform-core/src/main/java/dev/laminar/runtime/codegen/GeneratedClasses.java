package dev.laminar.runtime.codegen;

import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.codehaus.janino.SimpleCompiler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles generated sources with Janino and caches the resulting constructors by source text: the
 * same query shape instantiated again (another parallel instance, a restarted query) reuses the
 * class and only constructs a new instance. Thread-safe; used at plan instantiation, never per row.
 */
final class GeneratedClasses {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratedClasses.class);
  private static final int CACHE_SIZE = 256;
  /** Bounded by dropping everything when full: shapes beyond this many are rare, recompiling is cheap. */
  private static final Map<String, Constructor<?>> CACHE = new ConcurrentHashMap<>();

  private GeneratedClasses() {}

  /** The constructor of {@code className} compiled from {@code source}, taking {@code parameter}. */
  static Constructor<?> constructor(String source, String className, Class<?> parameter) {
    Constructor<?> c = CACHE.get(source);
    if (c == null) {
      c = cook(source, className, parameter); // outside the map: two threads may both compile a new shape, harmlessly
      if (CACHE.size() >= CACHE_SIZE) {
        CACHE.clear();
      }
      CACHE.putIfAbsent(source, c);
    }
    return c;
  }

  private static Constructor<?> cook(String source, String className, Class<?> parameter) {
    LOG.debug("compiling {}:\n{}", className, source);
    SimpleCompiler compiler = new SimpleCompiler();
    // the loader that sees the runtime classes (not the thread's context loader, which may be a plugin's)
    compiler.setParentClassLoader(GeneratedClasses.class.getClassLoader());
    try {
      compiler.cook(source);
      Class<?> cls = compiler.getClassLoader().loadClass(className);
      return cls.getConstructor(parameter);
    } catch (Exception e) {
      throw new IllegalStateException("cannot compile generated " + className + ": " + e.getMessage() + "\n" + source, e);
    }
  }
}
