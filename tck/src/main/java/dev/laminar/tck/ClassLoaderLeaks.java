package dev.laminar.tck;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.sql.Driver;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Waits for an unloaded plugin's class loader to be garbage-collected and, when it is not, names what
 * still holds it as far as public JDK APIs can tell: threads running plugin code or with the loader as
 * context class loader, JDBC drivers, JUL handlers, MBeans and security providers of plugin classes.
 * With {@code -Dlaminar.tck.heapDumpDir=DIR} it also writes a heap dump to trace the rest.
 */
final class ClassLoaderLeaks {
  /** System property naming a folder for a heap dump when a class loader is not collected. */
  static final String HEAP_DUMP_DIR_PROPERTY = "laminar.tck.heapDumpDir";

  private ClassLoaderLeaks() {}

  /**
   * Calls {@link System#gc()} until the sandbox's class loader is collected, for at most {@code timeout}.
   *
   * @throws AssertionError naming what holds it, when it is not collected in time
   */
  static void awaitCollected(PluginSandbox sandbox, Duration timeout, String plugin) throws Exception {
    WeakReference<ClassLoader> ref = sandbox.classLoader();
    long deadline = System.nanoTime() + timeout.toNanos();
    int collections = 0;
    while (!ref.refersTo(null)) {
      if (System.nanoTime() - deadline > 0) {
        String dump = heapDump(sandbox.pluginId());
        throw new AssertionError(plugin + ": its class loader is still reachable " + timeout + " and " + collections
            + " System.gc() calls after unloading. " + holders(sandbox, pluginPackages(sandbox.pluginsDir())) + dump);
      }
      System.gc();
      collections++;
      sandbox.collectedQueue().remove(100); // returns as soon as it is collected
    }
  }

  /** What public APIs show holding the loader; the strong reference taken here ends with the call. */
  private static String holders(PluginSandbox sandbox, Set<String> packages) {
    ClassLoader loader = sandbox.classLoader().get();
    if (loader == null) {
      return "(It was collected while this message was written: the timeout may be too short.)";
    }
    List<String> found = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      threadHolder(t, loader, sandbox.existedBeforeLoading(t) ? Set.of() : packages, found);
    }
    Enumeration<String> loggers = LogManager.getLogManager().getLoggerNames();
    while (loggers.hasMoreElements()) {
      String name = loggers.nextElement();
      Logger logger = LogManager.getLogManager().getLogger(name);
      if (logger != null) {
        for (Handler h : logger.getHandlers()) {
          if (h.getClass().getClassLoader() == loader) {
            found.add("java.util.logging handler " + h.getClass().getName() + " on logger '" + name + "'");
          }
        }
      }
    }
    DriverManager.drivers().filter(d -> d.getClass().getClassLoader() == loader)
        .map(Driver::getClass).forEach(c -> found.add("JDBC driver " + c.getName() + " registered with DriverManager"
            + " (deregister it when the plugin stops)"));
    for (Provider p : Security.getProviders()) {
      if (p.getClass().getClassLoader() == loader) {
        found.add("security provider " + p.getName() + " (" + p.getClass().getName() + ")");
      }
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    for (ObjectName name : server.queryNames(null, null)) {
      try {
        if (server.getClassLoaderFor(name) == loader) {
          found.add("MBean " + name);
        }
      } catch (Exception e) {
        // unregistered meanwhile, or not inspectable: not ours to report
      }
    }
    if (found.isEmpty()) {
      return "Nothing visible through public APIs holds it (no thread runs plugin code or has it as context class loader,"
          + " no JDBC driver, JUL handler, MBean or security provider of the plugin): look for shutdown hooks, ThreadLocals on"
          + " host threads, caches in host libraries keyed by plugin classes (set -D" + HEAP_DUMP_DIR_PROPERTY
          + "=DIR for a heap dump, then find the paths from GC roots to the plugin's class loader).";
    }
    return "Held by:\n  " + String.join("\n  ", found);
  }

  /** A thread whose class or context class loader is the plugin's, or (when {@code packages} are given) that runs code of them. */
  private static void threadHolder(Thread t, ClassLoader loader, Set<String> packages, List<String> found) {
    String name = "thread '" + t.getName() + "' (" + t.getState() + (t.isDaemon() ? ", daemon" : "") + ")";
    if (t.getClass().getClassLoader() == loader) {
      found.add(name + " is an instance of plugin class " + t.getClass().getName());
      return;
    }
    if (t.getContextClassLoader() == loader) {
      found.add(name + " has it as context class loader");
      return;
    }
    for (StackTraceElement frame : t.getStackTrace()) {
      int dot = frame.getClassName().lastIndexOf('.');
      if (dot > 0 && packages.contains(frame.getClassName().substring(0, dot))) {
        found.add(name + " runs plugin code: at " + frame);
        return;
      }
    }
  }

  /** Packages of the classes in the expanded plugin's {@code classes/} folders. */
  private static Set<String> pluginPackages(Path pluginsDir) {
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> files = Files.walk(pluginsDir)) {
      files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
        Path classes = f;
        while (classes != null && !classes.getFileName().toString().equals("classes")) {
          classes = classes.getParent();
        }
        if (classes != null && f.getParent() != null && !f.getParent().equals(classes)) {
          packages.add(classes.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), "."));
        }
      });
    } catch (IOException e) {
      // diagnosis only: without the packages, threads are recognised by class loader alone
    }
    return packages;
  }

  private static String heapDump(String pluginId) {
    String dir = System.getProperty(HEAP_DUMP_DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      return "";
    }
    try {
      Path file = Files.createDirectories(Path.of(dir)).resolve("plugin-" + pluginId + "-" + System.nanoTime() + ".hprof");
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
      return "\nHeap dump: " + file + " (find the paths from GC roots to org.pf4j.PluginClassLoader).";
    } catch (IOException | RuntimeException e) {
      return "\nHeap dump to " + dir + " failed: " + e;
    }
  }
}
