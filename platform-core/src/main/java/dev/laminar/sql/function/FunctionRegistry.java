package dev.laminar.sql.function;

import dev.laminar.sdk.function.FunctionProvider;
import dev.laminar.sdk.function.ScalarFunction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scalar functions SQL can call by name besides the built-ins: those the application registered
 * in code, then those of the loaded plugins' {@link FunctionProvider}s. Plugins come and go while
 * the engine runs, so the plugin side is read again each time a query is planned. Names are
 * case-insensitive; when two functions share a name the first wins (application before plugins)
 * and the other is skipped with a warning.
 */
public final class FunctionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionRegistry.class);

  /** No functions. */
  public static final FunctionRegistry EMPTY = new FunctionRegistry(List.of(), Map::of);

  /**
   * A function and where it came from.
   *
   * @param origin "application" or "plugin ID VERSION", for messages
   */
  public record Registered(ScalarFunction function, String origin) {
    public Registered {
      Objects.requireNonNull(function, "function is null");
      Objects.requireNonNull(origin, "origin is null");
    }
  }

  private final List<ScalarFunction> application;
  private final Supplier<Map<String, List<FunctionProvider>>> plugins;

  /**
   * @param application functions registered in code
   * @param plugins the function providers of the loaded plugins, keyed by "plugin ID VERSION"
   */
  public FunctionRegistry(List<ScalarFunction> application, Supplier<Map<String, List<FunctionProvider>>> plugins) {
    this.application = List.copyOf(Objects.requireNonNull(application, "application is null"));
    this.plugins = Objects.requireNonNull(plugins, "plugins is null");
  }

  /** A plugin aggregate function and where it came from ("plugin ID VERSION"). */
  public record RegisteredAggregate(dev.laminar.sdk.function.AggregateFunction<?> function, String origin) {}

  /** Every aggregate function of the loaded plugins, by name (the first of a name wins). */
  public List<RegisteredAggregate> aggregateFunctions() {
    Map<String, RegisteredAggregate> byName = new LinkedHashMap<>();
    plugins.get().forEach((origin, providers) -> {
      for (FunctionProvider p : providers) {
        List<dev.laminar.sdk.function.AggregateFunction<?>> functions;
        try {
          functions = p.aggregateFunctions();
        } catch (RuntimeException e) {
          LOG.warn("{}: aggregateFunctions() of {} failed; its aggregates are not available: {}", origin, p.getClass().getName(), e.toString());
          continue;
        }
        for (dev.laminar.sdk.function.AggregateFunction<?> f : functions) {
          if (f.name() == null || f.name().isBlank()) {
            LOG.warn("{}: an aggregate function ({}) has no name; skipped", origin, f.getClass().getName());
            continue;
          }
          RegisteredAggregate previous = byName.putIfAbsent(f.name().toUpperCase(Locale.ROOT), new RegisteredAggregate(f, origin));
          if (previous != null) {
            LOG.warn("aggregate {} is provided twice: by {} and by {}; using the one from {}", f.name(), previous.origin(), origin,
                previous.origin());
          }
        }
      }
    });
    return new ArrayList<>(byName.values());
  }

  /** Every scalar function by name, application functions first. */
  public List<Registered> scalarFunctions() {
    Map<String, Registered> byName = new LinkedHashMap<>();
    for (ScalarFunction f : application) {
      add(byName, new Registered(f, "application"));
    }
    plugins.get().forEach((origin, providers) -> {
      for (FunctionProvider p : providers) {
        List<ScalarFunction> functions;
        try {
          functions = p.scalarFunctions();
        } catch (RuntimeException e) {
          LOG.warn("{}: scalarFunctions() of {} failed; its functions are not available: {}", origin, p.getClass().getName(), e.toString());
          continue;
        }
        for (ScalarFunction f : functions) {
          add(byName, new Registered(f, origin));
        }
      }
    });
    return new ArrayList<>(byName.values());
  }

  private static void add(Map<String, Registered> byName, Registered r) {
    String name = r.function().name();
    if (name == null || name.isBlank()) {
      LOG.warn("{}: a scalar function ({}) has no name; skipped", r.origin(), r.function().getClass().getName());
      return;
    }
    Registered previous = byName.putIfAbsent(name.toUpperCase(Locale.ROOT), r);
    if (previous != null) {
      LOG.warn("function {} is provided twice: by {} and by {}; using the one from {}", name, previous.origin(), r.origin(),
          previous.origin());
    }
  }
}
