package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.function.FunctionProvider;
import dev.laminar.sdk.function.ScalarFunction;
import dev.laminar.sdk.row.Row;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as a whole: it loads from its zip with PF4J as the engine loads it, its extensions come from
 * its own class loader, its connectors and functions work from there — and once it is unloaded, nothing
 * of it stays behind: its class loader is garbage-collected, no thread it started is alive, no file in its
 * folder is open. Extend it in a failsafe integration test ({@code *IT}), where the zip exists:
 *
 * <pre>{@code
 * class MyPluginLifecycleIT extends PluginLifecycleTestSuite {
 *   @Override
 *   protected PluginLifecycleTestContext createContext(Path workDir) {
 *     return new PluginLifecycleTestContext() {
 *       @Override
 *       public List<SourceTestContext> sourceContexts() {
 *         return List.of(new MySourceContext(workDir));
 *       }
 *     };
 *   }
 * }
 * }</pre>
 *
 * <p>The plugin is loaded with {@link org.pf4j.DefaultPluginManager} (system version
 * {@link dev.laminar.sdk.LaminarSdk#VERSION}) from a plugins folder under the test's temporary folder.
 * Every call into plugin code runs on a thread of the suite's own that ends before the plugin is
 * unloaded, as the engine runs plugin code on per-plugin threads (see BUILD-NOTES: a library caching per
 * thread would otherwise pin the class loader from a host thread). So a failure of the collection check
 * means the plugin itself leaves something behind: a thread, a shutdown hook, a JDBC driver or logging
 * handler registered with the JDK, a static cache in a host library. The failure message names what it
 * can find; set {@code -Dlaminar.tck.heapDumpDir=DIR} for a heap dump to trace the rest.
 *
 * <p>Skipped when the context gives no zip ({@link PluginLifecycleTestContext#pluginZip()} is null).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class PluginLifecycleTestSuite {
  private PluginLifecycleTestContext context;
  private Path workDir;
  private List<SourceTestContext> sources;
  private List<SinkTestContext> sinks;
  private List<LookupTestContext> lookups;

  /** Creates the context for one test, with a fresh temporary folder; the suite closes it after the test. */
  protected abstract PluginLifecycleTestContext createContext(Path workDir) throws Exception;

  @BeforeEach
  final void createTestContext(@TempDir Path dir) throws Exception {
    workDir = dir;
    context = createContext(dir);
  }

  @AfterEach
  final void closeTestContext() throws Exception {
    closeSubContexts();
    if (context != null) {
      context.close();
    }
  }

  /** The context of the running test. */
  protected final PluginLifecycleTestContext context() {
    return context;
  }

  /**
   * PF4J loads and starts the plugin from its zip; it has at least one extension (ConnectorFactory or
   * FunctionProvider), each defined by the plugin's own class loader (not a host copy found through the
   * parent); the contexts' connectors and functions are among them, and work.
   */
  @Test
  public void pluginLoadsFromItsZipWithItsExtensions() throws Exception {
    Path zip = requireZip();
    PluginSandbox sandbox = PluginSandbox.load(zip, workDir.resolve("plugins"));
    try {
      List<String> extensions = sandbox.call("listing the extensions of the plugin", () -> inventory(sandbox));
      assertThat(extensions).as("extensions of plugin '%s' from %s (ConnectorFactory, FunctionProvider): is"
          + " META-INF/extensions.idx in the zip's classes/?", sandbox.pluginId(), zip).isNotEmpty();
      for (String expected : expectedExtensions()) {
        assertThat(extensions).as("extensions of plugin '%s'", sandbox.pluginId()).contains(expected);
      }
      exercise(sandbox);
    } finally {
      sandbox.unload();
    }
  }

  /**
   * After the plugin has been loaded, exercised and unloaded (its PF4J manager kept alive, as a host
   * unloads one plugin at run time), its class loader is garbage-collected within
   * {@link PluginLifecycleTestContext#collectionTimeout()}; no file in its folder is open; no thread
   * started since is alive once the test's contexts are closed.
   */
  @Test
  public void unloadedPluginLeavesNothingBehind() throws Exception {
    Path zip = requireZip();
    Path pluginsDir = workDir.resolve("plugins");
    ResourceSnapshot before = ResourceSnapshot.take();
    PluginSandbox sandbox = loadExerciseAndUnload(zip, pluginsDir);
    closeSubContexts();
    String plugin = "plugin '" + sandbox.pluginId() + "' from " + zip.getFileName();
    ClassLoaderLeaks.awaitCollected(sandbox, context.collectionTimeout(), plugin);
    ResourceSnapshot.assertNoneOpenUnder(pluginsDir, plugin + " was unloaded, yet", context.collectionTimeout());
    before.assertThreadsReleased(plugin + " loaded, used and unloaded", context.collectionTimeout());
    Reference.reachabilityFence(sandbox); // the manager outlives the check, as in a host that keeps running
  }

  /** Loads, exercises and unloads; returns the unloaded sandbox (no strong reference into the plugin is left on this frame). */
  private PluginSandbox loadExerciseAndUnload(Path zip, Path pluginsDir) throws Exception {
    PluginSandbox sandbox = PluginSandbox.load(zip, pluginsDir);
    try {
      sandbox.call("listing the extensions of the plugin", () -> inventory(sandbox));
      exercise(sandbox);
    } finally {
      sandbox.unload();
    }
    return sandbox;
  }

  private Path requireZip() {
    Path zip = context.pluginZip();
    if (zip == null) {
      Assumptions.abort("no plugin zip (PluginLifecycleTestContext.pluginZip() is null; system property "
          + PluginLifecycleTestContext.PLUGIN_ZIP_PROPERTY + " is set by the plugin build for *IT tests after package)");
    }
    assertThat(zip).as("plugin zip").isRegularFile();
    return zip;
  }

  /** Runs on the plugin thread: "connector:ID:KIND", "scalar:NAME", "aggregate:NAME" for every extension. */
  private static List<String> inventory(PluginSandbox sandbox) {
    ClassLoader loader = sandbox.manager().getPluginClassLoader(sandbox.pluginId());
    TreeSet<String> out = new TreeSet<>();
    for (ConnectorFactory f : sandbox.manager().getExtensions(ConnectorFactory.class, sandbox.pluginId())) {
      requireOwnClass(f, loader);
      assertThat(f.description()).as("description() of connector '%s'", f.id()).isNotBlank();
      assertThat(f.options()).as("options() of connector '%s'", f.id()).isNotNull();
      for (ConnectorKind kind : f.provides()) {
        out.add("connector:" + f.id().toLowerCase(Locale.ROOT) + ":" + kind);
      }
    }
    for (FunctionProvider p : sandbox.manager().getExtensions(FunctionProvider.class, sandbox.pluginId())) {
      requireOwnClass(p, loader);
      for (ScalarFunction f : p.scalarFunctions()) {
        requireOwnClass(f, loader);
        out.add("scalar:" + f.name().toLowerCase(Locale.ROOT));
      }
      for (AggregateFunction<?> f : p.aggregateFunctions()) {
        requireOwnClass(f, loader);
        out.add("aggregate:" + f.name().toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(out);
  }

  private static void requireOwnClass(Object extension, ClassLoader loader) {
    if (extension.getClass().getClassLoader() != loader) {
      throw new AssertionError(extension.getClass().getName() + " was defined by " + extension.getClass().getClassLoader()
          + ", not by the plugin's class loader: the zip's classes/ lacks it, so PF4J found a copy through the parent");
    }
  }

  private List<String> expectedExtensions() throws Exception {
    List<String> out = new ArrayList<>();
    for (SourceTestContext c : sources()) {
      out.add("connector:" + c.createFactory().id().toLowerCase(Locale.ROOT) + ":" + ConnectorKind.SOURCE);
    }
    for (SinkTestContext c : sinks()) {
      out.add("connector:" + c.createFactory().id().toLowerCase(Locale.ROOT) + ":" + ConnectorKind.SINK);
    }
    for (LookupTestContext c : lookups()) {
      out.add("connector:" + c.createFactory().id().toLowerCase(Locale.ROOT) + ":" + ConnectorKind.LOOKUP);
    }
    for (AggregateFunctionTestContext<?> c : aggregates()) {
      out.add("aggregate:" + c.function().name().toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** Uses every connector and function the contexts name, through the plugin's copies; checks the results on this thread. */
  private void exercise(PluginSandbox sandbox) throws Exception {
    for (SourceTestContext source : sources()) {
      String id = source.createFactory().id();
      List<Row> written = source.testRows();
      source.writeTestData(written);
      List<Row> read = sandbox.call("reading with the plugin's connector '" + id + "'",
          () -> ConnectorExercises.readEverything(connector(sandbox, id), source, written.size()));
      RowChecks.assertSameRows("rows read by the plugin's copy of connector '" + id + "'", read, written, false);
    }
    for (SinkTestContext sink : sinks()) {
      String id = sink.createFactory().id();
      List<Row> rows = sink.testRows();
      sandbox.call("writing with the plugin's connector '" + id + "'", () -> {
        ConnectorExercises.writeEverything(connector(sandbox, id), sink, rows, 1);
        return null;
      });
      RowChecks.assertContainsAll("rows read back after the plugin's copy of connector '" + id + "' wrote them", sink.readBack(),
          new ListRowBatch(sink.schema(), rows).rows());
    }
    for (LookupTestContext lookup : lookups()) {
      String id = lookup.createFactory().id();
      List<Row> rows = lookup.testRows();
      lookup.writeTestData(rows);
      LookupExpectations expected = new LookupExpectations(lookup.schema(), lookup.keyColumns(), rows);
      List<Row> keys = new ArrayList<>(expected.hitKeys());
      keys.addAll(expected.missingKeys());
      List<List<Row>> results = sandbox.call("looking up with the plugin's connector '" + id + "'",
          () -> ConnectorExercises.lookUp(connector(sandbox, id), lookup, keys));
      assertThat(results).as("results of the plugin's copy of lookup connector '%s'", id).hasSize(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        assertThat(results.get(i)).as("entry %s (key %s) from the plugin's copy of connector '%s'", i, keys.get(i), id).isNotNull();
        RowChecks.assertSameRows("rows for key " + keys.get(i) + " from the plugin's copy of connector '" + id + "'",
            new ListRowBatch(lookup.schema(), results.get(i)).rows(), expected.expected(keys.get(i)), false);
      }
    }
    for (AggregateFunctionTestContext<?> aggregate : aggregates()) {
      String name = aggregate.function().name();
      Random random = new Random(aggregate.seed());
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        rows.add(aggregate.argumentRow(random));
      }
      String host = evaluate(aggregate.function(), aggregate, rows);
      String plugin = sandbox.call("calling the plugin's aggregate " + name,
          () -> evaluate(aggregateFunction(sandbox, name), aggregate, rows));
      assertThat(plugin).as("result of the plugin's copy of %s vs the test classpath's copy, over %s", name, rows).isEqualTo(host);
    }
  }

  /** Runs on the plugin thread: the plugin's connector factory with this id. */
  private static ConnectorFactory connector(PluginSandbox sandbox, String id) {
    List<String> ids = new ArrayList<>();
    for (ConnectorFactory f : sandbox.manager().getExtensions(ConnectorFactory.class, sandbox.pluginId())) {
      if (f.id().equalsIgnoreCase(id)) {
        return f;
      }
      ids.add(f.id());
    }
    throw new AssertionError("plugin '" + sandbox.pluginId() + "' has no connector '" + id + "'; it has " + ids);
  }

  /** Runs on the plugin thread: the plugin's aggregate function with this name. */
  private static AggregateFunction<?> aggregateFunction(PluginSandbox sandbox, String name) {
    List<String> names = new ArrayList<>();
    for (FunctionProvider p : sandbox.manager().getExtensions(FunctionProvider.class, sandbox.pluginId())) {
      for (AggregateFunction<?> f : p.aggregateFunctions()) {
        if (f.name().equalsIgnoreCase(name)) {
          return f;
        }
        names.add(f.name());
      }
    }
    throw new AssertionError("plugin '" + sandbox.pluginId() + "' has no aggregate function '" + name + "'; it has " + names);
  }

  /** Adds half the rows to one accumulator and half to another, merges, and describes the result as text. */
  private static <A> String evaluate(AggregateFunction<A> function, AggregateFunctionTestContext<?> context, List<Row> rows) {
    RowArguments arguments = new RowArguments(context.argumentTypes());
    A left = function.createAccumulator();
    A right = function.createAccumulator();
    for (int i = 0; i < rows.size(); i++) {
      function.add(i % 2 == 0 ? left : right, arguments.set(rows.get(i)));
    }
    function.merge(left, right);
    Object result = function.result(left);
    return result == null ? "NULL" : result + " (" + result.getClass().getName() + ")";
  }

  private List<SourceTestContext> sources() {
    if (sources == null) {
      sources = List.copyOf(context.sourceContexts());
    }
    return sources;
  }

  private List<SinkTestContext> sinks() {
    if (sinks == null) {
      sinks = List.copyOf(context.sinkContexts());
    }
    return sinks;
  }

  private List<LookupTestContext> lookups() {
    if (lookups == null) {
      lookups = List.copyOf(context.lookupContexts());
    }
    return lookups;
  }

  private List<AggregateFunctionTestContext<?>> aggregates() {
    return context.aggregateFunctionContexts();
  }

  /** Closes the source, sink and lookup contexts obtained so far (each once). */
  private void closeSubContexts() throws Exception {
    List<ConnectorTestContext> toClose = new ArrayList<>();
    if (sources != null) {
      toClose.addAll(sources);
    }
    if (sinks != null) {
      toClose.addAll(sinks);
    }
    if (lookups != null) {
      toClose.addAll(lookups);
    }
    sources = List.of();
    sinks = List.of();
    lookups = List.of();
    Exception first = null;
    for (ConnectorTestContext c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
