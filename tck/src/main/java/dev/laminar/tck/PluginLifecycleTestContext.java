package dev.laminar.tck;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@link PluginLifecycleTestSuite} needs: the plugin's zip, and contexts (the same ones the plugin's
 * other suites use) telling it how to exercise the plugin's connectors and functions once loaded from
 * that zip. A context's {@code createFactory()} and {@code function()} are used only for the connector
 * id and the function name; the suite calls the copies the plugin's own class loader defines.
 *
 * <p>The suite calls each {@code *Contexts()} method at most once per test and closes the source, sink
 * and lookup contexts it got after the test (before its thread check, in the unload case).
 */
public abstract class PluginLifecycleTestContext {
  /** System property with the path of the plugin zip; the plugins' build sets it for integration tests. */
  public static final String PLUGIN_ZIP_PROPERTY = "plugin.zip";

  /**
   * The plugin zip to load, or {@code null} to skip the suite. Default: the path in system property
   * {@value #PLUGIN_ZIP_PROPERTY}, or {@code null} when it is not set (the zip exists only after
   * {@code package}, so run the suite from a failsafe {@code *IT} class).
   */
  public Path pluginZip() {
    String path = System.getProperty(PLUGIN_ZIP_PROPERTY);
    return path == null || path.isBlank() ? null : Path.of(path);
  }

  /** Sources to read with the plugin's copy of their connector (rows checked as in the source suite). */
  public List<SourceTestContext> sourceContexts() {
    return List.of();
  }

  /** Sinks to write with the plugin's copy of their connector (rows read back with the context). */
  public List<SinkTestContext> sinkContexts() {
    return List.of();
  }

  /** Lookup tables to query with the plugin's copy of their connector. */
  public List<LookupTestContext> lookupContexts() {
    return List.of();
  }

  /** Aggregate functions to call through the plugin's {@code FunctionProvider}, found by name. */
  public List<AggregateFunctionTestContext<?>> aggregateFunctionContexts() {
    return List.of();
  }

  /**
   * How long to wait, calling {@link System#gc()} repeatedly, for the unloaded plugin's class loader to
   * be collected. Default 30 seconds.
   */
  public Duration collectionTimeout() {
    return Duration.ofSeconds(30);
  }

  /** Releases what the context created; called after each test. */
  public void close() throws Exception {}
}
