package dev.laminar.tck;

import dev.laminar.sdk.LaminarSdk;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.TestAbortedException;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * One plugin zip loaded with PF4J's {@link DefaultPluginManager} from its own plugins folder, as a host
 * loads it. Every call into plugin code runs on one thread of this sandbox's own (see {@link #call}),
 * which {@link #unload()} ends before it unloads the plugin: a library that caches per thread (Jackson's
 * buffer recyclers, for one) would otherwise keep the plugin's class loader reachable from a host thread.
 *
 * <p>Whatever a call returns must hold no object of a plugin class; an exception thrown by plugin code
 * is copied into an {@link AssertionError} that holds only its text, for the same reason.
 */
final class PluginSandbox {
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  private final Path pluginsDir;
  private final PluginManager manager;
  private final ExecutorService pluginThread;
  private final String pluginId;
  private final WeakReference<ClassLoader> classLoader;
  private final ReferenceQueue<ClassLoader> collected = new ReferenceQueue<>();
  /** Threads alive before the plugin was loaded: none of them can have been started by it. */
  private final Set<Thread> threadsBefore = Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean unloaded;

  private PluginSandbox(Path zip, Path pluginsDir) throws Exception {
    this.pluginsDir = pluginsDir;
    threadsBefore.addAll(Thread.getAllStackTraces().keySet());
    Files.createDirectories(pluginsDir);
    Files.copy(zip, pluginsDir.resolve(zip.getFileName()));
    DefaultPluginManager pf4j = new DefaultPluginManager(pluginsDir);
    pf4j.setSystemVersion(LaminarSdk.VERSION);
    this.manager = pf4j;
    String threadName = "tck-plugin-" + zip.getFileName();
    this.pluginThread = Executors.newSingleThreadExecutor(task -> {
      Thread t = new Thread(task, threadName);
      t.setDaemon(true);
      return t;
    });
    String id;
    WeakReference<ClassLoader> loader;
    try {
      Object[] loaded = call("loading " + zip, () -> {
        manager.loadPlugins();
        List<PluginWrapper> plugins = manager.getPlugins();
        if (plugins.size() != 1) {
          throw new AssertionError("expected one plugin in " + zip + " but PF4J loaded " + plugins.size() + ": " + plugins
              + " (is plugin.properties at the root of the zip, and Plugin-Requires satisfied by SDK " + LaminarSdk.VERSION + "?)");
        }
        PluginWrapper plugin = plugins.get(0);
        PluginState state = manager.startPlugin(plugin.getPluginId());
        if (state != PluginState.STARTED) {
          throw new AssertionError("plugin '" + plugin.getPluginId() + "' " + plugin.getDescriptor().getVersion() + " from " + zip
              + " did not start: " + state + (plugin.getFailedException() == null ? "" : ": " + text(plugin.getFailedException())));
        }
        return new Object[] {plugin.getPluginId(), new WeakReference<>(plugin.getPluginClassLoader(), collected)};
      });
      id = (String) loaded[0];
      @SuppressWarnings("unchecked")
      WeakReference<ClassLoader> ref = (WeakReference<ClassLoader>) loaded[1];
      loader = ref;
    } catch (Throwable t) {
      pluginThread.shutdownNow();
      throw t;
    }
    this.pluginId = id;
    this.classLoader = loader;
  }

  /** Copies {@code zip} into {@code pluginsDir} (created) and loads and starts the plugin in it. */
  static PluginSandbox load(Path zip, Path pluginsDir) throws Exception {
    return new PluginSandbox(zip, pluginsDir);
  }

  String pluginId() {
    return pluginId;
  }

  PluginManager manager() {
    return manager;
  }

  /** The folder the zip was copied to and expanded in. */
  Path pluginsDir() {
    return pluginsDir;
  }

  /** The plugin's class loader, weakly; its queue receives it when collected. */
  WeakReference<ClassLoader> classLoader() {
    return classLoader;
  }

  ReferenceQueue<ClassLoader> collectedQueue() {
    return collected;
  }

  /** Whether {@code t} was alive before the plugin was loaded (so the plugin did not start it). */
  boolean existedBeforeLoading(Thread t) {
    return threadsBefore.contains(t);
  }

  /**
   * Runs {@code task} on the sandbox's plugin thread and returns its result.
   *
   * @throws AssertionError holding only the text of what plugin code threw, prefixed by {@code what}
   * @throws TestAbortedException when the task aborted (a context skipping a case)
   */
  <T> T call(String what, Callable<T> task) throws Exception {
    if (unloaded) {
      throw new IllegalStateException("plugin '" + pluginId + "' is unloaded");
    }
    Future<T> result = pluginThread.submit(() -> {
      try {
        return task.call();
      } catch (TestAbortedException e) {
        throw new TestAbortedException(e.getMessage());
      } catch (Throwable t) {
        throw new AssertionError(what + ": " + text(t));
      }
    });
    try {
      return result.get(CALL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw new AssertionError(what + ": plugin code did not return within " + CALL_TIMEOUT);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw (Exception) e.getCause();
    }
  }

  /**
   * Stops and unloads the plugin on the plugin thread, then ends that thread. Idempotent.
   *
   * @throws AssertionError when PF4J does not unload it or the thread does not end
   */
  void unload() throws Exception {
    if (unloaded) {
      return;
    }
    try {
      Boolean done = call("unloading plugin '" + pluginId + "'", () -> manager.unloadPlugin(pluginId));
      if (!done) {
        throw new AssertionError("PF4J did not unload plugin '" + pluginId + "'");
      }
    } finally {
      unloaded = true;
      pluginThread.shutdown();
      if (!pluginThread.awaitTermination(30, TimeUnit.SECONDS)) {
        pluginThread.shutdownNow();
        throw new AssertionError("the sandbox's plugin thread did not end within 30s after unloading '" + pluginId + "'");
      }
    }
  }

  /** The class name, message and stack trace of {@code t} and its causes, as text only. */
  static String text(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
