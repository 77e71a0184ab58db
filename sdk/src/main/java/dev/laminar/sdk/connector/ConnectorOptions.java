package dev.laminar.sdk.connector;

import dev.laminar.sdk.annotation.Stable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Options of one connector instance after validation against its {@link OptionSpec}s: every
 * required option present, every value parsed, defaults applied, no unknown option. Immutable.
 */
@Stable
public final class ConnectorOptions {
  private final String connectorId;
  private final Map<String, Object> values;
  private final Map<String, String> raw;

  private ConnectorOptions(String connectorId, Map<String, Object> values, Map<String, String> raw) {
    this.connectorId = connectorId;
    this.values = Collections.unmodifiableMap(values);
    this.raw = Collections.unmodifiableMap(raw);
  }

  /**
   * Validates raw {@code WITH} options (without the {@code connector} key) against specs.
   *
   * @throws InvalidOptionException for the first unknown, missing or malformed option, naming it,
   *     the connector, and what is allowed
   */
  public static ConnectorOptions validate(String connectorId, List<OptionSpec> specs, Map<String, String> rawOptions) {
    Objects.requireNonNull(connectorId, "connectorId is null");
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> raw = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : rawOptions.entrySet()) {
      String key = e.getKey();
      OptionSpec spec = specs.stream().filter(s -> s.matches(key)).findFirst().orElse(null);
      if (spec == null) {
        throw new InvalidOptionException(connectorId, key,
            "connector '" + connectorId + "' has no option '" + key + "'; its options are: " + describe(specs));
      }
      values.put(key, spec.parse(connectorId, e.getValue()));
      raw.put(key, e.getValue());
    }
    for (OptionSpec spec : specs) {
      if (spec.isPrefix() || values.containsKey(spec.name())) {
        continue;
      }
      if (spec.required()) {
        throw new InvalidOptionException(connectorId, spec.name(),
            "connector '" + connectorId + "' requires option '" + spec.name() + "' (" + spec.expectation()
                + (spec.description().isEmpty() ? "" : ": " + spec.description()) + ")");
      }
      if (spec.defaultValue() != null) {
        values.put(spec.name(), spec.parse(connectorId, spec.defaultValue()));
        raw.put(spec.name(), spec.defaultValue());
      }
    }
    return new ConnectorOptions(connectorId, values, raw);
  }

  private static String describe(List<OptionSpec> specs) {
    if (specs.isEmpty()) {
      return "(none)";
    }
    StringBuilder sb = new StringBuilder();
    for (OptionSpec s : specs) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(s.name()).append(s.isPrefix() ? "*" : "");
    }
    return sb.toString();
  }

  public String connectorId() {
    return connectorId;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String getString(String name) {
    return (String) get(name);
  }

  public int getInt(String name) {
    return (Integer) get(name);
  }

  public long getLong(String name) {
    return (Long) get(name);
  }

  public double getDouble(String name) {
    return (Double) get(name);
  }

  public boolean getBoolean(String name) {
    return (Boolean) get(name);
  }

  public Duration getDuration(String name) {
    return (Duration) get(name);
  }

  @SuppressWarnings("unchecked")
  public List<String> getList(String name) {
    return (List<String>) get(name);
  }

  /** The parsed value, or {@code null} when the option is absent and has no default. */
  public Object get(String name) {
    return values.get(name);
  }

  /** Every option that starts with {@code prefix}, keyed by the rest of its name (e.g. Kafka client properties). */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    raw.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  /** The options as written (after defaults), for display; secret values must be masked by the caller. */
  public Map<String, String> raw() {
    return raw;
  }
}
